package ingest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pmx-dev/pmx/ingest/csv"
	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/ingest/xes"
)

// Formats pmx imports from files.
const (
	FormatXES     = "xes"
	FormatCSV     = "csv"
	FormatParquet = "parquet"
)

// FileOptions controls ImportFile. The zero value imports under a name taken
// from the file, detects the format, fails on the first bad row and never
// replaces an existing log.
type FileOptions struct {
	Name       string // log name; "" = file name without extensions
	Format     string // FormatXES, FormatCSV, FormatParquet; "" = detect
	Replace    bool   // replace an existing log of the same name
	Rejects    bool   // keep bad rows in the rejects table instead of failing
	Classifier string // XES: a declared classifier for activity labels
	CSV        csv.Options
	OnBatch    func(events int64) // progress callback, see warehouse.ImportOptions
	// BytesRead, when set, counts the bytes read from the file so far
	// (XES and CSV; DuckDB reads Parquet itself): against the file's size,
	// the share of the import done.
	BytesRead *atomic.Int64
	OnPhase   func(phase string)
	Trace     func(stmt string, d time.Duration)
}

// LogName derives a log name from a path: "logs/receipt.xes.gz" → "receipt".
func LogName(path string) string {
	base := filepath.Base(path)
	for {
		ext := strings.ToLower(filepath.Ext(base))
		switch ext {
		case ".gz", ".xes", ".csv", ".parquet", ".tsv", ".txt":
			base = strings.TrimSuffix(base, filepath.Ext(base))
			continue
		}
		return base
	}
}

// ImportFile imports one file into the warehouse as one transaction.
func ImportFile(ctx context.Context, w *warehouse.Warehouse, path string, opt FileOptions) (warehouse.LogInfo, error) {
	if _, err := os.Stat(path); err != nil {
		return warehouse.LogInfo{}, fmt.Errorf("import %w", err)
	}
	format := opt.Format
	if format == "" {
		var err error
		if format, err = DetectFormat(path); err != nil {
			return warehouse.LogInfo{}, fmt.Errorf("import %w", err)
		}
	}
	name := opt.Name
	if name == "" {
		name = LogName(path)
	}
	wo := warehouse.ImportOptions{Name: name, Source: path, Format: format, Replace: opt.Replace, OnBatch: opt.OnBatch, OnPhase: opt.OnPhase, Trace: opt.Trace}
	switch format {
	case FormatXES:
		xo := xes.Options{Classifier: opt.Classifier, Rejects: opt.Rejects}
		return w.Import(ctx, wo, func(ctx context.Context, sink event.Sink) (event.Meta, error) {
			f, err := openCounted(path, opt.BytesRead)
			if err != nil {
				return event.Meta{}, fmt.Errorf("xes: %w", err)
			}
			defer f.Close()
			return xes.Read(ctx, f, path, xo, sink)
		})
	case FormatCSV:
		co := opt.CSV
		co.Rejects = opt.Rejects
		return w.Import(ctx, wo, func(ctx context.Context, sink event.Sink) (event.Meta, error) {
			f, err := openCounted(path, opt.BytesRead)
			if err != nil {
				return event.Meta{}, fmt.Errorf("csv: %w", err)
			}
			defer f.Close()
			return csv.ReadMaybeGzip(ctx, f, path, co, sink)
		})
	case FormatParquet:
		cols, err := w.ParquetColumns(ctx, path)
		if err != nil {
			return warehouse.LogInfo{}, fmt.Errorf("import %w", err)
		}
		m, err := parquetMapping(cols, opt.CSV.Mapping)
		if err != nil {
			return warehouse.LogInfo{}, fmt.Errorf("import %s: %w", path, err)
		}
		return w.ImportParquet(ctx, wo, path, m, opt.Rejects, opt.CSV.Location)
	}
	return warehouse.LogInfo{}, fmt.Errorf("import %s: unknown format %q (want xes, csv or parquet)", path, format)
}

// countedFile is a file whose reads are added to a counter.
type countedFile struct {
	*os.File
	n *atomic.Int64
}

func (c countedFile) Read(p []byte) (int, error) {
	k, err := c.File.Read(p)
	c.n.Add(int64(k))
	return k, err
}

// openCounted opens path for reading; with n set, reads are counted in n.
func openCounted(path string, n *atomic.Int64) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil || n == nil {
		return f, err
	}
	return countedFile{f, n}, nil
}

// ImportXES imports an XES log (plain or gzip) read from r, for logs that
// are not files: the demo log embedded in the binary, a network stream.
// source names it in errors and in the logs table; opt.Name must be set.
func ImportXES(ctx context.Context, w *warehouse.Warehouse, r io.Reader, source string, opt FileOptions) (warehouse.LogInfo, error) {
	if opt.Name == "" {
		return warehouse.LogInfo{}, fmt.Errorf("import %s: no log name given", source)
	}
	wo := warehouse.ImportOptions{Name: opt.Name, Source: source, Format: FormatXES, Replace: opt.Replace,
		OnBatch: opt.OnBatch, OnPhase: opt.OnPhase, Trace: opt.Trace}
	xo := xes.Options{Classifier: opt.Classifier, Rejects: opt.Rejects}
	return w.Import(ctx, wo, func(ctx context.Context, sink event.Sink) (event.Meta, error) {
		return xes.Read(ctx, r, source, xo, sink)
	})
}

// parquetMapping resolves Parquet columns with the CSV reader's header rules,
// so both formats accept the same column names and mapping flags.
func parquetMapping(cols []warehouse.Column, want csv.Mapping) (warehouse.Columns, error) {
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Name
	}
	m, err := csv.MatchColumns(header, want)
	if err != nil {
		return warehouse.Columns{}, err
	}
	return warehouse.Columns{Case: m.Case, Activity: m.Activity, Time: m.Time, Start: m.Start,
		Resource: m.Resource, Lifecycle: m.Lifecycle}, nil
}
