package bpmn

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const convertDir = "../../testdata/bpmn/convert"

// TestConvertFiles reads each BPMN file of testdata/bpmn/convert and
// converts its process. The file's opening comment says what to expect,
// one line each: "want traces: A,B | C" (the net's language up to 6 steps;
// an empty entry is the empty trace), "want warning: …" (a substring of one
// warning; without such lines there must be none) or "want error: …" (a
// substring of Net's error). A new case is a new file.
func TestConvertFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(convertDir, "*.bpmn"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files in %s (%v)", convertDir, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			doc, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var traces0, wantErr string
			var warnings []string
			for _, line := range strings.Split(string(doc), "\n") {
				if v, ok := strings.CutPrefix(line, "want traces:"); ok {
					traces0 = v
				} else if v, ok := strings.CutPrefix(line, "want warning:"); ok {
					warnings = append(warnings, strings.TrimSpace(v))
				} else if v, ok := strings.CutPrefix(line, "want error:"); ok {
					wantErr = strings.TrimSpace(v)
				}
			}
			m, err := Read(bytes.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			conv, err := m.Net("")
			if wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), wantErr) {
					t.Fatalf("error %v, want one saying %q", err, wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, tr := range strings.Split(traces0, "|") {
				want = append(want, strings.Join(strings.Fields(strings.ReplaceAll(tr, ",", " ")), ","))
			}
			slices.Sort(want)
			if got := traces(conv.Net, 6); !slices.Equal(got, want) {
				t.Errorf("language %q, want %q", got, want)
			}
			if len(warnings) != len(conv.Warnings) {
				t.Errorf("warnings %q, want %d", conv.Warnings, len(warnings))
			}
			for _, w := range warnings {
				if !slices.ContainsFunc(conv.Warnings, func(s string) bool { return strings.Contains(s, w) }) {
					t.Errorf("no warning says %q: %q", w, conv.Warnings)
				}
			}
		})
	}
}
