package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/analysis/minelog"

	"github.com/pmx-dev/pmx/mining/discover"
	"github.com/pmx-dev/pmx/report/outfile"
)

func runDiscover(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "discover", "[--algo imf] [--format F] [-o FILE] [flags] (--log NAME | FILE)")
	src := addSourceFlagsAs(fs, "input-format")
	algo := fs.String("algo", "imf", "algorithm: "+strings.Join(discover.Algorithms, ", "))
	noise := fs.Float64("noise", discover.DefaultNoise, "IMf/IMd noise threshold in [0, 1)")
	acts := fs.Float64("activities", 1, "dfg: fraction of activities kept, most frequent first (0..1)")
	paths := fs.Float64("paths", 1, "dfg: fraction of paths kept, most frequent first (0..1)")
	format := fs.String("format", "", "model format: "+strings.Join(discover.Formats, ", ")+" (default: from -o's extension, else tree or json)")
	out := fs.String("o", "", "output file (default: stdout)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	noiseSet := false
	fs.Visit(func(f *flag.Flag) { noiseSet = noiseSet || f.Name == "noise" })
	if *noise < 0 || *noise >= 1 {
		return fmt.Errorf("--noise %v: want a threshold in [0, 1): %w", *noise, errUsage)
	}
	for _, fr := range []struct {
		name string
		v    float64
	}{{"activities", *acts}, {"paths", *paths}} {
		if !(fr.v >= 0 && fr.v <= 1) {
			return fmt.Errorf("--%s %v: want a fraction in [0, 1]: %w", fr.name, fr.v, errUsage)
		}
	}
	if !discover.Known(*algo) {
		return fmt.Errorf("--algo %q: want one of %s: %w", *algo, strings.Join(discover.Algorithms, ", "), errUsage)
	}
	f := *format
	if f != "" && !slices.Contains(discover.Formats, f) {
		return fmt.Errorf("--format %q: want one of %s: %w", f, strings.Join(discover.Formats, ", "), errUsage)
	}
	guard := src.guard(pos)
	if *out != "" {
		if err := guard.Check(*out); err != nil {
			return err
		}
		// The extension must say what the file holds: a text tree in x.png
		// helps nobody.
		ext := discover.FormatFor(*out)
		switch {
		case ext == "" && !(strings.EqualFold(filepath.Ext(*out), ".xml") && (f == "pnml" || f == "bpmn")):
			return fmt.Errorf("-o %s: pmx does not write %q files; use .pnml, .bpmn, .tree (or .txt), .dot, .svg or .json (other images: convert the SVG): %w",
				*out, filepath.Ext(*out), errUsage)
		case f != "" && ext != "" && ext != f:
			return fmt.Errorf("-o %s holds %s by its extension, but --format is %s: %w", *out, ext, f, errUsage)
		}
		if f == "" {
			f = ext
		}
	}
	if f == "" {
		f = "json"
		if a := strings.ToLower(*algo); a == "im" || a == "imf" || a == "imd" {
			f = "tree"
		}
	}
	w, name, err := src.openWarehouse(ctx, e, pos)
	if err != nil {
		return err
	}
	defer w.Close()
	l, err := minelog.Load(ctx, w, name)
	if err != nil {
		return err
	}
	start := time.Now()
	m, err := discover.Discover(l, discover.Options{Algorithm: *algo, Noise: *noise, NoiseSet: noiseSet, Activities: *acts, Paths: *paths})
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	var buf bytes.Buffer
	if err := discover.Write(ctx, &buf, m, f, name); err != nil {
		return err
	}
	if *out == "" {
		b := buf.Bytes()
		if f == "json" {
			b = jsonSafe(b)
		}
		_, err := e.fileStdout().Write(b)
		return err
	}
	if err := outfile.WriteBytes(*out, guard, buf.Bytes()); err != nil {
		return err
	}
	sum := discoverSummary{File: *out, Format: f, Algorithm: m.Algorithm, Description: m.Description, Seconds: secs,
		Cases: l.Cases(), Variants: len(l.Variants)}
	if m.Tree != nil {
		sum.Tree = m.Tree.String()
	}
	if f == "bpmn" {
		bs, err := discover.CountBPMN(buf.Bytes())
		if err != nil {
			return err
		}
		sum.BPMN = &bs
	} else if m.Net != nil {
		sum.Places, sum.Transitions, sum.Arcs = len(m.Net.Places), len(m.Net.Transitions), len(m.Net.Arcs)
	}
	if src.json {
		return writeJSON(e.stdout, sum)
	}
	fmt.Fprintf(e.stdout, "wrote %s (%s): %s", *out, f, m.Description)
	if b := sum.BPMN; b != nil {
		fmt.Fprintf(e.stdout, ", %d tasks, %d gateways (%d exclusive, %d parallel), %d events, %d sequence flows",
			b.Tasks, b.Gateways(), b.ExclusiveGateways, b.ParallelGateways, b.Events, b.Flows)
	} else if m.Net != nil {
		fmt.Fprintf(e.stdout, ", %d transitions, %d places", sum.Transitions, sum.Places)
	}
	fmt.Fprintf(e.stdout, "; discovered from %s cases (%d variants) in %s\n", thousands(sum.Cases), sum.Variants,
		time.Duration(secs*float64(time.Second)).Round(time.Microsecond))
	return nil
}

// discoverSummary is what pmx discover -o FILE --json prints.
type discoverSummary struct {
	File        string `json:"file"`
	Format      string `json:"format"`
	Algorithm   string `json:"algorithm"`
	Description string `json:"description"`
	Tree        string `json:"tree,omitempty"`
	Places      int    `json:"places,omitempty"`
	Transitions int    `json:"transitions,omitempty"`
	Arcs        int    `json:"arcs,omitempty"`
	// BPMN counts the BPMN file's elements (format bpmn only, instead of
	// places, transitions and arcs).
	BPMN     *discover.BPMNStats `json:"bpmn,omitempty"`
	Cases    int64               `json:"cases"`
	Variants int                 `json:"variants"`
	Seconds  float64             `json:"seconds"`
}
