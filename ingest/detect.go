package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/pmx-dev/pmx/ingest/gunzip"
)

// ErrUnsupportedFormat reports a file pmx recognises but cannot import, or
// does not recognise at all.
var ErrUnsupportedFormat = errors.New("unsupported format")

// supported is how every format refusal ends, so a person knows what works.
const supported = "pmx imports XES (.xes, .xes.gz), CSV (.csv, .csv.gz) and Parquet (.parquet)"

// DetectFormat tells a file's format from its content: the first bytes
// (looked through gzip) decide, and the name only breaks the tie for plain
// text, which is read as CSV. Formats pmx knows but does not import (OCEL
// JSON, XML and SQLite, DuckDB databases, PNML and BPMN models, ZIP
// archives such as Excel workbooks, other binary files) get an error
// wrapping ErrUnsupportedFormat that names what the file is and what pmx
// imports, so a wrong file never reaches a reader that would misread it.
func DetectFormat(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head, _ := br.Peek(512)
	if len(head) == 0 {
		return "", fmt.Errorf("%s: empty file", path)
	}
	if format, what, decided := sniffBinary(head); decided {
		if what != "" {
			return "", fmt.Errorf("%s: %w: the file is %s; %s", path, ErrUnsupportedFormat, what, supported)
		}
		return format, nil
	}
	text := head
	if gunzip.IsGzip(head) {
		gz, err := gunzip.NewReader(br)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		buf := make([]byte, 4096)
		n, _ := io.ReadFull(gz, buf)
		if n == 0 {
			return "", fmt.Errorf("%s: empty file (after gunzip)", path)
		}
		text = buf[:n]
		if _, what, decided := sniffBinary(text); decided {
			if what == "" {
				what = "a gzip-compressed Parquet file (Parquet is compressed inside; import the file uncompressed)"
			}
			return "", fmt.Errorf("%s: %w: the file is %s; %s", path, ErrUnsupportedFormat, what, supported)
		}
	} else if more, _ := br.Peek(4096); len(more) > len(text) {
		text = more
	}
	format, what := sniffText(text, path)
	if what != "" {
		return "", fmt.Errorf("%s: %w: the file is %s; %s", path, ErrUnsupportedFormat, what, supported)
	}
	return format, nil
}

// sniffBinary recognises files by their magic numbers. decided says the
// magic was recognised: format is set when pmx imports it, what describes
// it when not.
func sniffBinary(head []byte) (format, what string, decided bool) {
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		return FormatParquet, "", true
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")):
		return "", "an SQLite database (an OCEL 2.0 object-centric log?)", true
	case len(head) >= 12 && bytes.Equal(head[8:12], []byte("DUCK")):
		return "", "a DuckDB database (a pmx warehouse is opened with --db, not imported)", true
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "", "a ZIP archive (an Excel workbook? save it as CSV)", true
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		return "", "UTF-16 text (save it as UTF-8)", true
	case bytes.HasPrefix(head, []byte("%PDF")):
		return "", "a PDF document", true
	case bytes.HasPrefix(head, []byte("BZh")), bytes.HasPrefix(head, []byte("\xfd7zXZ\x00")), bytes.HasPrefix(head, []byte("\x28\xb5\x2f\xfd")):
		return "", "compressed with bzip2, xz or zstd (pmx reads gzip only)", true
	}
	return "", "", false
}

// sniffText tells XES from CSV in the first bytes of a text file and names
// the text formats pmx does not import.
func sniffText(b []byte, path string) (format, what string) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
	if isBinary(b) {
		return "", "binary data of a kind pmx does not know"
	}
	t := bytes.TrimLeft(b, " \t\r\n")
	switch {
	case len(t) > 0 && t[0] == '<':
		root := rootElement(t)
		if i := strings.IndexByte(root, ':'); i >= 0 {
			root = root[i+1:]
		}
		switch strings.ToLower(root) {
		case "pnml":
			return "", "a Petri net (PNML), not an event log: use it with pmx conformance --model"
		case "definitions":
			return "", "a BPMN model, not an event log"
		case "log", "":
			// OCEL's XML also has a <log> root, with elements XES never
			// has; "" is a document cut before its root: let XES say why.
			lower := strings.ToLower(string(t))
			if strings.Contains(lower, "<object-types") || strings.Contains(lower, "<objects>") || strings.Contains(lower, "<events>") {
				return "", "an OCEL object-centric log in XML (pmx import reads it as one; other commands need it flattened: pmx flatten)"
			}
			return FormatXES, ""
		}
		return "", "an XML document with root <" + root + ">, not an XES event log (root <log>)"
	case len(t) > 0 && (t[0] == '{' || t[0] == '['):
		if bytes.Contains(t, []byte(`"ocel:`)) || bytes.Contains(t, []byte(`"objectTypes"`)) || bytes.Contains(t, []byte(`"eventTypes"`)) {
			return "", "an OCEL object-centric log in JSON (pmx import reads it as one; other commands need it flattened: pmx flatten)"
		}
		// A CSV whose first column is a JSON-looking value is rare, a
		// .csv name settles it.
		if !strings.HasSuffix(strings.TrimSuffix(strings.ToLower(path), ".gz"), ".csv") {
			return "", "JSON (pmx reads JSON events from Kafka with pmx ingest kafka, not from files)"
		}
	}
	return FormatCSV, ""
}

// isBinary reports data that is not text: more than a tenth of it control
// bytes (NUL included) or bytes that are not UTF-8. A stray NUL in a text
// log is left to the reader, which names its line.
func isBinary(b []byte) bool {
	bad := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 && i < len(b)-3 { // a cut rune at the end is fine
			bad++
		} else if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' {
			bad++
		}
		i += size
	}
	return bad*10 > len(b)
}

// rootElement returns the name of the first element of an XML document,
// skipping the declaration, comments, processing instructions and the
// doctype; "" when the bytes end first.
func rootElement(b []byte) string {
	for {
		i := bytes.IndexByte(b, '<')
		if i < 0 || i+1 >= len(b) {
			return ""
		}
		b = b[i+1:]
		switch {
		case bytes.HasPrefix(b, []byte("!--")):
			j := bytes.Index(b, []byte("-->"))
			if j < 0 {
				return ""
			}
			b = b[j+3:]
			continue
		case b[0] == '?' || b[0] == '!':
			continue
		}
		end := bytes.IndexAny(b, " \t\r\n/>")
		if end < 0 {
			return ""
		}
		return string(b[:end])
	}
}
