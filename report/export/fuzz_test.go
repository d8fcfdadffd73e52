package export

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"testing"
)

// FuzzXESAttributes: whatever JSON an attribute column holds, the XES
// writer does not panic and writes well-formed XML (or returns an error).
func FuzzXESAttributes(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":1.5e3,"b":true,"c":"x<&>\"'"}`, `{"d":"2024-01-01T10:00:00.000000Z"}`,
		`{"l":[{"key":"k","value":1},{"key":"s","value":"v"}]}`, `{"n":{"value":"v","children":{"c":2}}}`, `{"c":{"x":{"y":[]}}}`,
		`{"e":"\u001b\u0000\ufffe"}`, `{"k\u0001<":null}`, `[1]`, `{`, `{"a":[1,{"key":1}]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, attrs string) {
		var b bytes.Buffer
		x := &xesWriter{w: bufio.NewWriter(&b)}
		x.s("<event>\n")
		if err := x.object(2, attrs, eventKeys); err != nil {
			return
		}
		x.s("</event>\n")
		if x.err != nil {
			t.Fatal(x.err)
		}
		x.w.Flush()
		dec := xml.NewDecoder(bytes.NewReader(b.Bytes()))
		for {
			if _, err := dec.Token(); err != nil {
				if errors.Is(err, io.EOF) {
					return
				}
				t.Fatalf("%q gives XML that is not well-formed: %v\n%s", attrs, err, b.String())
			}
		}
	})
}
