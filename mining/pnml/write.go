package pnml

import (
	"bufio"
	"crypto/sha1"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/pmx-dev/pmx/mining/petri"
)

// CoreModel is the net type PM4Py and ProM write.
const CoreModel = "http://www.pnml.org/version-2009/grammar/pnmlcoremodel"

// Write writes n as a PNML document in the layout PM4Py's write_pnml uses:
// one page, places (with their initial tokens), transitions (silent ones
// with ProM's $invisible$ marker), arcs (with an inscription when the weight
// is not 1), and the final marking under <finalmarkings>. Elements keep the
// net's order and arcs are numbered, so the same net gives the same bytes.
// The net must be valid (petri.Net.Validate).
func Write(w io.Writer, n *petri.Net) error {
	if err := n.Validate(); err != nil {
		return fmt.Errorf("pnml: %w", err)
	}
	bw := bufio.NewWriter(w)
	x := &writer{w: bw}
	id := n.Name
	if id == "" {
		id = "net"
	}
	x.line(0, "<?xml version='1.0' encoding='UTF-8'?>")
	x.line(0, "<pnml>")
	x.line(1, `<net id="`+esc(id)+`" type="`+CoreModel+`">`)
	x.name(2, n.Name)
	x.line(2, `<page id="n0">`)
	for p, pl := range n.Places {
		x.line(3, `<place id="`+esc(pl.ID)+`">`)
		x.name(4, pl.ID)
		if k := n.Initial[p]; k > 0 {
			x.line(4, "<initialMarking>")
			x.line(5, "<text>"+strconv.Itoa(k)+"</text>")
			x.line(4, "</initialMarking>")
		}
		x.line(3, "</place>")
	}
	for _, t := range n.Transitions {
		x.line(3, `<transition id="`+esc(t.ID)+`">`)
		x.name(4, t.Label)
		if t.Silent {
			x.line(4, `<toolspecific tool="ProM" version="6.4" activity="$invisible$" localNodeID="`+nodeID(n.Name, t.ID)+`"/>`)
		}
		x.line(3, "</transition>")
	}
	arcIDs := arcIDs(n)
	for i, a := range n.Arcs {
		src, dst := n.Places[a.Place].ID, n.Transitions[a.Trans].ID
		if !a.ToTrans {
			src, dst = dst, src
		}
		open := `<arc id="` + esc(arcIDs[i]) + `" source="` + esc(src) + `" target="` + esc(dst) + `"`
		if a.Weight == 1 {
			x.line(3, open+"/>")
			continue
		}
		x.line(3, open+">")
		x.line(4, "<inscription>")
		x.line(5, "<text>"+strconv.Itoa(a.Weight)+"</text>")
		x.line(4, "</inscription>")
		x.line(3, "</arc>")
	}
	x.line(2, "</page>")
	x.line(2, "<finalmarkings>")
	x.line(3, "<marking>")
	for _, p := range sortedPlaces(n.Final) {
		x.line(4, `<place idref="`+esc(n.Places[p].ID)+`">`)
		x.line(5, "<text>"+strconv.Itoa(n.Final[p])+"</text>")
		x.line(4, "</place>")
	}
	x.line(3, "</marking>")
	x.line(2, "</finalmarkings>")
	x.line(1, "</net>")
	x.line(0, "</pnml>")
	if x.err != nil {
		return x.err
	}
	return bw.Flush()
}

type writer struct {
	w   *bufio.Writer
	err error
}

func (x *writer) line(depth int, s string) {
	if x.err != nil {
		return
	}
	for range depth {
		x.w.WriteString("  ")
	}
	x.w.WriteString(s)
	_, x.err = x.w.WriteString("\n")
}

func (x *writer) name(depth int, s string) {
	x.line(depth, "<name>")
	x.line(depth+1, "<text>"+esc(s)+"</text>")
	x.line(depth, "</name>")
}

func esc(s string) string {
	var b []byte
	w := byteWriter{&b}
	_ = xml.EscapeText(w, []byte(s))
	return string(b)
}

type byteWriter struct{ b *[]byte }

func (w byteWriter) Write(p []byte) (int, error) { *w.b = append(*w.b, p...); return len(p), nil }

// nodeID is a stable UUID-shaped ProM localNodeID derived from the net name
// and the transition ID (PM4Py draws a random one; ProM only needs it to be
// unique).
func nodeID(net, id string) string {
	h := sha1.Sum([]byte(net + "\x00" + id))
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// arcIDs numbers the arcs arc_0, arc_1, ..., skipping numbers whose name a
// place or transition already uses.
func arcIDs(n *petri.Net) []string {
	taken := map[string]bool{}
	for _, p := range n.Places {
		taken[p.ID] = true
	}
	for _, t := range n.Transitions {
		taken[t.ID] = true
	}
	out := make([]string, len(n.Arcs))
	k := 0
	for i := range n.Arcs {
		for {
			id := "arc_" + strconv.Itoa(k)
			k++
			if !taken[id] {
				out[i] = id
				break
			}
		}
	}
	return out
}

func sortedPlaces(m petri.Marking) []int {
	var ps []int
	for p, k := range m {
		if k > 0 {
			ps = append(ps, p)
		}
	}
	slices.Sort(ps)
	return ps
}
