package calendar

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// benchSpans draws n spans of the given length (jittered by up to half of
// it) starting at random instants in 2026, with milliseconds as in real logs.
func benchSpans(n int, length time.Duration) [][2]time.Time {
	r := rand.New(rand.NewPCG(5, 6))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([][2]time.Time, n)
	for i := range out {
		from := start.Add(time.Duration(r.Int64N(int64(365*24*time.Hour))) / time.Millisecond * time.Millisecond)
		out[i] = [2]time.Time{from, from.Add(length/2 + time.Duration(r.Int64N(int64(length/2))))}
	}
	return out
}

func BenchmarkBetween(b *testing.B) {
	desk, err := Parse(strings.NewReader(deskYAML), "desk.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name   string
		length time.Duration
	}{
		{"hours", 8 * time.Hour},
		{"days", 4 * 24 * time.Hour},
		{"1y", 365 * 24 * time.Hour},
		{"100y", 100 * 365 * 24 * time.Hour},
	} {
		spans := benchSpans(1024, bc.length)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var sink time.Duration
			i := 0
			for b.Loop() {
				s := spans[i&1023]
				sink += desk.Between(s[0], s[1])
				i++
			}
			_ = sink
		})
	}
	// "9999-12-31" is a common stand-in for "no end date" in ITSM extracts.
	b.Run("to-9999", func(b *testing.B) {
		b.ReportAllocs()
		from, to := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
		for b.Loop() {
			desk.Between(from, to)
		}
	})
}

func BenchmarkAdd(b *testing.B) {
	desk, err := Parse(strings.NewReader(deskYAML), "desk.yaml")
	if err != nil {
		b.Fatal(err)
	}
	spans := benchSpans(1024, time.Hour)
	for _, d := range []time.Duration{4 * time.Hour, 72 * time.Hour, 2000 * time.Hour} {
		b.Run(d.String(), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				desk.Add(spans[i&1023][0], d)
				i++
			}
		})
	}
}

func BenchmarkIsWorking(b *testing.B) {
	desk, err := Parse(strings.NewReader(deskYAML), "desk.yaml")
	if err != nil {
		b.Fatal(err)
	}
	spans := benchSpans(1024, time.Hour)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		desk.IsWorking(spans[i&1023][0])
		i++
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(strings.NewReader(deskYAML), "desk.yaml"); err != nil {
			b.Fatal(err)
		}
	}
}
