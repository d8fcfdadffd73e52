package kafka

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

var decodeSeeds = []string{
	`{"case:concept:name":"c","concept:name":"A","time:timestamp":"2024-01-01T10:00:00+02:00","x":[1, {"y": "z\n"}]}`,
	`{"case_id":7,"activity":"A","timestamp":1704103200000,"case":"ignored","n":-1.5e3}`,
	`{"case":"c\u00e9","activity":"A\ud83d\ude00","time":"2024-01-01 10:00:00","k\"ey":true}`,
	`{"case":"c","activity":"A","time":1,"bad":01}`,
	`{"case":"c","activity":"A","time":1} x`,
	`{"case":"c","activity":"A","time":1,"s":"tab	inside"}`,
	`{"case":"c","activity":"A","time":1,"deep":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
	`{}`, `[]`, `"x"`, ``, `{"a":}`, `{"a" 1}`, `{"a":1,}`, "{\"a\":\"\xff\"}",
	`{"case":"c","activity":"A","time":1,"s":"\ud800"}`, `{"case":"c","activity":"A","time":1,"s":"\udfff"}`,
	`{"case":"c","activity":"A","time":1,"s":"\ud800\u0041"}`, `{"case":"c","activity":"A","time":1,"\udbff":1}`,
	`{"case":"c","activity":"A","time":1,"s":["\ud800x"]}`, `{"case":"c","activity":"A","time":1,"s":"\ud800\`,
}

// TestDecodedAttrsAreDuckDBJSON: attrs reach DuckDB's JSON column without
// being checked again (see warehouse.RowGroupRows), so whatever decode
// accepts must be JSON to DuckDB too.
func TestDecodedAttrsAreDuckDBJSON(t *testing.T) {
	w, err := warehouse.Open(context.Background(), warehouse.InMemory)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	d := newDecoder(Mapping{})
	msgs := append([]string{
		`{"case":"c","activity":"A","time":1,"s":"\ud83d\ude00 \uDBFF\uDFFF \u0000 \/","n":1e999,"m":-0.0E+1}`,
		`{"case":"c","activity":"A","time":1,"\u00e9\ud83d\ude00":{"k":[true,false,null,"\""]}}`,
		string(benchMsg),
	}, decodeSeeds...)
	accepted := 0
	for _, m := range msgs {
		var e event.Event
		if d.decode([]byte(m), &e) != nil || e.Attrs == nil {
			continue
		}
		accepted++
		var back string
		if err := w.DB().QueryRow(`SELECT ?::JSON::VARCHAR`, string(e.Attrs)).Scan(&back); err != nil {
			t.Errorf("%s: decode accepted attrs %s that DuckDB refuses: %v", m, e.Attrs, err)
		}
	}
	if accepted < 5 {
		t.Fatalf("only %d messages accepted", accepted)
	}
}

// Whatever the bytes, decode never panics; it accepts only what
// encoding/json accepts as a JSON object, and the attributes it stores are
// valid JSON.
func FuzzDecode(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	d := newDecoder(Mapping{})
	f.Fuzz(func(t *testing.T, msg []byte) {
		var e event.Event
		err := d.decode(msg, &e)
		var obj map[string]json.RawMessage
		stdErr := json.Unmarshal(msg, &obj)
		if err == nil {
			if stdErr != nil || obj == nil {
				t.Fatalf("accepted %q, which encoding/json rejects (%v)", msg, stdErr)
			}
			if e.Attrs != nil && !json.Valid(e.Attrs) {
				t.Fatalf("attrs %q of %q are not valid JSON", e.Attrs, msg)
			}
			if e.Case == "" || e.Activity == "" {
				t.Fatalf("accepted %q without case or activity", msg)
			}
		}
		if strings.Contains(string(msg), "\\u") {
			return // encoding/json accepts lone surrogates; strictness there is not the point
		}
		if stdErr != nil && err == nil {
			t.Fatalf("accepted invalid JSON %q", msg)
		}
	})
}

func TestDecodeTable(t *testing.T) {
	d := newDecoder(Mapping{})
	for _, c := range []struct{ in, want string }{
		{decodeSeeds[0], `{"x":[1,{"y":"z\n"}]}`},
		{decodeSeeds[1], `{"n":-1.5e3,"case":"ignored"}`},
		{decodeSeeds[2], `{"k\"ey":true}`},
	} {
		var e event.Event
		if err := d.decode([]byte(c.in), &e); err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		var got, want any
		json.Unmarshal(e.Attrs, &got)
		json.Unmarshal([]byte(c.want), &want)
		if gj, _ := json.Marshal(got); string(gj) != func() string { b, _ := json.Marshal(want); return string(b) }() {
			t.Errorf("%s: attrs %s, want %s", c.in, e.Attrs, c.want)
		}
	}
	var e event.Event
	d.decode([]byte(decodeSeeds[2]), &e)
	if e.Case != "cé" || e.Activity != "A😀" {
		t.Fatalf("escapes: case %q activity %q", e.Case, e.Activity)
	}
	for _, bad := range decodeSeeds[3:] {
		if strings.Contains(bad, "deep") {
			continue
		}
		if err := d.decode([]byte(bad), &e); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
