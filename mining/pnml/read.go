package pnml

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pmx-dev/pmx/mining/petri"
)

// Read parses a PNML document and returns its first net. Places,
// transitions and arcs are taken from every page of the net, in document
// order (nested pages included). A transition is silent when it carries
// ProM's tool-specific activity="$invisible$" marker (or the stochastic
// net "invisible" property); its Label is the <name> text, or for a visible
// transition without a name its ID (as PM4Py reads it). The final marking
// is the first <marking> of <finalmarkings>; when the document has none,
// every place without outgoing arcs gets one token (PM4Py's guess).
func Read(r io.Reader) (*petri.Net, error) {
	b := &builder{net: &petri.Net{Initial: petri.Marking{}}, ids: map[string]nodeRef{}, refs: map[string]string{}}
	doc, err := parse(r, b.element)
	if err != nil {
		return nil, err
	}
	if doc.netName != nil && doc.netName.child("text") != nil {
		b.net.Name = doc.netName.child("text").text
	} else {
		b.net.Name, _ = doc.net.attr("id")
	}
	for i := range b.arcs {
		if err := b.addArc(&b.arcs[i]); err != nil {
			return nil, err
		}
	}
	if err := b.finalMarking(doc.finals); err != nil {
		return nil, err
	}
	return b.net, nil
}

// nodeRef is a place or transition index by ID.
type nodeRef struct {
	place bool
	index int
}

// builder makes the net as the parser hands it elements: places and
// transitions at once, arcs once every node is known (an arc may come
// before its nodes, or refer to them through references).
type builder struct {
	net  *petri.Net
	ids  map[string]nodeRef
	refs map[string]string // referencePlace/referenceTransition id -> ref
	arcs []arcRec
}

// arcRec is what an arc keeps until it is resolved.
type arcRec struct {
	line                  int
	id, src, dst          string
	inscription, arctype  string
	hasWeight, hasArctype bool
}

// element takes one element of the net or its pages (see parse).
func (b *builder) element(n *node) error {
	switch n.name {
	case "place":
		return b.addPlace(n)
	case "transition":
		return b.addTransition(n)
	case "arc":
		a := arcRec{line: n.line}
		a.id, _ = n.attr("id")
		a.src, _ = n.attr("source")
		a.dst, _ = n.attr("target")
		a.inscription, a.hasWeight = n.textOf("inscription")
		a.arctype, a.hasArctype = n.textOf("arctype")
		b.arcs = append(b.arcs, a)
	default: // referencePlace, referenceTransition
		id, _ := n.attr("id")
		ref, _ := n.attr("ref")
		b.refs[id] = ref
	}
	return nil
}

func (b *builder) id(n *node) (string, error) {
	id, _ := n.attr("id")
	if id == "" {
		return "", &Error{Line: n.line, Element: n.name, Reason: "missing id attribute"}
	}
	if _, dup := b.ids[id]; dup {
		return "", &Error{Line: n.line, Element: fmt.Sprintf("%s %q", n.name, id), Reason: "id used twice"}
	}
	return id, nil
}

func (b *builder) addPlace(n *node) error {
	id, err := b.id(n)
	if err != nil {
		return err
	}
	p := b.net.AddPlace(id)
	b.ids[id] = nodeRef{place: true, index: p}
	if s, ok := n.textOf("initialMarking"); ok {
		k, err := count(s, 0)
		if err != nil {
			return &Error{Line: n.line, Element: fmt.Sprintf("place %q", id), Reason: "initialMarking: " + err.Error()}
		}
		if k > 0 {
			b.net.Initial[p] = k
		}
	}
	return nil
}

func (b *builder) addTransition(n *node) error {
	id, err := b.id(n)
	if err != nil {
		return err
	}
	label, named := n.textOf("name")
	silent := false
	for _, k := range n.kids {
		if k.name != "toolspecific" {
			continue
		}
		tool, _ := k.attr("tool")
		if act, _ := k.attr("activity"); strings.Contains(tool, "ProM") && strings.Contains(act, "invisible") {
			silent = true
		}
		if strings.Contains(tool, "StochasticPetriNet") {
			for _, prop := range k.kids {
				if key, _ := prop.attr("key"); key == "invisible" && strings.EqualFold(strings.TrimSpace(prop.text), "true") {
					silent = true
				}
			}
		}
	}
	if !named && !silent {
		label = id
	}
	t := b.net.AddTransition(id, label, silent)
	b.ids[id] = nodeRef{index: t}
	return nil
}

func (b *builder) resolve(id string) (nodeRef, bool) {
	for range 8 { // reference chains are short; the bound stops cycles
		if r, ok := b.ids[id]; ok {
			return r, true
		}
		ref, ok := b.refs[id]
		if !ok {
			return nodeRef{}, false
		}
		id = ref
	}
	return nodeRef{}, false
}

func (b *builder) addArc(a *arcRec) error {
	elem := fmt.Sprintf("arc %q", a.id)
	s, ok := b.resolve(a.src)
	if !ok {
		return &Error{Line: a.line, Element: elem, Reason: fmt.Sprintf("source %q is not a place or transition of the net", a.src)}
	}
	d, ok := b.resolve(a.dst)
	if !ok {
		return &Error{Line: a.line, Element: elem, Reason: fmt.Sprintf("target %q is not a place or transition of the net", a.dst)}
	}
	if s.place == d.place {
		return &Error{Line: a.line, Element: elem, Reason: fmt.Sprintf("connects %q and %q, two nodes of the same kind", a.src, a.dst)}
	}
	w := 1
	if a.hasWeight {
		var err error
		if w, err = count(a.inscription, 1); err != nil {
			return &Error{Line: a.line, Element: elem, Reason: "inscription: " + err.Error()}
		}
	}
	if typ := strings.TrimSpace(a.arctype); a.hasArctype && typ != "normal" {
		return &Error{Line: a.line, Element: elem, Reason: fmt.Sprintf("arc type %q is not supported (only normal arcs)", typ)}
	}
	if s.place {
		b.net.Arcs = append(b.net.Arcs, petri.Arc{Place: s.index, Trans: d.index, ToTrans: true, Weight: w})
	} else {
		b.net.Arcs = append(b.net.Arcs, petri.Arc{Place: d.index, Trans: s.index, Weight: w})
	}
	return nil
}

func (b *builder) finalMarking(fm *node) error {
	b.net.Final = petri.Marking{}
	if fm == nil {
		ix := b.net.Index()
		for p := range b.net.Places {
			if len(ix.PlaceOut[p]) == 0 {
				b.net.Final[p] = 1
			}
		}
		return nil
	}
	m := fm.child("marking")
	if m == nil {
		return nil
	}
	for _, pl := range m.kids {
		if pl.name != "place" {
			continue
		}
		ref, _ := pl.attr("idref")
		r, ok := b.resolve(ref)
		if !ok || !r.place {
			return &Error{Line: pl.line, Element: "finalmarkings place", Reason: fmt.Sprintf("idref %q is not a place of the net", ref)}
		}
		t := pl.child("text")
		if t == nil {
			return &Error{Line: pl.line, Element: fmt.Sprintf("finalmarkings place %q", ref), Reason: "no <text> token count"}
		}
		k, err := count(t.text, 0)
		if err != nil {
			return &Error{Line: pl.line, Element: fmt.Sprintf("finalmarkings place %q", ref), Reason: err.Error()}
		}
		if k > 0 {
			b.net.Final[r.index] = k
		}
	}
	return nil
}

// count parses a token count or weight of at least min and at most
// petri.MaxTokens. Larger numbers are refused, not wrapped: a count of 2^33
// read into 32 bits would become 0 and silently change the net.
func count(s string, min int) (int, error) {
	s = strings.TrimSpace(s)
	k, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange && !strings.HasPrefix(s, "-") {
			return 0, fmt.Errorf("%s is more than %d (the largest token count or arc weight accepted)", s, petri.MaxTokens)
		}
		if !utf8.ValidString(s) || len(s) > 40 {
			s = "…"
		}
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	if k < int64(min) {
		return 0, fmt.Errorf("%d is less than %d", k, min)
	}
	if k > petri.MaxTokens {
		return 0, fmt.Errorf("%d is more than %d (the largest token count or arc weight accepted)", k, petri.MaxTokens)
	}
	return int(k), nil
}
