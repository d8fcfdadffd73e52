package export_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/report/export"
	"github.com/pmx-dev/pmx/report/outfile"
)

// Export the demo log as gzip-compressed XES; the guard keeps the output
// off the input file.
func ExampleExport() {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		panic(err)
	}
	defer w.Close()
	const input = "../../ingest/demo/incidents.xes.gz"
	if _, err := ingest.ImportFile(ctx, w, input, ingest.FileOptions{Name: "incidents"}); err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "pmx-example-")
	defer os.RemoveAll(dir)
	guard := &outfile.Guard{}
	guard.Protect(input, "the input log")
	res, err := export.Export(ctx, w, "incidents", export.Options{Out: filepath.Join(dir, "incidents.xes.gz")}, guard)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Format, res.Events, res.Cases)
	// Output: xes.gz 28699 3000
}
