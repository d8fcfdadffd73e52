package engine

import "math"

// Purposes separate the random streams of a run, so that a change in one
// (an extra delay draw) never shifts another (a duration).
const (
	purposeArrivals uint64 = iota + 1
	purposeCase
	purposeWork
	purposeDelay
	purposeRoute // mode net: the choices at each place
)

// stream is a small, fast, allocation-free random source: SplitMix64
// (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
// OOPSLA 2014) seeded by hashing its key, so that every (seed, replication,
// purpose, case, activity, occurrence) has a stream of its own and the
// numbers a case draws do not depend on what other cases drew before it.
type stream struct {
	s     uint64
	spare float64 // second normal of the last Box–Muller pair
	has   bool
}

func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func newStream(key ...uint64) stream {
	h := uint64(0x6a09e667f3bcc909)
	for _, k := range key {
		h = mix(h ^ mix(k+0x9e3779b97f4a7c15))
	}
	return stream{s: h}
}

// streams derives the streams of one run cheaply: a base per purpose, then
// two mixes per (case, activity, occurrence).
type streams struct{ base [purposeRoute + 1]uint64 }

func newStreams(seed, rep uint64) streams {
	var s streams
	for p := range s.base {
		s.base[p] = newStream(seed, rep, uint64(p)).s
	}
	return s
}

// of returns the stream of purpose p for case c, activity a's occ-th
// occurrence (a = occ = 0 for a case-level stream).
func (s *streams) of(p uint64, c, a, occ uint64) stream {
	h := mix(s.base[p] + (c+1)*0xd1b54a32d192ed03)
	return stream{s: mix(h ^ ((a<<32|occ)+1)*0x9e3779b97f4a7c15)}
}

func (r *stream) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// Float64 is uniform on [0, 1).
func (r *stream) Float64() float64 { return float64(r.next()>>11) / (1 << 53) }

// NormFloat64 is standard normal (Box–Muller, both values used).
func (r *stream) NormFloat64() float64 {
	if r.has {
		r.has = false
		return r.spare
	}
	u := 1 - r.Float64() // (0, 1]
	v := r.Float64()
	rad := math.Sqrt(-2 * math.Log(u))
	s, c := math.Sincos(2 * math.Pi * v)
	r.spare, r.has = rad*s, true
	return rad * c
}
