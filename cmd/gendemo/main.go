package main

import (
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// The log's period: the first arrival day and the instant the log was
// extracted from the (fictitious) ticketing system. Cases still running at
// the extract have no Close.
const (
	periodStart = "2026-01-05T00:00:00"
	extractedAt = "2026-07-03T17:00:00"
)

const defaultSeed = 20260105

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gendemo:", err)
		os.Exit(1)
	}
}

func run(args []string, log io.Writer) error {
	fs := flag.NewFlagSet("gendemo", flag.ContinueOnError)
	fs.SetOutput(log)
	seed := fs.Uint64("seed", defaultSeed, "random seed; the same seed gives the same file")
	out := fs.String("o", filepath.Join("ingest", "demo", "incidents.xes.gz"), "output file (gzip-compressed XES)")
	cases := fs.Int("cases", 3000, "number of incidents")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *cases < 1 || *cases > 1_000_000 {
		return fmt.Errorf("-cases must be between 1 and 1000000, got %d", *cases)
	}
	incs, meta, err := generate(*seed, *cases)
	if err != nil {
		return err
	}
	n, err := writeFile(*out, meta, incs)
	if err != nil {
		return err
	}
	open := 0
	for _, inc := range incs {
		if !closed(inc, meta.cutoff) {
			open++
		}
	}
	fmt.Fprintf(log, "gendemo: wrote %s: %d cases, %d events, %d open at extract\n", *out, len(incs), n, open)
	return nil
}

// generate simulates the service desk and returns its incidents in order of
// opening.
func generate(seed uint64, n int) ([]*incident, logMeta, error) {
	loc, err := time.LoadLocation(zoneName)
	if err != nil {
		return nil, logMeta{}, err
	}
	start, err := time.ParseInLocation("2006-01-02T15:04:05", periodStart, loc)
	if err != nil {
		return nil, logMeta{}, err
	}
	cutoff, err := time.ParseInLocation("2006-01-02T15:04:05", extractedAt, loc)
	if err != nil {
		return nil, logMeta{}, err
	}
	o, err := newOrg(loc)
	if err != nil {
		return nil, logMeta{}, err
	}
	// Separate streams, so that tuning the process does not reshuffle the
	// arrivals and case attributes.
	arr, err := arrivals(newRNG(seed), loc, start, cutoff, n)
	if err != nil {
		return nil, logMeta{}, err
	}
	attrRNG := newRNG(seed ^ 0x5eed0001)
	s := &sim{r: newRNG(seed ^ 0x5eed0002), org: o, cutoff: cutoff}
	incs := make([]*incident, len(arr))
	for i, a := range arr {
		incs[i] = newIncident(attrRNG, fmt.Sprintf("INC%06d", 1001+i), a, o.std.isWorking(a.t))
		s.push(a.t, tOpen, incs[i])
	}
	s.run()
	return incs, logMeta{seed: seed, cutoff: cutoff}, nil
}

func closed(inc *incident, cutoff time.Time) bool {
	for _, e := range inc.events {
		if e.name == "Close" && !e.t.After(cutoff) {
			return true
		}
	}
	return false
}

// writeFile writes the gzip-compressed log next to its destination and
// renames it into place, so an interrupted run never leaves half a file.
func writeFile(path string, meta logMeta, incs []*incident) (n int, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 0, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".gendemo-*")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	// No name or modification time in the gzip header: the file must be
	// byte-identical for a given seed.
	if n, err = writeXES(zw, meta, incs); err != nil {
		return 0, err
	}
	if err = errors.Join(zw.Close(), f.Chmod(0o644)); err != nil {
		return 0, err
	}
	if err = f.Close(); err != nil {
		return 0, err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return 0, err
	}
	return n, nil
}
