package kafka

import (
	"testing"

	"github.com/pmx-dev/pmx/ingest/event"
)

var benchMsg = []byte(`{"case:concept:name":"INC000123","concept:name":"Investigate","time:timestamp":"2026-03-02T09:15:27.123456Z","org:resource":"Bram Smits","lifecycle:transition":"complete","org:group":"DBA","priority":"P2","channel":"Portal","effort_minutes":35}`)

// BenchmarkDecode measures decoding one ~230-byte JSON event message.
func BenchmarkDecode(b *testing.B) {
	d := newDecoder(Mapping{})
	var e event.Event
	b.SetBytes(int64(len(benchMsg)))
	for i := 0; i < b.N; i++ {
		if err := d.decode(benchMsg, &e); err != nil {
			b.Fatal(err)
		}
	}
}
