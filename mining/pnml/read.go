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
	root, err := parse(r)
	if err != nil {
		return nil, err
	}
	return build(root)
}

// nodeRef is a place or transition index by ID.
type nodeRef struct {
	place bool
	index int
}

type builder struct {
	net   *petri.Net
	ids   map[string]nodeRef
	refs  map[string]string // referencePlace/referenceTransition id -> ref
	arcs  []*node
	place []*node
	trans []*node
}

func build(root *node) (*petri.Net, error) {
	if root.space == bpmnNamespace || (root.name == "definitions" && strings.Contains(strings.ToLower(root.space), "bpmn")) {
		return nil, &Error{Line: root.line, Element: root.name, bpmn: true, Reason: "a BPMN model, not a Petri net: " +
			"BPMN models are not accepted yet, only PNML (as pmx discover -o model.pnml, PM4Py and ProM write it)"}
	}
	if root.name != "pnml" {
		return nil, &Error{Line: root.line, Element: root.name, Reason: "root element is not <pnml>"}
	}
	netNode := root.child("net")
	if netNode == nil {
		return nil, &Error{Line: root.line, Element: "pnml", Reason: "no <net> element"}
	}
	b := &builder{net: &petri.Net{Initial: petri.Marking{}}, ids: map[string]nodeRef{}, refs: map[string]string{}}
	if name, ok := netNode.textOf("name"); ok {
		b.net.Name = name
	} else {
		b.net.Name, _ = netNode.attr("id")
	}
	b.collect(netNode)
	for _, p := range b.place {
		if err := b.addPlace(p); err != nil {
			return nil, err
		}
	}
	for _, t := range b.trans {
		if err := b.addTransition(t); err != nil {
			return nil, err
		}
	}
	for _, a := range b.arcs {
		if err := b.addArc(a); err != nil {
			return nil, err
		}
	}
	if err := b.finalMarking(netNode.child("finalmarkings")); err != nil {
		return nil, err
	}
	return b.net, nil
}

// collect gathers the nodes of the net and its (nested) pages.
func (b *builder) collect(n *node) {
	for _, k := range n.kids {
		switch k.name {
		case "page":
			b.collect(k)
		case "place":
			b.place = append(b.place, k)
		case "transition":
			b.trans = append(b.trans, k)
		case "arc":
			b.arcs = append(b.arcs, k)
		case "referencePlace", "referenceTransition":
			id, _ := k.attr("id")
			ref, _ := k.attr("ref")
			b.refs[id] = ref
		}
	}
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

func (b *builder) addArc(n *node) error {
	id, _ := n.attr("id")
	elem := fmt.Sprintf("arc %q", id)
	src, _ := n.attr("source")
	dst, _ := n.attr("target")
	s, ok := b.resolve(src)
	if !ok {
		return &Error{Line: n.line, Element: elem, Reason: fmt.Sprintf("source %q is not a place or transition of the net", src)}
	}
	d, ok := b.resolve(dst)
	if !ok {
		return &Error{Line: n.line, Element: elem, Reason: fmt.Sprintf("target %q is not a place or transition of the net", dst)}
	}
	if s.place == d.place {
		return &Error{Line: n.line, Element: elem, Reason: fmt.Sprintf("connects %q and %q, two nodes of the same kind", src, dst)}
	}
	w := 1
	if txt, ok := n.textOf("inscription"); ok {
		var err error
		if w, err = count(txt, 1); err != nil {
			return &Error{Line: n.line, Element: elem, Reason: "inscription: " + err.Error()}
		}
	}
	if typ, ok := n.textOf("arctype"); ok && strings.TrimSpace(typ) != "normal" {
		return &Error{Line: n.line, Element: elem, Reason: fmt.Sprintf("arc type %q is not supported (only normal arcs)", strings.TrimSpace(typ))}
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
