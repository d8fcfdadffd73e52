package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTermSafe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain, ünïcode → ok\tcol\n", "plain, ünïcode → ok\tcol\n"},
		{"\x1b[2Jclear", `\x1b[2Jclear`},
		{"over\rwrite", `over\x0dwrite`},
		{"bell\a del\x7f", `bell\x07 del\x7f`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"bidi \u202egnp.exe", `bidi \u202egnp.exe`},
		{"bad \xff utf8", `bad \xff utf8`},
	} {
		var b bytes.Buffer
		ts := &termSafe{w: &b}
		// Byte by byte: a character split across writes is kept whole.
		for i := range len(tc.in) {
			if n, err := ts.Write([]byte{tc.in[i]}); n != 1 || err != nil {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		ts.Flush()
		if b.String() != tc.want {
			t.Errorf("%q → %q, want %q", tc.in, b.String(), tc.want)
		}
		if got := termText(tc.in); got != tc.want {
			t.Errorf("termText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestJSONSafeKeepsTheValue(t *testing.T) {
	in := map[string]string{"a": "\x1b[2J \u009b \u202e \x7f ok"}
	var b bytes.Buffer
	if err := writeJSON(&b, in); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b\u009b\u202e\x7f") {
		t.Errorf("raw control characters in JSON: %q", b.String())
	}
	var back map[string]string
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back["a"] != in["a"] {
		t.Errorf("round trip: %v, %q", err, back)
	}
}

// Issue 9, item 10: text output shows terminal escape sequences from the
// data escaped, never raw; JSON keeps the exact value.
func TestTextOutputEscapesControlCharacters(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "evil.csv")
	evil := "Evil\x1b]52;c;cHduZWQ=\x07\x1b[2J\u202e"
	content := "case,activity,timestamp,resource\n" +
		"1,Start,2024-01-01T00:00:00Z,r\u009b1\n" +
		"1," + evil + ",2024-01-01T01:00:00Z,r2\n"
	if err := os.WriteFile(csv, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "w.duckdb")
	if _, errOut, code := pmx(t, "import", csv, "--db", db, "--name", "evil\x1b[31m"); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	for _, args := range [][]string{
		{"logs", "--db", db},
		{"stats", "--db", db, "--log", "evil\x1b[31m"},
		{"variants", "--db", db, "--log", "evil\x1b[31m"},
		{"dfg", "--db", db, "--log", "evil\x1b[31m"},
		{"analyze", csv},
		{"bottlenecks", csv},
		{"conformance", csv, "--algo", "imf"},
		{"discover", csv, "--algo", "heuristics"},
		{"stats", "--db", db, "--log", "no such\x1b[2J"}, // the error line
	} {
		out, errOut, _ := pmx(t, args...)
		if strings.ContainsAny(out+errOut, "\x1b\x07\u009b\u202e") {
			t.Errorf("pmx %s printed raw control characters: %q %q", args[0], out, errOut)
		}
	}
	out, _, _ := pmx(t, "stats", "--db", db, "--log", "evil\x1b[31m")
	if !strings.Contains(out, `\x1b[2J`) {
		t.Errorf("stats does not show the escaped activity: %q", out)
	}
	out, _, _ = pmx(t, "stats", "--db", db, "--log", "evil\x1b[31m", "--json")
	var s struct {
		ActivityCounts map[string]int64 `json:"activity_counts"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.ActivityCounts[evil] != 1 {
		t.Errorf("stats --json lost the exact activity name: %v %v", err, s.ActivityCounts)
	}
}
