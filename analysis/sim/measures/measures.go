// Package measures computes the distances between two event logs that the
// business-process-simulation literature validates simulation models with
// (Chapela-Campa, Benchekroun, Baron, Dumas, Ferraro, Lopez-Pintado, "A
// framework for measuring the quality of business process simulation
// models", Information Systems 127, 2025), with the definitions of the
// reference implementation Simod and Prosimos use (the log-distance-measures
// package, 2.2.0), so that a pmx figure can be checked against a published
// one:
//
//   - n-gram distance (control flow): the normalised sum of absolute
//     differences of the two logs' n-gram counts, each case padded with
//     n−1 empty labels at both ends;
//   - cycle-time EMD: the 1-D Wasserstein distance between the cases'
//     durations (last end − first start), in one-hour bins measured from the
//     shorter duration of both logs;
//   - absolute-event EMD: between all start and end instants, in hours
//     from the hour both logs' first start falls in;
//   - relative-event EMD: between all start and end instants relative to
//     their case's first start, in hours;
//   - arrival EMD: between the cases' first starts, in hours as above;
//   - circadian EMD: per weekday, between the hours of day (UTC) of all
//     instants, averaged over the seven weekdays (23 for a weekday only one
//     log has instants on).
//
// Hours are floor(seconds / 3600) of the exact differences, as the
// reference computes them; the Wasserstein distance is computed exactly from
// the sorted samples.
//
// It is pure: no I/O, no randomness. It must not import database/sql, DuckDB,
// ingest, report or cmd.
package measures

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Instance is one activity instance: case, activity, start and end as Unix
// microseconds (UTC). Where a log has no start, Start = End.
type Instance struct {
	Case     int
	Activity string
	Start    int64
	End      int64
}

// Report holds every measure for one pair of logs.
type Report struct {
	NGram2       float64 `json:"ngram_2_distance"`
	NGram3       float64 `json:"ngram_3_distance"`
	CycleTime    float64 `json:"cycle_time_emd_hours"`
	RelativeEvnt float64 `json:"relative_event_emd_hours"`
	AbsoluteEvnt float64 `json:"absolute_event_emd_hours"`
	Circadian    float64 `json:"circadian_emd"`
	Arrival      float64 `json:"arrival_emd_hours"`
}

// All computes every measure of sim against real.
func All(real, sim []Instance) Report {
	rc, sc := groupCases(real), groupCases(sim)
	return Report{
		NGram2:       ngram(rc, sc, 2),
		NGram3:       ngram(rc, sc, 3),
		CycleTime:    cycleTime(rc, sc),
		RelativeEvnt: relativeEvent(rc, sc),
		AbsoluteEvnt: AbsoluteEventEMD(real, sim),
		Circadian:    CircadianEMD(real, sim),
		Arrival:      arrival(rc, sc),
	}
}

// groupCases returns each case's instances in (start, end) order, ties in
// the given order, cases in order of first appearance.
func groupCases(log []Instance) [][]Instance {
	index := map[int]int{}
	var cases [][]Instance
	for _, in := range log {
		i, ok := index[in.Case]
		if !ok {
			i = len(cases)
			index[in.Case] = i
			cases = append(cases, nil)
		}
		cases[i] = append(cases[i], in)
	}
	for _, c := range cases {
		slices.SortStableFunc(c, func(a, b Instance) int { return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End)) })
	}
	return cases
}

// NGramDistance is the n-gram distance of sim against real.
func NGramDistance(real, sim []Instance, n int) float64 {
	return ngram(groupCases(real), groupCases(sim), n)
}

func ngram(real, sim [][]Instance, n int) float64 {
	hr, hs := ngrams(real, n), ngrams(sim, n)
	var diff, total float64
	for k, a := range hr {
		b := hs[k]
		diff += math.Abs(float64(a - b))
		total += float64(a)
	}
	for k, b := range hs {
		if _, ok := hr[k]; !ok {
			diff += float64(b)
		}
		total += float64(b)
	}
	if total == 0 {
		return 0
	}
	return diff / total
}

// ngrams counts the n-grams of every case, padded with n−1 empty labels at
// both ends; a label sequence is keyed by its labels joined with NUL.
func ngrams(cases [][]Instance, n int) map[string]int {
	out := map[string]int{}
	var seq []string
	var key []byte
	for _, c := range cases {
		seq = seq[:0]
		for range n - 1 {
			seq = append(seq, "")
		}
		for _, in := range c {
			seq = append(seq, "\x01"+in.Activity) // never equal to the pad
		}
		for range n - 1 {
			seq = append(seq, "")
		}
		for i := 0; i+n <= len(seq); i++ {
			key = key[:0]
			for j := i; j < i+n; j++ {
				key = append(key, seq[j]...)
				key = append(key, 0)
			}
			out[string(key)]++
		}
	}
	return out
}

// hours is floor(seconds / 3600) of a difference in microseconds, computed
// as the reference does: the difference's seconds as a float, divided.
func hours(diffUS int64) float64 {
	return math.Floor(float64(diffUS) / 1e6 / 3600)
}

// floorHour is t (Unix µs) floored to the hour.
func floorHour(us int64) int64 {
	const h = int64(time.Hour / time.Microsecond)
	q := us / h
	if us%h < 0 {
		q--
	}
	return q * h
}

// CycleTimeEMD is the cycle-time EMD of sim against real, in hours.
func CycleTimeEMD(real, sim []Instance) float64 { return cycleTime(groupCases(real), groupCases(sim)) }

func cycleTime(real, sim [][]Instance) float64 {
	durs := func(cases [][]Instance) []int64 {
		out := make([]int64, 0, len(cases))
		for _, c := range cases {
			first, last := c[0].Start, c[0].End
			for _, in := range c {
				first, last = min(first, in.Start), max(last, in.End)
			}
			out = append(out, last-first)
		}
		return out
	}
	a, b := durs(real), durs(sim)
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	lo := min(slices.Min(a), slices.Min(b))
	// The reference divides two pandas Timedeltas: nanoseconds as a float
	// by an hour's nanoseconds.
	bin := func(d int64) float64 { return math.Floor(float64((d-lo)*1000) / 3.6e12) }
	return Wasserstein(mapf(a, bin), mapf(b, bin))
}

// AbsoluteEventEMD is the absolute-event EMD of sim against real, in hours.
func AbsoluteEventEMD(real, sim []Instance) float64 {
	if len(real) == 0 || len(sim) == 0 {
		return math.NaN()
	}
	origin := int64(math.MaxInt64)
	for _, l := range [][]Instance{real, sim} {
		for _, in := range l {
			origin = min(origin, in.Start)
		}
	}
	origin = floorHour(origin)
	disc := func(l []Instance) []float64 {
		out := make([]float64, 0, 2*len(l))
		for _, in := range l {
			out = append(out, hours(in.Start-origin))
		}
		for _, in := range l {
			out = append(out, hours(in.End-origin))
		}
		return out
	}
	return Wasserstein(disc(real), disc(sim))
}

// RelativeEventEMD is the relative-event EMD of sim against real, in hours.
func RelativeEventEMD(real, sim []Instance) float64 {
	return relativeEvent(groupCases(real), groupCases(sim))
}

func relativeEvent(real, sim [][]Instance) float64 {
	disc := func(cases [][]Instance) []float64 {
		var starts, ends []float64
		for _, c := range cases {
			first := c[0].Start
			for _, in := range c {
				first = min(first, in.Start)
			}
			for _, in := range c {
				starts = append(starts, hours(in.Start-first))
				ends = append(ends, hours(in.End-first))
			}
		}
		return append(starts, ends...)
	}
	a, b := disc(real), disc(sim)
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	return Wasserstein(a, b)
}

// ArrivalEMD is the case-arrival EMD of sim against real, in hours.
func ArrivalEMD(real, sim []Instance) float64 { return arrival(groupCases(real), groupCases(sim)) }

func arrival(real, sim [][]Instance) float64 {
	firsts := func(cases [][]Instance) []int64 {
		out := make([]int64, 0, len(cases))
		for _, c := range cases {
			f := c[0].Start
			for _, in := range c {
				f = min(f, in.Start)
			}
			out = append(out, f)
		}
		return out
	}
	a, b := firsts(real), firsts(sim)
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	origin := floorHour(min(slices.Min(a), slices.Min(b)))
	bin := func(t int64) float64 { return hours(t - origin) }
	return Wasserstein(mapf(a, bin), mapf(b, bin))
}

// CircadianEMD is the circadian EMD of sim against real: per weekday (UTC),
// the Wasserstein distance between the hours of day of all start and end
// instants, averaged over the week; a weekday with instants in one log only
// counts 23, one with none in either 0.
func CircadianEMD(real, sim []Instance) float64 {
	byDay := func(l []Instance) [7][]float64 {
		var out [7][]float64
		add := func(us int64) {
			t := time.UnixMicro(us).UTC()
			// pandas counts weekdays from Monday = 0.
			d := (int(t.Weekday()) + 6) % 7
			out[d] = append(out[d], float64(t.Hour()))
		}
		for _, in := range l {
			add(in.Start)
		}
		for _, in := range l {
			add(in.End)
		}
		return out
	}
	a, b := byDay(real), byDay(sim)
	var sum float64
	for d := range 7 {
		switch {
		case len(a[d]) > 0 && len(b[d]) > 0:
			sum += Wasserstein(a[d], b[d])
		case len(a[d]) > 0 || len(b[d]) > 0:
			sum += 23
		}
	}
	return sum / 7
}

// Wasserstein is the 1-D Wasserstein (earth mover's) distance between the
// empirical distributions of u and v: the integral of |F_u − F_v|. Neither
// slice is changed.
func Wasserstein(u, v []float64) float64 {
	if len(u) == 0 || len(v) == 0 {
		return math.NaN()
	}
	a, b := slices.Clone(u), slices.Clone(v)
	slices.Sort(a)
	slices.Sort(b)
	nu, nv := float64(len(a)), float64(len(b))
	var i, j int
	var dist float64
	prev := math.Min(a[0], b[0])
	for i < len(a) || j < len(b) {
		var x float64
		switch {
		case j == len(b) || (i < len(a) && a[i] <= b[j]):
			x = a[i]
		default:
			x = b[j]
		}
		dist += math.Abs(float64(i)/nu-float64(j)/nv) * (x - prev)
		for i < len(a) && a[i] == x {
			i++
		}
		for j < len(b) && b[j] == x {
			j++
		}
		prev = x
	}
	return dist
}

func mapf[T any](xs []T, f func(T) float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}
