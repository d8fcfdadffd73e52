package pnml

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/pmx-dev/pmx/mining/internal/testlogs"
)

// FuzzRead checks that Read never panics, that every failure is an *Error,
// and that whatever it accepts writes and reads back to the same net.
func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	if err := Write(&buf, sample()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`<pnml><net id="n"><page id="p"><place id="a"/><transition id="t"/><arc id="x" source="a" target="t"/></page></net></pnml>`))
	f.Add([]byte(`<pnml><net id="n"><referencePlace id="r" ref="r"/><arc source="r" target="r"/></net></pnml>`))
	f.Add([]byte("hello"))
	f.Add([]byte(`<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"/></definitions>`))
	f.Add([]byte(`<pnml><net id="n"><page id="p"><place id="a"><initialMarking><text>8589934592</text></initialMarking></place></page></net></pnml>`))
	f.Add([]byte(`<pnml><net id="n"><page id="p"><place id="a"><initialMarking><text>2147483647</text></initialMarking></place></page></net></pnml>`))
	if data, err := os.ReadFile(testlogs.ReferenceFile("running-example", "imf.pnml")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Read(bytes.NewReader(data))
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is %T, not *Error", err, err)
			}
			return
		}
		if err := n.Validate(); err != nil {
			t.Fatalf("accepted an invalid net: %v", err)
		}
		var out bytes.Buffer
		if err := Write(&out, n); err != nil {
			t.Fatal(err)
		}
		back, err := Read(&out)
		if err != nil {
			t.Fatalf("re-reading our own output: %v\n%s", err, out.String())
		}
		if !reflect.DeepEqual(back, n) {
			t.Fatalf("round trip changed the net:\n%+v\n%+v", n, back)
		}
	})
}
