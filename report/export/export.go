package export

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/report/outfile"
)

// Format is an output format.
type Format string

const (
	XES     Format = "xes"
	CSV     Format = "csv"
	Parquet Format = "parquet"
)

// FormatOf tells the format from a file name: .xes, .xes.gz, .csv,
// .csv.gz or .parquet (any case); gz reports gzip compression.
func FormatOf(path string) (f Format, gz bool, err error) {
	name := strings.ToLower(filepath.Base(path))
	if n, ok := strings.CutSuffix(name, ".gz"); ok {
		name, gz = n, true
	}
	switch {
	case strings.HasSuffix(name, ".xes"):
		return XES, gz, nil
	case strings.HasSuffix(name, ".csv"):
		return CSV, gz, nil
	case strings.HasSuffix(name, ".parquet") && !gz:
		return Parquet, false, nil
	}
	return "", false, fmt.Errorf("output %s: name must end in .xes, .xes.gz, .csv, .csv.gz or .parquet", path)
}

// WriteFile writes log name to path in the format its name says,
// atomically and never over a path guard protects.
func WriteFile(ctx context.Context, w *warehouse.Warehouse, name, path string, guard *outfile.Guard) error {
	f, gz, err := FormatOf(path)
	if err != nil {
		return err
	}
	if f == Parquet {
		return outfile.WritePath(path, guard, func(tmp string) error { return w.WriteParquet(ctx, name, tmp) })
	}
	return outfile.Write(path, guard, func(out io.Writer) error {
		if !gz {
			return Write(ctx, w, name, f, out)
		}
		z := gzip.NewWriter(out)
		if err := Write(ctx, w, name, f, z); err != nil {
			return err
		}
		return z.Close()
	})
}

// Write writes log name to out as XES or CSV.
func Write(ctx context.Context, w *warehouse.Warehouse, name string, f Format, out io.Writer) error {
	switch f {
	case XES:
		return writeXES(ctx, w, name, out)
	case CSV:
		return writeCSV(ctx, w, name, out)
	}
	return fmt.Errorf("export: format %q is not written to a stream", f)
}

// row is one stored event, with its case's attributes.
type row struct {
	caseID, activity    string
	ts, start           int64 // µs since the epoch, UTC; start valid when hasStart
	hasStart            bool
	resource, lifecycle string // "" = null
	attrs, caseAttrs    string // JSON object text, "" = none
}

// caseChunk is the number of cases read per query: go-duckdb's Arrow
// interface materialises a whole result, so a log is read in slices of
// cases (in dictionary order) to keep memory bounded.
var caseChunk = 20000

// scan calls fn for every stored event of log name, by case (first
// appearance), then time, then source position; newCase is true on the
// first event of a case. All reads share one snapshot.
func scan(ctx context.Context, w *warehouse.Warehouse, name string, fn func(r *row, newCase bool) error) error {
	id, err := w.LogID(ctx, name)
	if err != nil {
		return err
	}
	err = w.ReadArrow(ctx, func(query warehouse.Query) error {
		var maxCase int64 = -1
		err := query(fmt.Sprintf(`SELECT coalesce(max(case_no), -1)::BIGINT FROM events WHERE log_id = %d`, id), func(rec arrow.Record) error {
			if rec.NumRows() > 0 {
				maxCase = rec.Column(0).(*array.Int64).Value(0)
			}
			return nil
		})
		if err != nil {
			return err
		}
		var r row
		prev := ""
		first := true
		for lo := int64(0); lo <= maxCase; lo += int64(caseChunk) {
			if err := ctx.Err(); err != nil {
				return err
			}
			q := fmt.Sprintf(`SELECT e.case_id, e.activity, epoch_us(e.ts), epoch_us(e.start_ts), e.resource, e.lifecycle,
				e.attrs::VARCHAR, c.attrs::VARCHAR
				FROM events e LEFT JOIN cases c ON c.log_id = e.log_id AND c.case_no = e.case_no
				WHERE e.log_id = %d AND e.case_no >= %d AND e.case_no < %d ORDER BY e.case_no, e.ts, e.seq`, id, lo, lo+int64(caseChunk))
			err := query(q, func(rec arrow.Record) error {
				cs := rec.Column(0).(*array.String)
				act := rec.Column(1).(*array.String)
				ts := rec.Column(2).(*array.Int64)
				st := rec.Column(3).(*array.Int64)
				res := rec.Column(4).(*array.String)
				lc := rec.Column(5).(*array.String)
				at := rec.Column(6).(*array.String)
				ca := rec.Column(7).(*array.String)
				for i := 0; i < int(rec.NumRows()); i++ {
					r = row{caseID: cs.Value(i), activity: act.Value(i), ts: ts.Value(i)}
					if st.IsValid(i) {
						r.start, r.hasStart = st.Value(i), true
					}
					r.resource, r.lifecycle = optString(res, i), optString(lc, i)
					r.attrs, r.caseAttrs = optString(at, i), optString(ca, i)
					newCase := first || r.caseID != prev
					if newCase {
						// Values view the record's buffers, which are
						// freed after this call: keep a copy.
						first, prev = false, strings.Clone(r.caseID)
					}
					if err := fn(&r, newCase); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("export %q: %w", name, err)
	}
	return nil
}

func optString(a *array.String, i int) string {
	if a.IsNull(i) {
		return ""
	}
	return a.Value(i)
}

// stamp writes an instant as pmx's XES reader writes dates: UTC, six
// fraction digits, "Z".
func stamp(us int64) string { return time.UnixMicro(us).UTC().Format("2006-01-02T15:04:05.000000Z") }

// Result is what an export wrote; pmx export --json prints it.
type Result struct {
	Log    string `json:"log"`
	Output string `json:"output"` // file or directory written
	Format string `json:"format"` // xes, xes.gz, csv, csv.gz, parquet or parquet-dir
	Events int64  `json:"events"` // stored events written (every lifecycle transition)
	Cases  int64  `json:"cases"`
}

// Options says where an export goes: a file (Out, format from its name) or
// a hive-partitioned Parquet directory (ParquetDir); exactly one is set.
type Options struct {
	Out        string
	ParquetDir string
}

// Export writes log name as opt says and reports what it wrote. guard
// protects the command's inputs and the warehouse (report/outfile).
func Export(ctx context.Context, w *warehouse.Warehouse, name string, opt Options, guard *outfile.Guard) (Result, error) {
	info, err := w.Log(ctx, name)
	if err != nil {
		return Result{}, err
	}
	res := Result{Log: name, Events: info.Events, Cases: info.Cases}
	switch {
	case (opt.Out == "") == (opt.ParquetDir == ""):
		return res, fmt.Errorf("export %q: give exactly one of an output file and a Parquet directory", name)
	case opt.ParquetDir != "":
		// The directory may exist (a data set of several logs): only new
		// log= directories are added to it, so no file can be replaced.
		if info, err := os.Stat(opt.ParquetDir); err == nil && !info.IsDir() {
			return res, fmt.Errorf("--parquet-dir %s is a file; give a directory", opt.ParquetDir)
		}
		res.Output, res.Format = opt.ParquetDir, "parquet-dir"
		return res, w.WriteParquetDir(ctx, name, opt.ParquetDir)
	}
	f, gz, err := FormatOf(opt.Out)
	if err != nil {
		return res, err
	}
	res.Output, res.Format = opt.Out, string(f)
	if gz {
		res.Format += ".gz"
	}
	return res, WriteFile(ctx, w, name, opt.Out, guard)
}
