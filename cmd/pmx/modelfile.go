package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/petri"
	"github.com/pmx-dev/pmx/mining/pnml"
)

// maxModelFile is the largest model file read (a designed model is a few
// hundred KB; a discovered net of a large log a few MB).
const maxModelFile = 64 << 20

// modelFile is a process model given with --model: a Petri net (PNML), or a
// designed BPMN model and the workflow net it converts to.
type modelFile struct {
	// Net is what the log is checked against: for a BPMN model the
	// converted net reduced as PM4Py reduces it, so that fitness (which
	// counts silent steps) and precision are PM4Py's for the same file.
	Net  *petri.Net
	BPMN *bpmn.Model // nil for PNML
	// Conv is the BPMN's conversion before that reduction: one place per
	// sequence flow, for the report's drawing (nil for PNML).
	Conv     *bpmn.Conversion
	Warnings []string // what the BPMN reader and converter left out or approximated
	// Labels is how the BPMN's task names met the log's activities (see
	// match).
	Labels *bpmn.Match
}

// readModelFile reads a model by its content: a file named .bpmn, or one
// whose root is a BPMN definitions element, is read as BPMN (process picks
// one of several processes), anything else as PNML.
func readModelFile(path, process string) (*modelFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxModelFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxModelFile {
		return nil, fmt.Errorf("%s: larger than %d MiB: not a process model", path, maxModelFile>>20)
	}
	if !strings.EqualFold(filepath.Ext(path), ".bpmn") {
		net, err := pnml.Read(bytes.NewReader(data))
		if err == nil {
			if process != "" {
				return nil, fmt.Errorf("--process %q: %s is a Petri net, not a BPMN model: %w", process, path, errUsage)
			}
			return &modelFile{Net: net}, nil
		}
		if !errors.Is(err, pnml.ErrBPMN) {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	m, err := bpmn.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	conv, err := m.Net(process)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &modelFile{Net: conv.Reduce().Net, BPMN: m, Conv: conv, Warnings: append(append([]string(nil), m.Warnings...), conv.Warnings...)}, nil
}

// match relabels a BPMN model's tasks with the log's spelling of their
// activities (exact, then ignoring case and spacing). A PNML net is left
// as written: the tools that write one take its labels from a log.
func (mf *modelFile) match(activities []string) {
	if mf.BPMN == nil {
		return
	}
	m := bpmn.MatchLabels(mf.Net, activities)
	bpmn.MatchLabels(mf.Conv.Net, activities) // the same labels: the same renaming
	mf.Labels = &m
}

// warn prints what a BPMN model's reading left out, and how its labels
// met the log, on stderr (the result goes to stdout).
func (mf *modelFile) warn(e *env, path string) {
	for _, w := range mf.Warnings {
		fmt.Fprintf(e.stderr, "pmx: %s: %s\n", path, w)
	}
	if mf.Labels == nil {
		return
	}
	for _, r := range mf.Labels.Folded {
		fmt.Fprintf(e.stderr, "pmx: %s: task %q matched to the log's activity %q (ignoring case and spacing)\n", path, r.Model, r.Log)
	}
	if len(mf.Labels.Ambiguous) > 0 {
		fmt.Fprintf(e.stderr, "pmx: %s: tasks left unmatched, several activities of the log spell them alike: %s\n", path, quoteList(mf.Labels.Ambiguous))
	}
	if len(mf.Labels.ModelOnly) > 0 {
		fmt.Fprintf(e.stderr, "pmx: %s: tasks no activity of the log matches: %s\n", path, quoteList(mf.Labels.ModelOnly))
	}
	if len(mf.Labels.LogOnly) > 0 {
		fmt.Fprintf(e.stderr, "pmx: %s: activities of the log no task matches: %s\n", path, quoteList(mf.Labels.LogOnly))
	}
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}
