package ocel

import (
	"context"
	"fmt"

	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// FlattenFormat is the logs row's format of a flattened log.
const FlattenFormat = "ocel-flattened"

// Flatten stores the classic log of object type typ as log name: every
// object of that type that has events is a case (objects without events
// make no case, as in PM4Py's ocel_flattening), its events are the events
// related to it, in time order (ties in source order), each with the
// event's type as activity and its attributes plus "ocel:eid" (the event
// id) as attributes. An event related to several objects of the type is
// in each of their cases.
func Flatten(ctx context.Context, w *warehouse.Warehouse, g *Graph, typ, name string, replace bool) (warehouse.LogInfo, error) {
	found := false
	for _, t := range g.Types {
		found = found || t == typ
	}
	if !found {
		return warehouse.LogInfo{}, fmt.Errorf("log %q has no object type %q (its types: %q)", g.Name, typ, g.Types)
	}
	return w.Import(ctx, warehouse.ImportOptions{Name: name, Source: g.Name + " (object type " + typ + ")", Format: FlattenFormat, Replace: replace},
		func(ctx context.Context, sink event.Sink) (event.Meta, error) {
			b := event.NewBuilder(sink, event.DefaultBatchRows)
			defer b.Release()
			var seq int64
			var obj event.Object
			for o, evs := range g.ObjectEvents {
				if g.ObjectTypes[o] != typ || len(evs) == 0 {
					continue
				}
				if err := ctx.Err(); err != nil {
					return event.Meta{}, err
				}
				for _, e := range evs {
					obj.Reset()
					obj.String("ocel:eid", g.EventIDs[e])
					head := obj.Bytes()
					attrs := make([]byte, 0, len(head)+len(g.EventAttrs[e]))
					if a := g.EventAttrs[e]; len(a) > 2 { // the event's attributes after ocel:eid
						attrs = append(append(append(attrs, head[:len(head)-1]...), ','), a[1:]...)
					} else {
						attrs = append(attrs, head...)
					}
					if err := b.Append(&event.Event{Case: g.ObjectIDs[o], Activity: g.EventTypes[e], Time: g.EventTimes[e].UnixMicro(),
						Start: event.NoTime, Seq: seq, Attrs: attrs}); err != nil {
						return event.Meta{}, err
					}
					seq++
				}
			}
			return event.Meta{}, b.Flush()
		})
}
