// Package benchlog builds large benchmark logs from the shared public logs by
// replicating their cases under new case ids, so benchmarks measure pmx on
// real event shapes at ≥ 1M events without committing big files. Files are
// cached in the OS temp directory. Test and benchmark support only.
package benchlog

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// SharedLogs is the shared logs folder relative to a package two levels
// below the repository root (ingest/xes, analysis/facts, ...).
const SharedLogs = "../../../shared/logs"

func cachePath(name string) (string, error) {
	dir := filepath.Join(os.TempDir(), "pmx-bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return filepath.Join(dir, name), nil
}

func readMaybeGz(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if m, _ := br.Peek(2); len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		r = gz
	}
	return io.ReadAll(r)
}

// XESGz returns a cached .xes.gz holding at least minEvents <event>s: the
// traces of src repeated with case ids suffixed "-kN". It returns the number
// of <event> elements written.
func XESGz(src string, minEvents int) (string, int, error) {
	path, err := cachePath(fmt.Sprintf("%s-%d.xes.gz", strings.Split(filepath.Base(src), ".")[0], minEvents))
	if err != nil {
		return "", 0, err
	}
	data, err := readMaybeGz(src)
	if err != nil {
		return "", 0, err
	}
	first := bytes.Index(data, []byte("<trace"))
	last := bytes.LastIndex(data, []byte("</trace>"))
	if first < 0 || last < 0 {
		return "", 0, errors.New("benchlog: " + src + " has no traces")
	}
	last += len("</trace>")
	header, body, trailer := data[:first], data[first:last], data[last:]
	perCopy := bytes.Count(body, []byte("<event"))
	copies := (minEvents + perCopy - 1) / perCopy
	if _, err := os.Stat(path); err == nil {
		return path, copies * perCopy, nil
	}
	traces := bytes.SplitAfter(body, []byte("</trace>"))
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp)
	gz, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	bw := bufio.NewWriterSize(gz, 1<<20)
	bw.Write(header)
	for k := 0; k < copies; k++ {
		suffix := fmt.Sprintf("-k%d", k)
		for _, tr := range traces {
			bw.Write(renameTrace(tr, suffix))
		}
	}
	bw.Write(trailer)
	if err := bw.Flush(); err != nil {
		f.Close()
		return "", 0, err
	}
	if err := gz.Close(); err != nil {
		f.Close()
		return "", 0, err
	}
	if err := f.Close(); err != nil {
		return "", 0, err
	}
	return path, copies * perCopy, os.Rename(tmp, path)
}

// renameTrace appends suffix to the trace's own concept:name: the first one
// before the first <event>.
func renameTrace(tr []byte, suffix string) []byte {
	head := tr
	if i := bytes.Index(tr, []byte("<event")); i >= 0 {
		head = tr[:i]
	}
	k := bytes.Index(head, []byte(`key="concept:name"`))
	if k < 0 {
		return tr
	}
	v := bytes.Index(head[k:], []byte(`value="`))
	if v < 0 {
		return tr
	}
	start := k + v + len(`value="`)
	end := bytes.IndexByte(tr[start:], '"')
	if end < 0 {
		return tr
	}
	out := make([]byte, 0, len(tr)+len(suffix))
	out = append(out, tr[:start+end]...)
	out = append(out, suffix...)
	return append(out, tr[start+end:]...)
}

// CSV returns a cached CSV holding at least minRows data rows: src's rows
// repeated with the case column (caseCol, by header name) suffixed "-kN".
func CSV(src, caseCol string, minRows int) (string, int, error) {
	path, err := cachePath(fmt.Sprintf("%s-%d.csv", strings.Split(filepath.Base(src), ".")[0], minRows))
	if err != nil {
		return "", 0, err
	}
	data, err := readMaybeGz(src)
	if err != nil {
		return "", 0, err
	}
	lines := strings.Split(strings.TrimRight(string(data), "\r\n"), "\n")
	header, rows := lines[0], lines[1:]
	col := -1
	for i, h := range strings.Split(header, ",") {
		if strings.Trim(h, "\"\r") == caseCol {
			col = i
		}
	}
	if col < 0 {
		return "", 0, fmt.Errorf("benchlog: %s has no column %q", src, caseCol)
	}
	copies := (minRows + len(rows) - 1) / len(rows)
	if _, err := os.Stat(path); err == nil {
		return path, copies * len(rows), nil
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp)
	bw := bufio.NewWriterSize(f, 1<<20)
	bw.WriteString(header + "\n")
	for k := 0; k < copies; k++ {
		suffix := fmt.Sprintf("-k%d", k)
		for _, r := range rows {
			// Shared CSVs quote no field before the case column, so a plain
			// split finds it; the rest of the row is copied verbatim.
			fields := strings.SplitN(r, ",", col+2)
			fields[col] += suffix
			bw.WriteString(strings.Join(fields, ","))
			bw.WriteByte('\n')
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return "", 0, err
	}
	if err := f.Close(); err != nil {
		return "", 0, err
	}
	return path, copies * len(rows), os.Rename(tmp, path)
}
