package bpmn

import (
	"encoding/xml"
	"fmt"
	"math"
	"strconv"

	"github.com/pmx-dev/pmx/mining/internal/xmltext"
)

// diDiagram is one <BPMNDiagram>: the shapes and edges of its plane, by the
// bpmnElement they draw (the first shape or edge of an element wins).
type diDiagram struct {
	line   int
	id     string
	plane  string // the plane's bpmnElement: a process, collaboration or subprocess
	shapes map[string]*Bounds
	edges  map[string][]Point
}

// inDiagram reads the diagram interchange: the plane, its shapes with
// their dc:Bounds and its edges with their di:waypoints. Labels
// (BPMNLabel, with bounds of their own) and styles are passed over.
func (r *docReader) inDiagram(t xml.StartElement, f *xmlFrame, parent xmlFrame) error {
	name, space := t.Name.Local, t.Name.Space
	d := parent.diag
	switch {
	case parent.kind == xDiagram && space == nsBPMNDI && name == "BPMNPlane":
		if d.plane == "" {
			d.plane = xmlAttr(t, "bpmnElement")
		}
		f.kind = xPlane
	case parent.kind == xPlane && space == nsBPMNDI && (name == "BPMNShape" || name == "BPMNEdge"):
		f.di = xmlAttr(t, "bpmnElement")
		f.kind = xShape
		if name == "BPMNEdge" {
			f.kind = xEdge
			if _, seen := d.edges[f.di]; seen {
				f.di = "" // a second edge of the flow: the first one's waypoints stay
			} else if f.di != "" {
				d.edges[f.di] = []Point{}
			}
		}
	case parent.kind == xShape && space == nsDC && name == "Bounds":
		var v [4]float64
		for i, a := range [4]string{"x", "y", "width", "height"} {
			x, err := diCoordinate(t, a, f.line)
			if err != nil {
				return err
			}
			v[i] = x
		}
		if _, seen := d.shapes[parent.di]; !seen && parent.di != "" {
			d.shapes[parent.di] = &Bounds{X: v[0], Y: v[1], W: v[2], H: v[3]}
		}
	case parent.kind == xEdge && space == nsDI && name == "waypoint":
		x, err := diCoordinate(t, "x", f.line)
		if err != nil {
			return err
		}
		y, err := diCoordinate(t, "y", f.line)
		if err != nil {
			return err
		}
		if parent.di != "" {
			d.edges[parent.di] = append(d.edges[parent.di], Point{x, y})
		}
	}
	return nil
}

// diCoordinate is a finite number attribute of a DI element. NaN and the
// infinities are refused: they mean nothing on a canvas and cannot be
// written as JSON.
func diCoordinate(t xml.StartElement, name string, line int) (float64, error) {
	s := xmlAttr(t, name)
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		s = xmltext.Excerpt([]byte(s))
		return 0, &Error{Line: line, Element: t.Name.Local, Reason: fmt.Sprintf("%s=%q is not a finite number", name, s)}
	}
	return x, nil
}
