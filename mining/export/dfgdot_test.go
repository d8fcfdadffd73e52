package export

import (
	"context"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/dfg"
	"github.com/pmx-dev/pmx/mining/eventlog"
)

func TestDFGDOT(t *testing.T) {
	l := eventlog.FromTraces([][]string{{"a", "b", "c"}, {"a", "c"}, {"a", `say "hi"`, "c"}})
	g, err := dfg.Filter(l, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	dot, err := DFGDOT(g)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"start -> a0", "a0 -> a1", "a2 -> end", `label="3"`, `say \"hi\"`} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %q:\n%s", want, dot)
		}
	}
	svg, err := RenderSVG(context.Background(), dot)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range l.Activities {
		if !strings.Contains(string(svg), strings.ReplaceAll(a, `"`, "&quot;")) {
			t.Errorf("SVG lacks activity %q", a)
		}
	}
	if _, err := DFGDOT(nil); err == nil {
		t.Error("nil graph: no error")
	}
}
