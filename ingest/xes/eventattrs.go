package xes

import (
	"math/bits"

	"github.com/pmx-dev/pmx/ingest/event"
)

// Event attributes are the bulk of the work, so they take a shorter road
// than other attributes:
//
//   - Each distinct key is examined once (which canonical field it feeds,
//     which classifier keys it is, its JSON name) and kept in a keyInfo;
//     slots remembers the key at each position of the last events, for
//     fastpath.go to try first.
//   - attrs is written straight into abuf with the pre-encoded names. The
//     bytes are what event.Object would produce (same escaping through
//     event.AppendString, same number rule through event.AppendNumber);
//     only the per-row re-escaping of names is gone.

type keyKind uint8

const (
	kAttr      keyKind = iota // goes to attrs
	kName                     // concept:name
	kTime                     // time:timestamp
	kResource                 // org:resource
	kLifecycle                // lifecycle:transition
)

type keyInfo struct {
	hint *keyHint // the key as written, when it needed neither decoding nor JSON escaping
	enc  []byte   // `"key":`
	kind keyKind
	cls  uint64 // bit i set: the key is key i of the chosen classifier
}

const (
	maxKeys  = 4096 // distinct keys remembered; past that, infos are built per use
	maxSlots = 256  // attribute positions predicted per event
)

// keyInfo returns the info of key. hintable says key is the raw,
// JSON-plain text of the buffer and so can be matched as written.
func (r *reader) keyInfo(key []byte, hintable bool) *keyInfo {
	if ki := r.keys[string(key)]; ki != nil {
		if ki.hint == nil && hintable {
			ki.hint = newKeyHint(key)
		}
		return ki
	}
	ki := &keyInfo{}
	if hintable {
		ki.hint = newKeyHint(key)
	}
	ki.enc = append(event.AppendString(nil, bstr(key)), ':')
	switch string(key) {
	case "concept:name":
		ki.kind = kName
	case "time:timestamp":
		ki.kind = kTime
	case "org:resource":
		ki.kind = kResource
	case "lifecycle:transition":
		ki.kind = kLifecycle
	}
	for i, k := range r.cls {
		if k == string(key) && i < 64 {
			ki.cls |= 1 << i
		}
	}
	if r.keys == nil {
		r.keys = make(map[string]*keyInfo)
	}
	if len(r.keys) < maxKeys {
		r.keys[string(key)] = ki
	}
	return ki
}

func (r *reader) setSlot(j int, ki *keyInfo) {
	if j >= maxSlots {
		return
	}
	for len(r.slots) <= j {
		r.slots = append(r.slots, nil)
	}
	r.slots[j] = ki
}

// eventAttr takes an attribute of the current event that did not come
// through fastpath.go: one with children (js), or of an unusual shape.
// hintable says key is raw buffer text that needs no JSON escaping.
func (r *reader) eventAttr(t attrType, key, val []byte, plain bool, js []byte, hintable bool) {
	j := r.ev.nattr
	r.ev.nattr++
	ki := r.keyInfo(key, hintable)
	r.setSlot(j, ki)
	r.eventValue(ki, t, val, plain, js)
}

// eventValue routes one attribute of the current event to its canonical
// field and/or to attrs. Special attributes that carry children keep those
// in attrs, so nothing is lost.
func (r *reader) eventValue(ki *keyInfo, t attrType, val []byte, plain bool, js []byte) {
	e := &r.ev
	inAttrs := js != nil
	switch ki.kind {
	case kAttr:
		inAttrs = true
	case kName:
		e.name, e.hasName = r.vals.get(val), true
		inAttrs = inAttrs || r.cls != nil
	case kTime:
		if us, ok := parseTime(val); ok {
			e.ts, e.tsState = us, tsOK
		} else {
			e.tsState, e.tsBad = tsBad, string(val)
		}
	case kResource:
		e.res = r.vals.get(val)
	case kLifecycle:
		e.lc = r.vals.get(val)
	}
	for m := ki.cls; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		r.clsVals[i], r.clsSeen[i] = r.vals.get(val), true
	}
	if !inAttrs {
		return
	}
	a := r.abuf
	if r.an == 0 {
		a = append(a[:0], '{')
	} else {
		a = append(a, ',')
	}
	r.an++
	a = append(a, ki.enc...)
	if js != nil {
		a = append(a, js...)
	} else {
		a = appendValue(a, t, val, plain)
	}
	r.abuf = a
}

// eventAttrs returns the finished attrs object of the event, nil when empty.
func (r *reader) eventAttrs() []byte {
	if r.an == 0 {
		return nil
	}
	r.abuf = append(r.abuf, '}')
	return r.abuf
}

func (r *reader) resetEventAttrs() {
	r.an = 0
	r.abuf = r.abuf[:0]
}
