package facts_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// sharedLogs holds the public logs and their oracle figures
// (../shared/logs/README.md explains how the oracle counts).
const sharedLogs = "../../../shared/logs"
const sharedOracle = "../../../shared/oracle"

type oracle struct {
	Cases           int64            `json:"cases"`
	Events          int64            `json:"events"`
	Activities      int64            `json:"activities"`
	Variants        int64            `json:"variants"`
	ActivityCounts  map[string]int64 `json:"activity_counts"`
	StartActivities map[string]int64 `json:"start_activities"`
	EndActivities   map[string]int64 `json:"end_activities"`
	DFG             []struct {
		From  string `json:"from"`
		To    string `json:"to"`
		Count int64  `json:"count"`
	} `json:"dfg"`
	TopVariants []struct {
		Activities []string `json:"activities"`
		Count      int64    `json:"count"`
	} `json:"top_variants"`
	CaseDuration facts.Summary `json:"case_duration_seconds"`
}

func readOracle(t *testing.T, path string) oracle {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var o oracle
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return o
}

// importLog imports path into a fresh in-memory warehouse.
func importLog(t *testing.T, path string, opt ingest.FileOptions) facts.Log {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	info, err := ingest.ImportFile(ctx, w, path, opt)
	if err != nil {
		t.Fatal(err)
	}
	return facts.Log{DB: w.DB(), ID: info.ID, Name: info.Name}
}

// checkOracle compares every figure the oracle has: counts exactly,
// durations within one second.
func checkOracle(t *testing.T, l facts.Log, o oracle) {
	t.Helper()
	ctx := context.Background()
	s, err := facts.ComputeStats(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	if s.Cases != o.Cases || s.Events != o.Events || s.Activities != o.Activities || s.Variants != o.Variants {
		t.Errorf("cases/events/activities/variants = %d/%d/%d/%d, oracle %d/%d/%d/%d",
			s.Cases, s.Events, s.Activities, s.Variants, o.Cases, o.Events, o.Activities, o.Variants)
	}
	for name, pair := range map[string][2]map[string]int64{
		"activity_counts": {s.ActivityCounts, o.ActivityCounts}, "start_activities": {s.StartActivities, o.StartActivities},
		"end_activities": {s.EndActivities, o.EndActivities},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s = %v, oracle %v", name, pair[0], pair[1])
		}
	}
	for name, pair := range map[string][2]float64{
		"median": {s.CaseDuration.Median, o.CaseDuration.Median}, "mean": {s.CaseDuration.Mean, o.CaseDuration.Mean},
		"min": {s.CaseDuration.Min, o.CaseDuration.Min}, "max": {s.CaseDuration.Max, o.CaseDuration.Max},
	} {
		if math.Abs(pair[0]-pair[1]) > 1 {
			t.Errorf("case duration %s = %.3f s, oracle %.3f s", name, pair[0], pair[1])
		}
	}
	g, err := facts.ComputeDFG(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Edges) != len(o.DFG) {
		t.Errorf("dfg has %d edges, oracle %d", len(g.Edges), len(o.DFG))
	}
	got := map[[2]string]int64{}
	for _, e := range g.Edges {
		got[[2]string{e.From, e.To}] = e.Count
		if e.MeanSeconds < 0 || e.MedianSeconds < 0 || e.P90Seconds < e.MedianSeconds-1e-9 {
			t.Errorf("edge %s→%s has inconsistent times %+v", e.From, e.To, e)
		}
	}
	for _, e := range o.DFG {
		if got[[2]string{e.From, e.To}] != e.Count {
			t.Errorf("edge %s→%s count %d, oracle %d", e.From, e.To, got[[2]string{e.From, e.To}], e.Count)
		}
	}
	vs, err := facts.ComputeVariants(ctx, l, len(o.TopVariants))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != len(o.TopVariants) {
		t.Fatalf("%d top variants, oracle %d", len(vs), len(o.TopVariants))
	}
	for i, v := range vs {
		ov := o.TopVariants[i]
		if v.Count != ov.Count || !reflect.DeepEqual(v.Activities, ov.Activities) {
			t.Errorf("variant %d = %d×%v, oracle %d×%v", i+1, v.Count, v.Activities, ov.Count, ov.Activities)
		}
	}
}

func sharedXES(t *testing.T) []string {
	t.Helper()
	if _, err := os.Stat(sharedOracle); err != nil {
		t.Skipf("shared logs absent (%s): oracle comparison skipped", sharedOracle)
	}
	files, _ := filepath.Glob(filepath.Join(sharedOracle, "*.json"))
	var logs []string
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		for _, ext := range []string{".xes", ".xes.gz"} {
			if _, err := os.Stat(filepath.Join(sharedLogs, name+ext)); err == nil {
				logs = append(logs, name+ext)
			}
		}
	}
	if len(logs) == 0 {
		t.Skip("no XES logs next to the oracle files")
	}
	return logs
}

func TestSharedLogsMatchOracle(t *testing.T) {
	for _, file := range sharedXES(t) {
		t.Run(file, func(t *testing.T) {
			o := readOracle(t, filepath.Join(sharedOracle, ingest.LogName(file)+".json"))
			checkOracle(t, importLog(t, filepath.Join(sharedLogs, file), ingest.FileOptions{}), o)
		})
	}
}

// The same log as CSV and as Parquet must give the XES figures. The CSV's
// timestamps carry offsets; the Parquet file's are zone-less local times
// (its writer dropped the zone), so it is read in the log's zone.
func TestReceiptFormatsAgree(t *testing.T) {
	if _, err := os.Stat(filepath.Join(sharedOracle, "receipt.json")); err != nil {
		t.Skipf("shared logs absent: %v", err)
	}
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Skip("no time zone database")
	}
	o := readOracle(t, filepath.Join(sharedOracle, "receipt.json"))
	for _, c := range []struct {
		file string
		loc  *time.Location
	}{{"receipt.csv", nil}, {"receipt.parquet", ams}} {
		t.Run(c.file, func(t *testing.T) {
			var opt ingest.FileOptions
			opt.CSV.Location = c.loc
			checkOracle(t, importLog(t, filepath.Join(sharedLogs, c.file), opt), o)
		})
	}
}

func TestDemoLogMatchesItsOracle(t *testing.T) {
	const log, ref = "../../ingest/demo/incidents.xes.gz", "../../testdata/demo/incidents.oracle.json"
	checkOracle(t, importLog(t, log, ingest.FileOptions{}), readOracle(t, ref))
}
