package timeline

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// A log with a start/complete pair, a case without resources, a group
// attribute on some events, and case numbers that are not dense; with
// dense seqs and with seqs far apart (a source whose rows were mostly
// rejected), which the loader keeps in a map instead of an array.
func TestLoadColumnsAndGroups(t *testing.T) {
	for _, stride := range []int64{1, 1 << 40} {
		t.Run(fmt.Sprintf("seq stride %d", stride), func(t *testing.T) { testLoad(t, stride) })
	}
}

func testLoad(t *testing.T, stride int64) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).UnixMicro()
	const min = int64(60e6)
	type ev struct {
		c, a, r, lc, grp string
		at               int64
	}
	evs := []ev{
		{"c2", "A", "bob", "complete", "desk", 0},
		{"c2", "B", "ann", "start", "", 5 * min}, {"c2", "B", "ann", "complete", "ops", 9 * min},
		{"c1", "A", "", "complete", "", 1 * min},
		{"c1", "C", "", "complete", "", 3 * min},
	}
	read := func(ctx context.Context, sink event.Sink) (event.Meta, error) {
		b := event.NewBuilder(sink, 2)
		defer b.Release()
		for i, e := range evs {
			if err := b.AppendCase(e.c, []byte(`{"prio":"P1"}`)); err != nil {
				return event.Meta{}, err
			}
			x := event.Event{Case: e.c, Activity: e.a, Time: t0 + e.at, Start: event.NoTime, Resource: e.r, Lifecycle: e.lc, Seq: int64(i) * stride}
			if e.grp != "" {
				x.Attrs = []byte(`{"org:group":"` + e.grp + `"}`)
			}
			if err := b.Append(&x); err != nil {
				return event.Meta{}, err
			}
		}
		return event.Meta{Events: int64(len(evs))}, b.Flush()
	}
	if _, err := w.Import(ctx, warehouse.ImportOptions{Name: "t", Source: "mem", Format: "test"}, read); err != nil {
		t.Fatal(err)
	}
	l, err := LoadWith(ctx, w, "t", Options{GroupAttr: "org:group"})
	if err != nil {
		t.Fatal(err)
	}
	// Chunks of one row cross every case and seq boundary: same log.
	defer func(n int) { chunkRows = n }(chunkRows)
	chunkRows = 1
	if l1, err := LoadWith(ctx, w, "t", Options{GroupAttr: "org:group"}); err != nil || !reflect.DeepEqual(l, l1) {
		t.Fatalf("loaded in chunks of one row: %v\n%+v\nwant %+v", err, l1, l)
	}
	// Cases in case_no order (first appearance: c2, then c1); the B pair is
	// one instance with its start.
	if !slices.Equal(l.CaseIDs, []string{"c2", "c1"}) || !slices.Equal(l.CaseStart, []int32{0, 2, 4}) {
		t.Fatalf("cases %v, offsets %v", l.CaseIDs, l.CaseStart)
	}
	if !slices.Equal(l.Activities, []string{"A", "B", "C"}) || !slices.Equal(l.Act, []int32{0, 1, 0, 2}) {
		t.Fatalf("activities %v, steps %v", l.Activities, l.Act)
	}
	if l.Start[1] != t0+5*min || l.Start[0] != None || l.Time[1] != t0+9*min {
		t.Fatalf("times %v starts %v", l.Time, l.Start)
	}
	if !slices.Equal(l.Resources, []string{"ann", "bob"}) || !slices.Equal(l.Resource, []int32{1, 0, None, None}) {
		t.Fatalf("resources %v %v", l.Resources, l.Resource)
	}
	if !slices.Equal(l.Groups, []string{"desk", "ops"}) || !slices.Equal(l.Group, []int32{0, 1, None, None}) {
		t.Fatalf("groups %v %v", l.Groups, l.Group)
	}
	if l.CaseAttrs[0] == "" {
		t.Error("case attributes missing")
	}
	// Without the option no groups are read.
	l, err = Load(ctx, w, "t")
	if err != nil || len(l.Groups) != 0 || l.Group != nil {
		t.Fatalf("groups without the option: %v %v %v", err, l.Groups, l.Group)
	}
	if _, err := Load(ctx, w, "nope"); err == nil {
		t.Error("missing log: no error")
	}
}
