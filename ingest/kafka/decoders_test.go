package kafka

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// Decoders side by side: every partition's messages are buffered once and
// in offset order, whichever decoder reads it, also when a poll brings a
// partition twice or brings one that was revoked meanwhile.
func TestDecodePollInParallel(t *testing.T) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	app, err := w.OpenAppender(ctx, "live", "kafka://t", "kafka")
	if err != nil {
		t.Fatal(err)
	}
	c := &consumer{cfg: Config{groupRows: 10}, app: app, pos: map[tp]int64{},
		assigned: map[tp]bool{{"t", 0}: true, {"t", 1}: true, {"t", 2}: true, {"u", 0}: true}}
	c.decoders = newDecoders(c, 3)
	recs := func(topic string, part int32, from, to int) []*kgo.Record {
		var out []*kgo.Record
		for o := from; o < to; o++ {
			v := fmt.Sprintf(`{"case":"%s%d-%d","activity":"A","time":%d,"n":%d}`, topic, part, o/3, o, o)
			if part == 2 && o == 3 {
				v = `{"case":`
			}
			out = append(out, &kgo.Record{Topic: topic, Partition: part, Offset: int64(o), Value: []byte(v)})
		}
		return out
	}
	part := func(topic string, p int32, from, to int) kgo.FetchTopic {
		return kgo.FetchTopic{Topic: topic, Partitions: []kgo.FetchPartition{{Partition: p, Records: recs(topic, p, from, to)}}}
	}
	c.decodePoll(kgo.Fetches{
		{Topics: []kgo.FetchTopic{part("t", 0, 0, 25), part("t", 1, 0, 15), part("t", 3, 0, 6)}},
		{Topics: []kgo.FetchTopic{part("t", 0, 20, 30), part("t", 2, 0, 5), part("u", 0, 0, 12)}},
	})
	want := map[tp]int64{{"t", 0}: 30, {"t", 1}: 15, {"t", 2}: 5, {"u", 0}: 12}
	if fmt.Sprint(c.pos) != fmt.Sprint(want) || c.buffered != 30+15+4+12 {
		t.Fatalf("positions %v, %d buffered; want %v, 61", c.pos, c.buffered, want)
	}
	for _, ch := range c.chunks {
		if ch.rec.NumRows() != 10 {
			t.Fatalf("a closed chunk of %d events, want 10", ch.rec.NumRows())
		}
	}
	// A later poll continues each partition where it ended.
	c.decodePoll(kgo.Fetches{{Topics: []kgo.FetchTopic{part("t", 1, 10, 18)}}})
	c.expected = map[tp]int64{}
	b, err := c.seal(true)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, r := range b.recs {
			r.Release()
		}
	}()
	if b.events != 64 || len(b.dead) != 1 || len(b.pos) != 4 || c.buffered != 0 {
		t.Fatalf("batch of %d events, %d dead letters, %d positions (%d left buffered); want 64, 1, 4", b.events, len(b.dead), len(b.pos), c.buffered)
	}
	last := map[string]int64{}
	seqs := map[int64]bool{}
	for _, r := range b.recs {
		cases := r.Column(event.ColCase).(*array.String)
		times := r.Column(event.ColTime).(*array.Timestamp)
		seq := r.Column(event.ColSeq).(*array.Int64)
		for i := 0; i < int(r.NumRows()); i++ {
			var topic string
			var p, n int
			fmt.Sscanf(cases.Value(i), "%1s%d-%d", &topic, &p, &n)
			key := fmt.Sprint(topic, p)
			off := int64(times.Value(i)) / 1e6
			if prev, ok := last[key]; ok && off != prev+1 && !(key == "t2" && off == prev+2) {
				t.Fatalf("%s: offset %d after %d", key, off, prev)
			}
			last[key] = off
			if seqs[seq.Value(i)] {
				t.Fatalf("seq %d twice", seq.Value(i))
			}
			seqs[seq.Value(i)] = true
		}
	}
}
