package stats

import (
	"math"
	"strconv"
)

// Float is a figure that may be undefined: a test that could not be run (no
// second sample to compare with), a share of a zero total, a ratio over an
// empty set. Undefined is NaN in Go, so arithmetic and comparisons stay
// plain, and JSON null on the wire, since JSON has no NaN and a made-up 0
// would be a wrong figure. Result types use Float for every field that can
// be undefined, and document what null means there.
type Float float64

// Undefined is the Float with no value.
var Undefined = Float(math.NaN())

// Defined reports whether f has a value (is finite).
func (f Float) Defined() bool { return !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) }

// MarshalJSON writes null for NaN and infinities, else the shortest
// representation that reads back to the same float64.
func (f Float) MarshalJSON() ([]byte, error) {
	if !f.Defined() {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, float64(f), 'g', -1, 64), nil
}

// UnmarshalJSON reads null as Undefined.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Undefined
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*f = Float(v)
	return nil
}
