package table

import (
	"bytes"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{nil, ""},
		{"x", "x"},
		{int64(-3), "-3"},
		{2654207.439, "2654207.439"},
		{1e-7, "1e-07"},
		{1e20, "1e+20"},
		{true, "true"},
		{time.Date(2024, 1, 2, 3, 4, 5, 600000000, time.FixedZone("X", 3600)), "2024-01-02T02:04:05.6Z"},
		{[]any{"a", int64(1), nil}, `["a",1,null]`},
		{map[string]any{"b": 1.5, "a": math.NaN()}, `{"a":null,"b":1.5}`},
		{[]byte{0xff, 0x00}, `\xff00`},
		{big.NewInt(3000), "3000"},
	} {
		if got := Text(tc.v); got != tc.want {
			t.Errorf("Text(%#v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestWrite(t *testing.T) {
	cols := []string{"name", "n", "note"}
	rows := [][]any{{"a", int64(1), nil}, {"bb", int64(22), "x\ny"}}
	for _, tc := range []struct{ format, want string }{
		{"table", "name   n  note\n----  --  ----\na      1  NULL\nbb    22  x\\ny\n(2 rows)\n"},
		{"csv", "name,n,note\na,1,\nbb,22,\"x\ny\"\n"},
		{"json", "[\n  {\"name\": \"a\", \"n\": 1, \"note\": null},\n  {\"name\": \"bb\", \"n\": 22, \"note\": \"x\\ny\"}\n]\n"},
	} {
		var b bytes.Buffer
		if err := Write(&b, tc.format, cols, rows); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.format, b.String(), tc.want)
		}
	}
	var b bytes.Buffer
	if err := Write(&b, "json", cols, nil); err != nil || b.String() != "[]\n" {
		t.Errorf("no rows: %q, %v", b.String(), err)
	}
	if err := Write(&b, "xml", cols, nil); err == nil || !strings.Contains(err.Error(), "table, csv, json") {
		t.Errorf("unknown format: %v", err)
	}
}
