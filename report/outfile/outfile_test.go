package outfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	duck := make([]byte, 64)
	copy(duck[8:], "DUCK")
	must(t, os.WriteFile(db, duck, 0o644))
	other := filepath.Join(dir, "other.duckdb")
	must(t, os.WriteFile(other, duck, 0o644))
	in := filepath.Join(dir, "in.xes")
	must(t, os.WriteFile(in, []byte("<log/>"), 0o644))
	must(t, os.Symlink(in, filepath.Join(dir, "link.xes")))
	must(t, os.Link(in, filepath.Join(dir, "hard.xes")))
	must(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	var g Guard
	g.ProtectWarehouse(db)
	g.Protect(in, "the input log")
	t.Chdir(dir)
	for _, tc := range []struct {
		out       string
		protected bool // ErrProtected, else another error or nil
		ok        bool
	}{
		{"w.duckdb", true, false},
		{db, true, false},
		{"./sub/../w.duckdb", true, false},
		{"w.duckdb.wal", true, false}, // does not exist yet
		{"in.xes", true, false},
		{"link.xes", true, false}, // a symlink to the input
		{"hard.xes", true, false}, // a hard link to the input
		{"other.duckdb", true, false},
		{"sub", false, false},
		{"report.html", false, true},
		{"sub/report.html", false, true},
	} {
		err := g.Check(tc.out)
		if got := errors.Is(err, ErrProtected); got != tc.protected || (err == nil) != tc.ok {
			t.Errorf("Check(%q) = %v; want protected %v, ok %v", tc.out, err, tc.protected, tc.ok)
		}
	}
}

// A refused or failed write leaves every file as it was; a good one
// replaces the target whole.
func TestWriteIsAtomic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "r.html")
	must(t, os.WriteFile(out, []byte("old"), 0o644))
	boom := errors.New("boom")
	err := Write(out, nil, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "old" {
		t.Errorf("after a failed write the file holds %q", b)
	}
	if err := WriteBytes(out, nil, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); string(b) != "new" {
		t.Errorf("file holds %q", b)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", fi.Mode())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	var g Guard
	g.Protect(out, "the input")
	if err := WriteBytes(out, &g, []byte("x")); !errors.Is(err, ErrProtected) {
		t.Errorf("protected write: %v", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "new" {
		t.Errorf("a refused write changed the file: %q", b)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
