package kafka

import "testing"

// The watermark is the slowest lagging partition's latest event time;
// partitions read past the end offset they had when assigned (caught up),
// and lagging ones that gave no event yet, do not hold it back.
func TestWatermark(t *testing.T) {
	a, b, c, d := tp{"t", 0}, tp{"t", 1}, tp{"t", 2}, tp{"t", 3}
	for _, tc := range []struct {
		name   string
		pos    map[tp]int64
		latest map[tp]int64
		want   int64
	}{
		{"two lagging: the slower", map[tp]int64{a: 5, b: 5, c: 100, d: 0}, map[tp]int64{a: 300, b: 200, c: 900}, 200},
		{"only the caught-up one has time", map[tp]int64{a: 100, b: 100, c: 100, d: 0}, map[tp]int64{a: 300, b: 200, c: 900}, 0},
		{"all caught up", map[tp]int64{a: 100, b: 100, c: 100, d: 100}, map[tp]int64{a: 300, b: 200, c: 900, d: 50}, 0},
		{"one lagging", map[tp]int64{a: 100, b: 7, c: 100, d: 100}, map[tp]int64{a: 300, b: 200, c: 900, d: 50}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cn := &consumer{assigned: map[tp]bool{a: true, b: true, c: true, d: true},
				end: map[tp]int64{a: 100, b: 100, c: 100, d: 100}, pos: tc.pos, latest: tc.latest}
			if got := cn.watermark(); got != tc.want {
				t.Fatalf("watermark %d, want %d", got, tc.want)
			}
		})
	}
}
