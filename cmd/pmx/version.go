package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// versionInfo is what pmx version prints (--json: this value).
type versionInfo struct {
	Version  string `json:"version"`            // module version, "(devel)" for a build from a checkout
	Revision string `json:"revision,omitempty"` // VCS commit the binary was built from
	Time     string `json:"time,omitempty"`     // commit time
	Modified bool   `json:"modified,omitempty"` // built with uncommitted changes
	Go       string `json:"go"`
	DuckDB   string `json:"duckdb"`
}

func runVersion(ctx context.Context, e *env, args []string) error {
	flags := newFlags(e, "version", "[--json]")
	asJSON := flags.Bool("json", false, "print JSON: {version, revision, time, modified, go, duckdb}")
	if pos, err := parse(flags, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q: %w", pos[0], errUsage)
	}
	v := versionInfo{Version: "(unknown)", Go: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v.Version = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Revision = s.Value
			case "vcs.time":
				v.Time = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	var err error
	if v.DuckDB, err = warehouse.EngineVersion(ctx); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, v)
	}
	fmt.Fprintf(e.stdout, "pmx %s", v.Version)
	if v.Revision != "" {
		rev := v.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		fmt.Fprintf(e.stdout, " (%s, %s", rev, v.Time)
		if v.Modified {
			fmt.Fprint(e.stdout, ", modified")
		}
		fmt.Fprint(e.stdout, ")")
	}
	fmt.Fprintf(e.stdout, "\n%s, DuckDB %s\n", v.Go, v.DuckDB)
	return nil
}
