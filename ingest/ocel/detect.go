package ocel

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
)

// Detect tells from a file's first bytes whether it is an OCEL log and in
// which form: FormatSQLite for an SQLite database (OCEL 2.0 is the SQLite
// file pmx imports), FormatJSON for JSON with OCEL members, FormatXML for
// an XML <log> with OCEL elements. "" means not OCEL.
func Detect(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head, _ := bufio.NewReaderSize(f, 8192).Peek(8192)
	return DetectBytes(head), nil
}

// DetectBytes is Detect over a file's first bytes.
func DetectBytes(head []byte) string {
	if bytes.HasPrefix(head, []byte("SQLite format 3\x00")) {
		return FormatSQLite
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(t) > 0 && t[0] == '{':
		if bytes.Contains(t, []byte(`"ocel:`)) || bytes.Contains(t, []byte(`"objectTypes"`)) || bytes.Contains(t, []byte(`"eventTypes"`)) {
			return FormatJSON
		}
	case len(t) > 0 && t[0] == '<':
		lower := bytes.ToLower(t)
		if bytes.Contains(lower, []byte("<object-types")) || bytes.Contains(lower, []byte("<objects>")) ||
			bytes.Contains(lower, []byte("<events>")) || bytes.Contains(lower, []byte("<event-types")) {
			return FormatXML
		}
	}
	return ""
}

// Read reads an OCEL file in the form format (FormatJSON, FormatXML,
// FormatSQLite; "" = Detect).
func Read(ctx context.Context, path, format string) (*Log, error) {
	if format == "" {
		var err error
		if format, err = Detect(path); err != nil {
			return nil, err
		}
	}
	switch format {
	case FormatSQLite:
		return ReadSQLite(ctx, path)
	case FormatJSON, FormatXML:
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if format == FormatJSON {
			return ReadJSON(bufio.NewReader(f), path)
		}
		return ReadXML(bufio.NewReader(f), path)
	}
	return nil, fmt.Errorf("%s: not an OCEL log (JSON, XML or SQLite)", path)
}
