package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// Issue 9, items 14 and 16: wrong usage exits 2 with one line, whatever
// the command; one input-format flag name everywhere, with a hint for the
// old one; pmx help COMMAND and pmx version work.
func TestUsageErrorsExitTwo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"import", "--format", "csv", "x.csv"}, "--input-format"},
		{[]string{"stats", "--format", "csv", "x.csv"}, "--input-format"},
		{[]string{"stats", "--bogus"}, "bogus"},
		{[]string{"stats"}, "no log"},
		{[]string{"stats", "--log", "a", "x.csv"}, "either --log NAME or a FILE"},
		{[]string{"variants", "--top", "-1", "--log", "a"}, "--top"},
		{[]string{"discover", "--algo", "nope", "--log", "a"}, "--algo"},
		{[]string{"report", "--model-algo", "zz", "--log", "a"}, "--model-algo"},
		{[]string{"conformance", "--log", "a"}, "--model"},
		{[]string{"analyze", "--alpha", "2", "--log", "a"}, "--alpha"},
		{[]string{"import"}, "no FILE"},
		{[]string{"import", "x.csv", "--timezone", "Mars/Olympus"}, "--timezone"},
		{[]string{"logs", "extra"}, "unexpected argument"},
		{[]string{"version", "extra"}, "unexpected argument"},
		{[]string{"help", "nosuch"}, "unknown command"},
		{[]string{"nosuch"}, "unknown command"},
	} {
		_, errOut, code := pmx(t, tc.args...)
		if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("pmx %s: code %d, stderr %q; want exit 2 and one line with %q", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
}

func TestHelpCommand(t *testing.T) {
	out, errOut, code := pmx(t, "help", "import")
	if code != 0 || !strings.HasPrefix(out, "Usage: pmx import") || !strings.Contains(out, "-input-format") || errOut != "" {
		t.Errorf("help import: code %d, %q %q", code, out, errOut)
	}
	out, _, code = pmx(t, "help")
	if code != 0 {
		t.Fatalf("help: %d", code)
	}
	// Every summary in the command list starts in the same column.
	col := -1
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "  ") || strings.TrimSpace(line) == "" {
			continue
		}
		name := strings.Fields(line)[0]
		i := strings.Index(line[2+len(name):], strings.Fields(line[2+len(name):])[0]) + 2 + len(name)
		if col >= 0 && i != col {
			t.Errorf("misaligned command list at %q (column %d, want %d)", line, i, col)
		}
		col = i
	}
	if !strings.Contains(out, "version") {
		t.Error("help does not list version")
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, errOut, code := pmx(t, args...)
		if code != 0 || !strings.HasPrefix(out, "pmx ") || !strings.Contains(out, "DuckDB v") || !strings.Contains(out, "go1.") {
			t.Errorf("%v: code %d, %q %q", args, code, out, errOut)
		}
	}
	out, _, _ := pmx(t, "version", "--json")
	var v versionInfo
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.DuckDB == "" || v.Go == "" || v.Version == "" {
		t.Errorf("version --json: %v %s", err, out)
	}
}
