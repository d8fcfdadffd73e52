package outfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ErrProtected is returned for an output path that would overwrite an input,
// the warehouse, or a DuckDB database.
var ErrProtected = errors.New("refusing to overwrite")

// Guard holds the paths a command must not write over: its inputs and its
// warehouse. The zero value protects nothing but DuckDB databases.
type Guard struct {
	paths []protected
}

type protected struct {
	path, what string // absolute, symlinks resolved as far as they exist
	info       os.FileInfo
}

// Protect adds path, described as what ("the warehouse", "the input log"),
// to the paths an output must not replace. An empty path is ignored.
func (g *Guard) Protect(path, what string) {
	if path == "" {
		return
	}
	p := protected{path: resolve(path), what: what}
	p.info, _ = os.Stat(path)
	g.paths = append(g.paths, p)
}

// ProtectWarehouse protects a DuckDB warehouse file and the write-ahead log
// DuckDB keeps next to it (PATH.wal), which may not exist yet: writing a
// report there would make the next open replay garbage.
func (g *Guard) ProtectWarehouse(path string) {
	g.Protect(path, "the warehouse")
	if path != "" {
		g.Protect(path+".wal", "the warehouse's write-ahead log")
	}
}

// Check returns an error wrapping ErrProtected when out is a protected
// path (compared after making both absolute and resolving symbolic links,
// and by file identity, so hard links and other spellings are caught), an
// existing DuckDB database, or a directory.
func (g *Guard) Check(out string) error {
	if out == "" {
		return errors.New("output path is empty")
	}
	abs := resolve(out)
	info, statErr := os.Stat(out)
	for _, p := range g.paths {
		same := abs == p.path
		if !same && statErr == nil && p.info != nil {
			same = os.SameFile(info, p.info)
		}
		if same {
			return fmt.Errorf("%w %s: it is %s; choose another output file", ErrProtected, out, p.what)
		}
	}
	if statErr != nil {
		return nil
	}
	if info.IsDir() {
		return fmt.Errorf("output %s is a directory; give a file name", out)
	}
	if isDuckDB(out) {
		return fmt.Errorf("%w %s: it is a DuckDB database; choose another output file", ErrProtected, out)
	}
	return nil
}

// resolve makes path absolute and resolves symbolic links in as much of it
// as exists (the file itself may not exist yet).
func resolve(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	dir, base := filepath.Split(abs)
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		return filepath.Join(r, base)
	}
	return abs
}

// duckDBMagic sits at byte 8 of every DuckDB database file.
var duckDBMagic = []byte("DUCK")

func isDuckDB(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var head [12]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return false
	}
	return bytes.Equal(head[8:12], duckDBMagic)
}

// Write checks out against g (nil: only the DuckDB and directory checks),
// then calls fill with a temporary file in out's directory and, when fill
// succeeds, syncs it and renames it over out. The file is made readable by
// others (0644): reports and models are meant to be shared.
func Write(out string, g *Guard, fill func(w io.Writer) error) error {
	if g == nil {
		g = &Guard{}
	}
	if err := g.Check(out); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".pmx-*"+filepath.Ext(out))
	if err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	if err := fill(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}

// WritePath is Write for writers that need a file name rather than an
// io.Writer (DuckDB's COPY): fill writes the complete file at tmpPath, a
// temporary name in out's directory, which is then renamed over out.
func WritePath(out string, g *Guard, fill func(tmpPath string) error) error {
	if g == nil {
		g = &Guard{}
	}
	if err := g.Check(out); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".pmx-*"+filepath.Ext(out))
	if err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	name := tmp.Name()
	tmp.Close()
	os.Remove(name) // fill creates it
	defer os.Remove(name)
	if err := fill(name); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := os.Chmod(name, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := os.Rename(name, out); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}

// WriteBytes is Write for content already in memory.
func WriteBytes(out string, g *Guard, data []byte) error {
	return Write(out, g, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
