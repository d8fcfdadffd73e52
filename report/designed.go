package report

import (
	"fmt"
	"html/template"
	"slices"
)

// Designed is the "Designed model vs reality" section: a process model a
// person drew (a BPMN file), drawn as they laid it out, with how the log
// ran over it painted on, and the log's conformance with it. The caller
// draws the diagram and counts the deviations (report/bpmnview.Section
// builds the whole value); the report lays it out and shows it.
type Designed struct {
	Name    string // the model, e.g. the BPMN file's name
	Process string // the process drawn, by name (or id)
	// SVG is the drawing, one <svg> element. Like Graphviz's drawings it
	// is parsed and written anew through the report's allowlist before it
	// is inlined, so it cannot carry markup or scripts into the page.
	SVG         string
	Conformance *Conformance // nil when not checked
	// Tasks are the diagram's tasks, most skipped first; LogOnly the
	// activities the log did where the model has none, most cases first.
	Tasks   []DesignedTask
	LogOnly []DesignedLogOnly
	// Warnings are what reading and converting the model left out or
	// read differently (mining/bpmn's warnings), shown as a list.
	Warnings []string
}

// DesignedTask is one task: cases that did it where the model has it
// (Sync) and cases that skipped it (Skipped, moves on the model only).
type DesignedTask struct {
	Name          string
	Sync, Skipped int64
	SkipRate      float64 // Skipped / (Sync + Skipped), in [0,1]
}

// DesignedLogOnly is a log-only activity by where it happened: After is
// the name of the diagram node it came after ("" at the start).
type DesignedLogOnly struct {
	Activity, After string
	Count           int64
}

// designedPage is the template's view of the section.
type designedPage struct {
	Name, Process string
	SVG           template.HTML
	Check         *modelPage // the conformance figures and deviations, as the model section shows them
	Tasks         []designedTaskRow
	TasksHidden   int
	LogOnly       []designedLogOnlyRow
	LogOnlyHidden int
	Warnings      []string
}

type designedTaskRow struct {
	Name                    shortName
	Sync, Skipped, SkipRate string
}

type designedLogOnlyRow struct {
	Activity, After shortName
	Count           string
}

// maxDesignedRows keeps the section's tables short; the drawing shows all.
const maxDesignedRows = 10

func designedSection(d *Designed, cases int64) (*designedPage, error) {
	if d == nil {
		return nil, nil
	}
	dp := &designedPage{Name: d.Name, Process: d.Process, Warnings: d.Warnings}
	if d.SVG != "" {
		svg, err := cleanSVG(d.SVG, svgOptions{idPrefix: "designed-"})
		if err != nil {
			return nil, fmt.Errorf("report: designed model: %w", err)
		}
		dp.SVG = template.HTML(svg)
	}
	if d.Conformance != nil {
		// The model section's rendering of the figures and deviations,
		// with no drawing of its own (no DOT).
		mp, err := modelSection(&Model{Conformance: d.Conformance}, cases)
		if err != nil {
			return nil, err
		}
		dp.Check = mp
	}
	tasks := slices.Clone(d.Tasks)
	slices.SortStableFunc(tasks, func(a, b DesignedTask) int {
		switch {
		case a.SkipRate != b.SkipRate:
			if a.SkipRate > b.SkipRate {
				return -1
			}
			return 1
		case a.Skipped != b.Skipped:
			if a.Skipped > b.Skipped {
				return -1
			}
			return 1
		}
		return 0
	})
	for i, t := range tasks {
		if t.Skipped == 0 { // only the skipped ones make the table
			break
		}
		if i == maxDesignedRows {
			for _, r := range tasks[i:] {
				if r.Skipped > 0 {
					dp.TasksHidden++
				}
			}
			break
		}
		dp.Tasks = append(dp.Tasks, designedTaskRow{Name: short(t.Name), Sync: humanCount(t.Sync),
			Skipped: humanCount(t.Skipped), SkipRate: percent(t.SkipRate)})
	}
	for i, l := range d.LogOnly {
		if i == maxDesignedRows {
			dp.LogOnlyHidden = len(d.LogOnly) - i
			break
		}
		after := l.After
		if after == "" {
			after = "the start"
		}
		dp.LogOnly = append(dp.LogOnly, designedLogOnlyRow{Activity: short(l.Activity), After: short(after), Count: humanCount(l.Count)})
	}
	return dp, nil
}
