package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const demoFile = "../../ingest/demo/incidents.xes.gz"

func TestAnalyzeJSONAndBottlenecks(t *testing.T) {
	if _, err := os.Stat(demoFile); err != nil {
		t.Skip("demo log absent")
	}
	out, errOut, code := pmx(t, "analyze", demoFile, "--calendar", "../../ingest/demo/business-hours.yaml", "--json")
	if code != 0 {
		t.Fatalf("analyze: %s", errOut)
	}
	var r struct {
		Cases int `json:"cases"`
		Times struct {
			Clock string `json:"clock"`
		} `json:"times"`
		Business *struct {
			Cases struct {
				Cycle struct{ P50 float64 } `json:"cycle"`
			} `json:"cases"`
		} `json:"business_times"`
		Bottlenecks []struct {
			Kind, Where string
			Share       float64
			ShareCI     [2]float64 `json:"share_ci"`
		} `json:"bottlenecks"`
		Segments []struct{ Attribute string } `json:"segments"`
		Rework   []struct{ Activity string }  `json:"rework"`
		Drift    struct{ Weeks []any }        `json:"drift"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Cases != 3000 || r.Times.Clock != "calendar" || r.Business == nil || len(r.Bottlenecks) == 0 || len(r.Segments) == 0 ||
		len(r.Rework) == 0 || len(r.Drift.Weeks) < 20 {
		t.Fatalf("analyze --json: %+v", r)
	}
	// Business time is working time only: the median case takes less of it
	// than of calendar time (3.9 days).
	if p := r.Business.Cases.Cycle.P50; p <= 0 || p >= 3.9*86400 {
		t.Errorf("business median cycle %v s", p)
	}
	out, _, code = pmx(t, "bottlenecks", demoFile)
	if code != 0 || !strings.Contains(out, "Where the waiting is") || !strings.Contains(out, "category = Database") {
		t.Errorf("bottlenecks text: code %d\n%s", code, out)
	}
	// Bad calendar: the file and line in one line.
	bad := filepath.Join(t.TempDir(), "cal.yaml")
	os.WriteFile(bad, []byte("timezone: Europe/Amsterdam\nhours:\n  mon: [\"18:00-08:00\"]\n"), 0o644)
	_, errOut, code = pmx(t, "bottlenecks", demoFile, "--calendar", bad)
	if code == 0 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "cal.yaml:3") {
		t.Errorf("bad calendar: code %d, %q", code, errOut)
	}
}
