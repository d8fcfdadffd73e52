package xmltext

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestCharsetReader(t *testing.T) {
	for _, c := range []struct {
		label, in, want, err string
	}{
		{"UTF-8", "Prüfung", "Prüfung", ""},
		{"us-ascii", "plain", "plain", ""},
		{"ISO-8859-1", "Pr\xfcfung \xa9", "Prüfung ©", ""},
		{"latin1", strings.Repeat("\xe9", 5000), strings.Repeat("é", 5000), ""}, // over one 4 KiB chunk
		{"UTF-16", "", "", `unsupported encoding "UTF-16"`},
	} {
		r, err := CharsetReader(c.label, iotest.OneByteReader(strings.NewReader(c.in)))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err %v, want %q", c.label, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.label, err)
		}
		got, err := io.ReadAll(r)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %q, %v; want %q", c.label, got, err, c.want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"hello world  \nsecond line", "hello world"},
		{"\ufeff", ""},
		{strings.Repeat("a", 39) + "é and more", strings.Repeat("a", 39) + "…"}, // not cut inside é
		{strings.Repeat("b", 40), strings.Repeat("b", 40)},
	} {
		if got := Excerpt([]byte(c.in)); got != c.want {
			t.Errorf("Excerpt(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
