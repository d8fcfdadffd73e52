package perf

import (
	"context"
	"math"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// loadDemo imports the bundled demo log into a fresh warehouse file.
func loadDemo(t testing.TB) (*warehouse.Warehouse, *timeline.Log) {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := ingest.ImportFile(ctx, w, "../../ingest/demo/incidents.xes.gz", ingest.FileOptions{Name: "demo"}); err != nil {
		t.Fatal(err)
	}
	l, err := timeline.Load(ctx, w, "demo")
	if err != nil {
		t.Fatal(err)
	}
	return w, l
}

// The decomposition must agree with pmx dfg (edge times are completion to
// completion, i.e. sojourn) and with pmx stats (case durations).
func TestDecomposeAgreesWithFacts(t *testing.T) {
	w, l := loadDemo(t)
	ctx := context.Background()
	id, _ := w.LogID(ctx, "demo")
	fl := facts.Log{DB: w.DB(), ID: id, Name: "demo"}
	dfg, err := facts.ComputeDFG(ctx, fl)
	if err != nil {
		t.Fatal(err)
	}
	st, err := facts.ComputeStats(ctx, fl)
	if err != nil {
		t.Fatal(err)
	}
	if int64(l.Cases()) != st.Cases || int64(l.Steps()) != st.Events {
		t.Fatalf("timeline has %d cases, %d steps; stats %d, %d", l.Cases(), l.Steps(), st.Cases, st.Events)
	}
	tm := Decompose(l, nil)
	sum := map[[2]string]float64{}
	cnt := map[[2]string]int64{}
	for c := 0; c < l.Cases(); c++ {
		for i := l.CaseStart[c] + 1; i < l.CaseStart[c+1]; i++ {
			k := [2]string{l.Activities[l.Act[i-1]], l.Activities[l.Act[i]]}
			sum[k] += tm.Sojourn[i]
			cnt[k]++
			if tm.Waiting[i] < 0 || tm.Waiting[i] > tm.Sojourn[i]+1e-9 {
				t.Fatalf("step %d: waiting %v outside [0, sojourn %v]", i, tm.Waiting[i], tm.Sojourn[i])
			}
		}
	}
	if len(dfg.Edges) != len(cnt) {
		t.Fatalf("%d edges, dfg has %d", len(cnt), len(dfg.Edges))
	}
	for _, e := range dfg.Edges {
		k := [2]string{e.From, e.To}
		if cnt[k] != e.Count || math.Abs(sum[k]/float64(cnt[k])-e.MeanSeconds) > 1e-6*math.Max(1, e.MeanSeconds) {
			t.Errorf("edge %v: %d, mean %v; dfg %d, %v", k, cnt[k], sum[k]/float64(cnt[k]), e.Count, e.MeanSeconds)
		}
	}
	ct := CycleTimes(l, nil)
	sort.Float64s(ct)
	var mean float64
	for _, x := range ct {
		mean += x
	}
	mean /= float64(len(ct))
	med := ct[len(ct)/2]
	if len(ct)%2 == 0 {
		med = (ct[len(ct)/2-1] + ct[len(ct)/2]) / 2
	}
	if math.Abs(mean-st.CaseDuration.Mean) > 1e-3 || math.Abs(med-st.CaseDuration.Median) > 1e-3 {
		t.Errorf("cycle time mean %v median %v; stats %v %v", mean, med, st.CaseDuration.Mean, st.CaseDuration.Median)
	}
	// The demo log records starts for some activities: service exists there.
	var withService int
	for _, s := range tm.Service {
		if s >= 0 {
			withService++
		}
	}
	if withService == 0 {
		t.Error("no service times on a log with start events")
	}
}

// A case from 0001-01-01 to 9999-12-31 has a cycle time of almost ten
// thousand years, in calendar and in business time; it used to saturate at
// about 106,752 days (the largest time.Duration) without a word.
func TestCycleTimeOverMillennia(t *testing.T) {
	from := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	to := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).UnixMicro()
	l := &timeline.Log{Activities: []string{"a", "b"}, CaseIDs: []string{"c"}, CaseAttrs: []string{""},
		CaseStart: []int32{0, 2}, Case: []int32{0, 0}, Act: []int32{0, 1}, Resource: []int32{-1, -1},
		Time: []int64{from, to}, Start: []int64{-1, -1}}
	want := float64(to-from) / 1e6
	if got := CycleTimes(l, nil)[0]; got != want {
		t.Errorf("calendar cycle time %v s, want %v s", got, want)
	}
	if got := CycleTimes(l, calendar.Always())[0]; got != want {
		t.Errorf("24×7 business cycle time %v s (%v d), want %v s", got, got/86400, want)
	}
	if got := Decompose(l, calendar.Always()).Waiting[1]; got != want {
		t.Errorf("24×7 waiting %v s, want %v s", got, want)
	}
}
