package bpmnview

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzSVGNames puts arbitrary text in every name the drawing writes (task,
// event, lane, pool, log-only activity): the SVG stays well-formed XML and
// the text never becomes an element of its own.
func FuzzSVGNames(f *testing.F) {
	for _, s := range []string{"", "<script>alert(1)</script>", `a"b'c&d`, "\x00\x1f\ufffe", "]]><!--", strings.Repeat("long ", 60)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		fx := linear(true)
		p := fx.model.Processes[0]
		p.Name, p.Participant = name, name
		for _, n := range p.Nodes {
			n.Name = name + n.Name
		}
		p.Lanes[0].Name = name
		ov := &Overlay{Process: p.ID, Tasks: []TaskStat{{Node: "B", Name: name, Sync: 1, Skipped: 1, SkipRate: 0.5, Ran: true}},
			LogOnly: []LogOnly{{Activity: name, After: "A", Count: 3}}}
		svg, err := SVG(context.Background(), fx.model, ov)
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(strings.NewReader(svg))
		d.Strict = true
		elements := 0
		for {
			tok, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("not well-formed: %v", err)
			}
			if _, ok := tok.(xml.StartElement); ok {
				elements++
			}
		}
		// The same drawing with a plain name has as many elements: no
		// name added one.
		for _, n := range p.Nodes {
			n.Name = strings.TrimPrefix(n.Name, name)
		}
		p.Name, p.Participant, p.Lanes[0].Name = "x", "x", "x"
		ov.Tasks[0].Name, ov.LogOnly[0].Activity = "x", "x"
		plain, err := SVG(context.Background(), fx.model, ov)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(plain, "<") - strings.Count(plain, "</"); got != elements {
			// Wrapped names add <tspan>s: compare without them.
			if strings.Count(svg, "<tspan")-strings.Count(plain, "<tspan") != elements-got {
				t.Errorf("%d elements with the name, %d without, beyond the lines of wrapped names", elements, got)
			}
		}
	})
}
