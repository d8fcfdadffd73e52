package gunzip

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
)

func member(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestReader(t *testing.T) {
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for _, tc := range []struct {
		name string
		in   []byte
		want string
		err  string // substring of the error, "" for none
	}{
		{"one member", member("hello"), "hello", ""},
		{"two members", cat(member("hel"), member("lo")), "hello", ""},
		{"zero padding", cat(member("hello"), make([]byte, 4096)), "hello", ""},
		{"padding between members", cat(member("hel"), make([]byte, 7), member("lo")), "hello", ""},
		{"empty member", cat(member(""), member("x")), "x", ""},
		{"trailing garbage", cat(member("hello"), []byte("garbage")), "hello", "data after the end of the compressed stream"},
		{"garbage after padding", cat(member("hello"), make([]byte, 3), []byte{1}), "hello", "data after the end"},
		{"truncated", member("hello world")[:15], "", "truncated"},
		{"bad checksum", func() []byte { b := member("hello"); b[len(b)-8] ^= 1; return b }(), "", "checksum"},
	} {
		r, err := NewReader(bytes.NewReader(tc.in))
		var got []byte
		if err == nil {
			got, err = io.ReadAll(r)
		}
		if tc.err == "" {
			if err != nil || string(got) != tc.want {
				t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Count(err.Error(), "gzip:") != 1 {
			t.Errorf("%s: err %v; want one 'gzip:' and %q", tc.name, err, tc.err)
		}
	}
	if _, err := NewReader(strings.NewReader("not gzip")); err == nil || strings.Count(err.Error(), "gzip:") != 1 {
		t.Errorf("bad header: %v", err)
	}
}

func TestErrorsKeepTheirCause(t *testing.T) {
	r, _ := NewReader(bytes.NewReader(member("hello world")[:15]))
	_, err := io.ReadAll(r)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncation does not wrap io.ErrUnexpectedEOF: %v", err)
	}
}
