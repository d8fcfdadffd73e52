package xes_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/xes"
)

// printSink prints what a warehouse would store.
type printSink struct{}

func (printSink) Events(rec arrow.Record) error {
	defer rec.Release()
	for i := 0; i < int(rec.NumRows()); i++ {
		col := func(c int) string { return rec.Column(c).(*array.String).Value(i) }
		ts := rec.Column(event.ColTime).(*array.Timestamp).Value(i).ToTime(arrow.Microsecond)
		fmt.Printf("%s %s %s %s %s\n", col(event.ColCase), col(event.ColActivity),
			ts.Format("2006-01-02T15:04:05Z07:00"), col(event.ColResource), col(event.ColAttrs))
	}
	return nil
}

func (printSink) Cases(rec arrow.Record) error { rec.Release(); return nil }

func (printSink) Reject(line int64, reason, raw string) error {
	fmt.Printf("rejected line %d: %s\n", line, reason)
	return nil
}

func ExampleRead() {
	const log = `<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
	<classifier name="Activity classifier" keys="concept:name lifecycle:transition"/>
	<trace>
		<string key="concept:name" value="case-1"/>
		<event>
			<string key="concept:name" value="register"/>
			<string key="lifecycle:transition" value="complete"/>
			<string key="org:resource" value="Pete"/>
			<date key="time:timestamp" value="2010-12-30T14:32:00.000+01:00"/>
			<float key="cost" value="50.0"/>
		</event>
		<event>
			<string key="concept:name" value="decide"/>
		</event>
	</trace>
</log>`
	opt := xes.Options{Classifier: "Activity classifier", Rejects: true}
	meta, err := xes.Read(context.Background(), strings.NewReader(log), "example.xes", opt, printSink{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(meta.Events, "events,", meta.Rejected, "rejected")
	// Output:
	// rejected line 13: no "lifecycle:transition", a key of classifier "Activity classifier"
	// case-1 register+complete 2010-12-30T13:32:00Z Pete {"concept:name":"register","cost":50.0}
	// 1 events, 1 rejected
}
