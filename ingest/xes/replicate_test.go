package xes

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/klauspost/compress/gzip"
)

// Test-only: builds large XES files for benchmarks by replicating the
// traces of a real log under new case ids.

// traceName finds the case id written first in a trace, as OpenXES and
// PM4Py write it; replicate checks that every trace has one.
var traceName = regexp.MustCompile(`<trace>\s*<string key="concept:name" value="`)

// replicateXES writes to dst (gzip) the log src (plain or gzip) with its
// traces repeated, case ids prefixed "rK-" in copy K, until it holds at
// least minEvents events. It returns the number of events written.
func replicateXES(dst, src string, minEvents int64) (int64, error) {
	raw, err := readMaybeGzip(src)
	if err != nil {
		return 0, err
	}
	first := bytes.Index(raw, []byte("<trace"))
	last := bytes.LastIndex(raw, []byte("</trace>"))
	if first < 0 || last < 0 {
		return 0, fmt.Errorf("%s: no traces", src)
	}
	last += len("</trace>")
	header, traces, footer := raw[:first], raw[first:last], raw[last:]
	perCopy := int64(bytes.Count(traces, []byte("<event>")))
	ntraces := bytes.Count(traces, []byte("<trace>"))
	if perCopy == 0 || len(traceName.FindAllIndex(traces, -1)) != ntraces {
		return 0, fmt.Errorf("%s: traces do not start with their concept:name", src)
	}
	tmp := dst + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp)
	zw, err := gzip.NewWriterLevel(f, gzip.DefaultCompression)
	if err != nil {
		return 0, err
	}
	var events int64
	if _, err := zw.Write(header); err != nil {
		return 0, err
	}
	for k := 0; events < minEvents; k++ {
		prefix := []byte(fmt.Sprintf("${0}r%d-", k))
		if _, err := zw.Write(traceName.ReplaceAll(traces, prefix)); err != nil {
			return 0, err
		}
		events += perCopy
	}
	if _, err := zw.Write(footer); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	return events, os.Rename(tmp, dst)
}

func readMaybeGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if filepath.Ext(path) == ".gz" {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		r = zr
	}
	return io.ReadAll(r)
}
