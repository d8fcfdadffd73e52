package event

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

func TestAppendStringIsValidJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quo"te`, `back\slash`, "nl\nt\tcr\r", "\x00\x1f", "émoji 😀", "bad\xffutf8", "</script>"} {
		b := AppendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q → %s: %v", s, b, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Errorf("%q round-tripped to %q", s, back)
		}
	}
}

func TestAppendNumber(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"12", "12"}, {"-0.5", "-0.5"}, {"1e10", "1e10"}, {"1.5E-3", "1.5E-3"},
		{"NaN", `"NaN"`}, {"+1", `"+1"`}, {".5", `".5"`}, {"01", `"01"`}, {"0x1F", `"0x1F"`}, {"1.", `"1."`}, {"", `""`},
	} {
		if got := string(AppendNumber(nil, c.in)); got != c.want {
			t.Errorf("AppendNumber(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestObject(t *testing.T) {
	var o Object
	if o.Bytes() != nil {
		t.Fatal("empty object must be nil (stored as NULL)")
	}
	o.String("a", "x")
	o.Raw("n", []byte("3"))
	if got := string(o.Bytes()); got != `{"a":"x","n":3}` {
		t.Fatalf("object = %s", got)
	}
	o.Reset()
	o.String("k", "v")
	if got := string(o.Bytes()); got != `{"k":"v"}` || o.Len() != 1 {
		t.Fatalf("after reset = %s", got)
	}
}

type collect struct {
	events, cases int64
	recs          []arrow.Record
}

func (c *collect) Events(r arrow.Record) error {
	c.events += r.NumRows()
	c.recs = append(c.recs, r)
	return nil
}
func (c *collect) Cases(r arrow.Record) error         { c.cases += r.NumRows(); r.Release(); return nil }
func (c *collect) Reject(int64, string, string) error { return nil }

func TestBuilderBatchesAndNulls(t *testing.T) {
	c := &collect{}
	b := NewBuilder(c, 2)
	defer b.Release()
	for i := 0; i < 5; i++ {
		e := Event{Case: "c", Activity: "A", Time: int64(i), Start: NoTime, Seq: int64(i)}
		if i == 1 {
			e.Start, e.Resource, e.Lifecycle, e.Attrs = 0, "r", "start", []byte(`{"x":1}`)
		}
		if err := b.Append(&e); err != nil {
			t.Fatal(err)
		}
	}
	b.AppendCase("c", nil)
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if c.events != 5 || len(c.recs) != 3 || c.cases != 1 {
		t.Fatalf("events %d in %d batches, cases %d; want 5 in 3, 1", c.events, len(c.recs), c.cases)
	}
	r := c.recs[0]
	if !r.Schema().Equal(Schema) {
		t.Fatalf("schema %v", r.Schema())
	}
	if !r.Column(ColStart).IsNull(0) || r.Column(ColStart).IsNull(1) || !r.Column(ColResource).IsNull(0) {
		t.Fatal("optional columns: absent values must be NULL, present ones not")
	}
	if got := r.Column(ColAttrs).(*array.String).Value(1); got != `{"x":1}` {
		t.Fatalf("attrs = %s", got)
	}
	for _, rec := range c.recs {
		rec.Release()
	}
}

func TestIsStandardLifecycle(t *testing.T) {
	for v, want := range map[string]bool{"complete": true, "COMPLETE": true, "Start": true, "ate_abort": true,
		"In Progress": false, "": false, "completed": false} {
		if IsStandardLifecycle(v) != want {
			t.Errorf("IsStandardLifecycle(%q) = %v", v, !want)
		}
	}
}

func TestIsJSONNumberRange(t *testing.T) {
	for s, want := range map[string]bool{"1e999": false, "-1e308": true, "123456789012345678901234567890": true, "1.5": true} {
		if IsJSONNumber(s) != want || IsJSONNumber([]byte(s)) != want {
			t.Errorf("IsJSONNumber(%q) = %v, want %v", s, !want, want)
		}
	}
}
