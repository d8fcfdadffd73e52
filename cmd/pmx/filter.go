package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/analysis/filter"
	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/units"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// filterFlags are the criteria flags of pmx filter (and of pmx report, for
// a one-off filtered report).
type filterFlags struct {
	from, to, cases, where, startsWith, endsWith, minDur, maxDur string
	trim                                                         bool
	topVariants                                                  int
	coverage                                                     float64
	has, notHas, keep, follows, repeats                          multiFlag
}

func addFilterFlags(fs *flag.FlagSet) *filterFlags {
	f := &filterFlags{}
	fs.StringVar(&f.from, "from", "", "filter: time frame start (2024-01-31, 2024-01-31T08:00:00 or RFC 3339; UTC unless an offset is given)")
	fs.StringVar(&f.to, "to", "", "filter: time frame end (as --from)")
	fs.StringVar(&f.cases, "cases", "", "filter: which cases the time frame keeps: contained, intersecting (default), started or completed")
	fs.BoolVar(&f.trim, "trim", false, "filter: keep only the events inside the time frame (instead of --cases)")
	fs.IntVar(&f.topVariants, "top-variants", 0, "filter: keep the cases of the K most frequent variants")
	fs.Float64Var(&f.coverage, "variant-coverage", 0, "filter: keep the most frequent variants covering this share of cases (e.g. 0.8)")
	fs.Var(&f.has, "has", "filter: cases with activity A (repeatable: all of them)")
	fs.Var(&f.notHas, "not-has", "filter: cases without activity A (repeatable)")
	fs.StringVar(&f.startsWith, "starts-with", "", "filter: cases whose first activity is A")
	fs.StringVar(&f.endsWith, "ends-with", "", "filter: cases whose last activity is A")
	fs.Var(&f.keep, "keep-activities", "filter: keep only the events of these activities (A,B; repeatable)")
	fs.StringVar(&f.where, "where", "", "filter: attribute expression, e.g. \"priority = 'P1' and channel in ('phone','mail')\" (see README)")
	fs.StringVar(&f.minDur, "min-duration", "", "filter: cases lasting at least this long (30m, 4h, 2d)")
	fs.StringVar(&f.maxDur, "max-duration", "", "filter: cases lasting at most this long")
	fs.Var(&f.follows, "follows", "filter: cases where B directly follows A (A,B; repeatable)")
	fs.Var(&f.repeats, "repeats", "filter: cases with activity A done twice or more (rework; repeatable)")
	return f
}

// criteria turns the flags into filter.Criteria.
func (f *filterFlags) criteria() (filter.Criteria, error) {
	c := filter.Criteria{Cases: f.cases, Trim: f.trim, TopVariants: f.topVariants, VariantCoverage: f.coverage,
		Has: f.has, NotHas: f.notHas, StartsWith: f.startsWith, EndsWith: f.endsWith, Where: f.where, Repeats: f.repeats}
	var err error
	if c.From, err = parseInstant("--from", f.from); err != nil {
		return c, err
	}
	if c.To, err = parseInstant("--to", f.to); err != nil {
		return c, err
	}
	for _, d := range []struct {
		flag, v string
		to      *float64
	}{{"--min-duration", f.minDur, &c.MinDuration}, {"--max-duration", f.maxDur, &c.MaxDuration}} {
		if d.v == "" {
			continue
		}
		x, err := sla.ParseDuration(d.v)
		if err != nil {
			return c, fmt.Errorf("%s: %v: %w", d.flag, err, errUsage)
		}
		*d.to = x.Seconds()
	}
	for _, k := range f.keep {
		for _, a := range strings.Split(k, ",") {
			if a = strings.TrimSpace(a); a != "" {
				c.KeepActivities = append(c.KeepActivities, a)
			}
		}
	}
	for _, p := range f.follows {
		a, b, ok := strings.Cut(p, ",")
		if !ok || strings.Contains(b, ",") || strings.TrimSpace(a) == "" || strings.TrimSpace(b) == "" {
			return c, fmt.Errorf("--follows %q: want two activities A,B: %w", p, errUsage)
		}
		c.Follows = append(c.Follows, [2]string{strings.TrimSpace(a), strings.TrimSpace(b)})
	}
	if _, err := filter.Compile(c); err != nil {
		return c, fmt.Errorf("%v: %w", err, errUsage)
	}
	return c, nil
}

// parseInstant reads a --from/--to value; "" is the zero time.
func parseInstant(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q: want a date or instant such as 2024-01-31, 2024-01-31T08:00:00 or 2024-01-31T08:00:00+01:00: %w", flag, s, errUsage)
}

func runFilter(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "filter", "(--log NAME | FILE) --name NEW [criteria] [flags]")
	src := addSourceFlags(fs)
	name := fs.String("name", "", "name of the new, filtered log (required)")
	replace := fs.Bool("replace", false, "replace an existing log named NEW")
	trace := fs.Bool("trace", false, "print each SQL step of the copy and its duration to stderr")
	ff := addFilterFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *name == "" {
		return fmt.Errorf("--name NEW is required: the filtered log is kept in the warehouse under it: %w", errUsage)
	}
	c, err := ff.criteria()
	if err != nil {
		return err
	}
	w, from, err := src.filterSource(ctx, e, pos)
	if err != nil {
		return err
	}
	defer w.Close()
	opt := filter.Options{Name: *name, From: from, Replace: *replace}
	if *trace {
		opt.Trace = func(stmt string, d time.Duration) {
			stmt = strings.Join(strings.Fields(stmt), " ")
			if len(stmt) > 100 {
				stmt = stmt[:100] + "…"
			}
			fmt.Fprintf(e.stderr, "%8.3fs  %s\n", d.Seconds(), stmt)
		}
	}
	start := time.Now()
	info, err := filter.Apply(ctx, w, opt, c)
	if err != nil {
		return err
	}
	if src.json {
		return writeJSON(e.stdout, info)
	}
	fmt.Fprintf(e.stdout, "created log %s from %s: %s cases, %s events (%s)\n", info.Name, from, thousands(info.Cases),
		thousands(info.Events), units.Seconds(time.Since(start).Seconds()))
	switch {
	case info.Cases == 0:
		fmt.Fprintln(e.stdout, "no case met the criteria; the log is empty")
	case c.Empty():
		fmt.Fprintln(e.stdout, "no criteria were given: the log is a copy of", from)
	}
	return nil
}

// filterSource opens the warehouse file and names the log to filter: --log,
// or FILE, imported into the warehouse first (under the name pmx import
// would give it) so that the derived log has a source to point to.
func (s *source) filterSource(ctx context.Context, e *env, pos []string) (*warehouse.Warehouse, string, error) {
	if s.log != "" || len(pos) != 1 {
		return s.openWarehouse(ctx, e, pos)
	}
	opt, err := s.imp.options()
	if err != nil {
		return nil, "", err
	}
	w, err := warehouse.Open(ctx, s.db)
	if err != nil {
		return nil, "", err
	}
	info, err := importWithProgress(ctx, e, w, pos[0], opt)
	if err != nil {
		w.Close()
		return nil, "", fmt.Errorf("%w (to filter a log already imported, give --log NAME)", err)
	}
	fmt.Fprintf(e.stderr, "imported %s as log %s\n", pos[0], info.Name)
	return w, info.Name, nil
}

// tempFiltered derives a temporary filtered log from log name for one
// command (pmx report with criteria); the caller drops it. Its name says
// what it is, should a crash leave it behind.
func tempFiltered(ctx context.Context, w *warehouse.Warehouse, name string, c filter.Criteria) (string, error) {
	tmp := fmt.Sprintf("%s (filtered, temporary %d)", name, os.Getpid())
	info, err := filter.Apply(ctx, w, filter.Options{Name: tmp, From: name, Replace: true}, c)
	if err != nil {
		return "", err
	}
	if info.Cases == 0 {
		w.Drop(context.Background(), tmp)
		return "", fmt.Errorf("no case of log %s meets the filter criteria", name)
	}
	return tmp, nil
}
