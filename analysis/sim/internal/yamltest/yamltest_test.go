package yamltest

import "testing"

func TestLines(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want int
	}{
		{[]byte("a: 1"), 1},
		{[]byte("a: 1\nb: 2\n"), 3},
		{[]byte("a\rb\r\nc"), 4}, // CR and CRLF both count: at least as many as YAML sees
		{[]byte("a\u2028b\u0085c"), 3},
		{[]byte{0xff, 0xfe, 'a', 0, '\n', 0, 'b', 0}, 2}, // UTF-16 LE
		{[]byte{0xfe, 0xff, 0, 'a', 0, '\n', 0, 'b'}, 2}, // UTF-16 BE
	} {
		if got := Lines(c.in); got != c.want {
			t.Errorf("Lines(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}
