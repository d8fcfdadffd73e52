package analyze

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// The whole analysis of the demo log with its SLA rules: every part is
// there, the JSON has no NaN, and the planted breach pattern (Database
// incidents breach their resolution target) is the strongest attribute
// effect found for P2.
func TestRunOnDemoWithSLA(t *testing.T) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := ingest.ImportFile(ctx, w, "../../ingest/demo/incidents.xes.gz", ingest.FileOptions{Name: "demo"}); err != nil {
		t.Fatal(err)
	}
	l, err := timeline.Load(ctx, w, "demo")
	if err != nil {
		t.Fatal(err)
	}
	rules, err := sla.ParseFile("../../ingest/demo/sla.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(l, Options{SLA: rules, Calendar: rules.Calendar})
	if err != nil {
		t.Fatal(err)
	}
	if r.BusinessTimes == nil || r.OffHours == nil || len(r.Findings) == 0 || r.SLA == nil || len(r.SLA.Rules) != 6 || len(r.BreachSegments) == 0 {
		t.Fatalf("incomplete report: business %v, off-hours %v, %d findings, sla %v, %d breach segments",
			r.BusinessTimes != nil, r.OffHours != nil, len(r.Findings), r.SLA != nil, len(r.BreachSegments))
	}
	var p2 *BreachSegments
	for i, b := range r.BreachSegments {
		if b.Rule == "P2 resolved within 8 business hours" && (p2 == nil || b.CramersV > p2.CramersV) && b.Significant {
			p2 = &r.BreachSegments[i]
		}
	}
	if p2 == nil || p2.Attribute != "category" || p2.Values[0].Value != "Database" {
		t.Errorf("P2's strongest breach segment %+v; want category, Database worst", p2)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatalf("report does not marshal: %v", err)
	}
	// Skipped parts stay empty; the others are those of the whole run.
	s, err := Run(l, Options{SLA: rules, Calendar: rules.Calendar, Skip: PartTimes | PartWIP | PartDrift})
	if err != nil {
		t.Fatal(err)
	}
	if s.BusinessTimes != nil || s.OffHours != nil || len(s.Times.Activities) != 0 || s.WIP != nil || s.HourOfWeek != nil || s.Drift.Weeks != nil {
		t.Errorf("skipped parts computed: business %v, off-hours %v, %d activities, WIP %v, drift %v",
			s.BusinessTimes != nil, s.OffHours != nil, len(s.Times.Activities), s.WIP != nil, s.Drift.Weeks != nil)
	}
	s.Times, s.BusinessTimes, s.OffHours, s.WIP, s.HourOfWeek, s.Drift = r.Times, r.BusinessTimes, r.OffHours, r.WIP, r.HourOfWeek, r.Drift
	s.Seconds = r.Seconds
	if !reflect.DeepEqual(r, s) {
		t.Error("the parts not skipped differ from the whole run's")
	}
}
