// Package demo bundles the data pmx demo runs on, embedded in the binary so
// the demo works from any directory after go install: a synthetic IT
// incident log with planted bottlenecks, rework and SLA breaches
// (incidents.xes.gz, made by cmd/gendemo and described in
// testdata/demo/README.md), its service-level rules (sla.yaml), the
// business calendar those rules measure in (business-hours.yaml) and two
// what-if scenarios.
//
// It owns those files and nothing else: reading them is the job of the
// ingest and analysis packages. It must not import any other pmx package.
package demo

import (
	"embed"
	"io/fs"
)

// Names of the bundled files in FS.
const (
	Log      = "incidents.xes.gz"
	SLA      = "sla.yaml"
	Calendar = "business-hours.yaml"
)

// Scenarios are the bundled what-if scenarios (analysis/sim/scenario).
var Scenarios = []string{"monday-surge.yaml", "automate-classify.yaml"}

// LogName is the name pmx demo imports the log under.
const LogName = "demo-incidents"

//go:embed incidents.xes.gz sla.yaml business-hours.yaml monday-surge.yaml automate-classify.yaml
var files embed.FS

// FS holds the bundled files.
var FS fs.FS = files
