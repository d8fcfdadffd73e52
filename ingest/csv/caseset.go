package csv

import "hash/maphash"

// caseSet is the set of case ids seen so far: the one structure that
// grows with the input, and it sits on the sequential emitting stage. Ids
// live in one byte arena; the open-addressing table holds 8-byte slots (the
// top 24 bits of the id's hash as a fingerprint, the id's number below), so
// looking up a new id costs one cache miss in a small table and the id
// bytes are read only on a fingerprint match. Nothing in it holds pointers
// for the GC to scan, and adding an id allocates nothing but amortised
// growth (a map[string]struct{} needs a string per id).
type caseSet struct {
	seed  maphash.Seed
	slots []uint64 // 0 = empty, else fingerprint | id number+1; power-of-two size, at most half full
	ids   []caseRef
	data  []byte
}

// fpMask selects the fingerprint bits of a slot; the 40 bits below number
// the ids (memory runs out long before 2^40 of them).
const fpMask = ^uint64(1<<40 - 1)

type caseRef struct {
	hash      uint64
	off, size int
}

// add inserts id and reports whether it was new.
func (s *caseSet) add(id string) bool {
	if s.slots == nil {
		s.seed = maphash.MakeSeed()
		s.slots = make([]uint64, 1024)
	}
	h := maphash.String(s.seed, id)
	fp, mask := h&fpMask, uint64(len(s.slots)-1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := s.slots[i]
		if sl == 0 {
			s.ids = append(s.ids, caseRef{hash: h, off: len(s.data), size: len(id)})
			s.data = append(s.data, id...)
			s.slots[i] = fp | uint64(len(s.ids))
			if 2*len(s.ids) > len(s.slots) {
				s.grow()
			}
			return true
		}
		if sl&fpMask == fp {
			r := &s.ids[sl&^fpMask-1]
			if r.size == len(id) && string(s.data[r.off:r.off+r.size]) == id {
				return false
			}
		}
	}
}

func (s *caseSet) grow() {
	s.slots = make([]uint64, 2*len(s.slots))
	mask := uint64(len(s.slots) - 1)
	for n, r := range s.ids {
		i := r.hash & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = r.hash&fpMask | uint64(n+1)
	}
}
