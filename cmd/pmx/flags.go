package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/csv"
	"github.com/pmx-dev/pmx/ingest/ocel"
	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/report/outfile"
)

const defaultDB = "pmx.duckdb"

// usages print a flag set's usage; parse calls it for -h. A wrong flag
// gets one line (the README's promise), not the flag package's error plus
// the whole usage.
var (
	usagesMu sync.Mutex
	usages   = map[*flag.FlagSet]func(){}
)

// newFlags makes a subcommand's flag set; -h prints its usage to stderr.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	usagesMu.Lock()
	usages[fs] = func() {
		fmt.Fprintf(e.stderr, "Usage: pmx %s %s\n\nFlags:\n", name, synopsis)
		fs.SetOutput(e.stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	usagesMu.Unlock()
	return fs
}

// parse parses flags and positional arguments in any order ("pmx stats
// log.xes --json" and "pmx stats --json log.xes" both work).
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usagesMu.Lock()
				usage := usages[fs]
				usagesMu.Unlock()
				if usage != nil {
					usage()
				}
				return nil, err
			}
			return nil, fmt.Errorf("%v%s: %w", err, renamedHint(fs, err), errUsage)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// renamedFlags are flags people may type from habit or older versions, and
// the flag that does that job now.
var renamedFlags = map[string]string{"format": "input-format"}

// renamedHint points from a flag the command does not have to the one it
// has for the job, e.g. "-format" → "(the input format is --input-format)".
func renamedHint(fs *flag.FlagSet, err error) string {
	const prefix = "flag provided but not defined: -"
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		return ""
	}
	name := strings.TrimLeft(strings.TrimPrefix(msg, prefix), "-")
	if to, ok := renamedFlags[name]; ok && fs.Lookup(to) != nil {
		return " (the input format is --" + to + ")"
	}
	return ""
}

// importFlags are the flags of anything that may import a file.
type importFlags struct {
	classifier, format, timeFormat, timezone, delimiter string
	rejects                                             bool
	mapping                                             csv.Mapping
}

// addImportFlags adds the import flags; formatFlag names the input-format
// flag ("format", or "input-format" where --format means the output).
func addImportFlags(fs *flag.FlagSet, formatFlag string) *importFlags {
	f := &importFlags{}
	fs.StringVar(&f.classifier, "classifier", "", "XES: activity = this declared classifier (default concept:name)")
	fs.StringVar(&f.format, formatFlag, "", "input format: xes, csv or parquet (default: told from the file's content)")
	fs.BoolVar(&f.rejects, "rejects", false, "keep bad rows in the rejects table with the reason, import the rest")
	fs.StringVar(&f.mapping.Case, "case", "", "CSV/Parquet: case id column (default: detected)")
	fs.StringVar(&f.mapping.Activity, "activity", "", "CSV/Parquet: activity column (default: detected)")
	fs.StringVar(&f.mapping.Time, "timestamp", "", "CSV/Parquet: completion timestamp column (default: detected)")
	fs.StringVar(&f.mapping.Start, "start", "", "CSV/Parquet: start timestamp column (default: detected)")
	fs.StringVar(&f.mapping.Resource, "resource", "", "CSV/Parquet: resource column (default: detected)")
	fs.StringVar(&f.mapping.Lifecycle, "lifecycle", "", "CSV/Parquet: lifecycle transition column (default: detected)")
	fs.StringVar(&f.timeFormat, "time-format", "", "CSV: Go time layout of timestamps, e.g. '02.01.2006 15:04' (default: detected)")
	fs.StringVar(&f.timezone, "timezone", "UTC", "CSV: IANA zone of timestamps without an offset, e.g. Europe/Amsterdam")
	fs.StringVar(&f.delimiter, "delimiter", "", "CSV: field delimiter (default: detected among , ; tab |)")
	return f
}

func (f *importFlags) options() (ingest.FileOptions, error) {
	o := ingest.FileOptions{Format: f.format, Rejects: f.rejects, Classifier: f.classifier}
	o.CSV.Mapping = f.mapping
	o.CSV.TimeFormat = f.timeFormat
	loc, err := time.LoadLocation(f.timezone)
	if err != nil {
		return o, fmt.Errorf("--timezone %q: %v: %w", f.timezone, err, errUsage)
	}
	o.CSV.Location = loc
	switch d := []rune(f.delimiter); {
	case len(d) == 0:
	case f.delimiter == `\t` || f.delimiter == "tab":
		o.CSV.Delimiter = '\t'
	case len(d) == 1:
		o.CSV.Delimiter = d[0]
	default:
		return o, fmt.Errorf("--delimiter %q: want one character: %w", f.delimiter, errUsage)
	}
	return o, nil
}

// source is the log an analysis command works on: --log NAME in the
// warehouse, or a file imported on the fly into an in-memory warehouse.
type source struct {
	db, log string
	json    bool
	imp     *importFlags
}

// addSourceFlags adds --db, --log, --json and the import flags. One scheme
// everywhere: --input-format is the format of a file read, --format only
// ever the format of what a command writes (pmx discover).
func addSourceFlags(fs *flag.FlagSet) *source { return addSourceFlagsAs(fs, "input-format") }

// addSourceFlagsAs is addSourceFlags with the input-format flag renamed.
func addSourceFlagsAs(fs *flag.FlagSet, formatFlag string) *source {
	s := &source{}
	fs.StringVar(&s.db, "db", defaultDB, "warehouse file")
	fs.StringVar(&s.log, "log", "", "log name in the warehouse (or give a FILE instead)")
	fs.BoolVar(&s.json, "json", false, "print JSON (schema in README)")
	s.imp = addImportFlags(fs, formatFlag)
	return s
}

// parseAndOpen parses a command's arguments and resolves its log.
func (s *source) parseAndOpen(ctx context.Context, e *env, fs *flag.FlagSet, args []string) (facts.Log, func(), error) {
	pos, err := parse(fs, args)
	if err != nil {
		return facts.Log{}, nil, err
	}
	return s.open(ctx, e, pos)
}

// open resolves the log. The returned close releases the warehouse. A log
// in the warehouse file gets its derived tables refreshed first (it may have
// been appended to by pmx ingest kafka).
func (s *source) open(ctx context.Context, e *env, pos []string) (facts.Log, func(), error) {
	w, name, err := s.openWarehouse(ctx, e, pos)
	if err != nil {
		return facts.Log{}, nil, err
	}
	if s.log != "" {
		err = w.Refresh(ctx, name)
	}
	var id int64
	if err == nil {
		id, err = w.LogID(ctx, name)
	}
	if err != nil {
		w.Close()
		return facts.Log{}, nil, err
	}
	return facts.Log{DB: w.DB(), ID: id, Name: name}, func() { w.Close() }, nil
}

// openWarehouse is source.open for commands that need the warehouse itself
// rather than facts.Log: the named log's warehouse, or the FILE imported
// into an in-memory one. It returns the log's name.
func (s *source) openWarehouse(ctx context.Context, e *env, pos []string) (*warehouse.Warehouse, string, error) {
	switch {
	case s.log != "" && len(pos) > 0:
		return nil, "", fmt.Errorf("give either --log NAME or a FILE, not both: %w", errUsage)
	case s.log == "" && len(pos) == 0:
		return nil, "", fmt.Errorf("no log: give --log NAME (see pmx logs) or a FILE: %w", errUsage)
	case len(pos) > 1:
		return nil, "", fmt.Errorf("one FILE at a time (got %d): %w", len(pos), errUsage)
	}
	if s.log != "" {
		if _, err := os.Stat(s.db); err != nil {
			return nil, "", fmt.Errorf("no warehouse at %s (run pmx import first, or pass --db)", s.db)
		}
		w, err := warehouse.Open(ctx, s.db)
		if err != nil {
			return nil, "", err
		}
		li, err := w.Log(ctx, s.log)
		if err == nil && ocel.IsOCEL(li.Format) {
			err = fmt.Errorf("log %q is object-centric (OCEL): flatten it first (pmx flatten --log %s --object-type TYPE --name NEW); pmx stats and pmx dfg --object-centric read it as it is", s.log, s.log)
		}
		if err != nil {
			w.Close()
			return nil, "", err
		}
		return w, s.log, nil
	}
	opt, err := s.imp.options()
	if err != nil {
		return nil, "", err
	}
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		return nil, "", err
	}
	info, err := importWithProgress(ctx, e, w, pos[0], opt)
	if err != nil {
		w.Close()
		return nil, "", err
	}
	return w, info.Name, nil
}

// writeJSON prints v as indented JSON. Runes a terminal may act on that
// encoding/json leaves raw are written as \uXXXX escapes (same JSON value).
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	if err := newJSONEncoder(&buf).Encode(v); err != nil {
		return err
	}
	_, err := w.Write(jsonSafe(buf.Bytes()))
	return err
}

// guard protects what a command reads from being overwritten by its output:
// the warehouse file (and its WAL), the input FILE and any extra input files
// (a model, SLA rules, a calendar).
func (s *source) guard(pos []string, extra ...string) *outfile.Guard {
	g := &outfile.Guard{}
	g.ProtectWarehouse(s.db)
	for _, p := range pos {
		g.Protect(p, "an input of this command")
	}
	for _, p := range extra {
		g.Protect(p, "an input of this command")
	}
	return g
}
