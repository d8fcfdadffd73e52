package conformance

import "slices"

// omark is a marking that remembers the order in which places gained
// tokens (see the file comment). Only places with tokens are present.
type omark struct {
	place []int32
	count []int64
}

func newOmark(dense []int) omark {
	var o omark
	for p, k := range dense {
		if k > 0 {
			o.place = append(o.place, int32(p))
			o.count = append(o.count, int64(k))
		}
	}
	return o
}

func (o *omark) clone() omark {
	return omark{place: slices.Clone(o.place), count: slices.Clone(o.count)}
}

func (o *omark) get(p int) int64 {
	for i, q := range o.place {
		if int(q) == p {
			return o.count[i]
		}
	}
	return 0
}

// add changes p's tokens by d, appending p when new and removing it when
// it reaches zero.
func (o *omark) add(p, d int) {
	for i, q := range o.place {
		if int(q) == p {
			o.count[i] += int64(d)
			if o.count[i] == 0 {
				o.place = slices.Delete(o.place, i, i+1)
				o.count = slices.Delete(o.count, i, i+1)
			}
			return
		}
	}
	if d != 0 {
		o.place = append(o.place, int32(p))
		o.count = append(o.count, int64(d))
	}
}

func (o *omark) equal(x *omark) bool {
	if len(o.place) != len(x.place) {
		return false
	}
	for i, p := range o.place {
		if x.get(int(p)) != o.count[i] {
			return false
		}
	}
	return true
}
