package main

import (
	"context"
	"fmt"

	"github.com/pmx-dev/pmx/ingest/ocel"
)

func runFlatten(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "flatten", "--log OCEL --object-type TYPE --name NEW [flags]")
	db := fs.String("db", defaultDB, "warehouse file")
	log := fs.String("log", "", "object-centric log to flatten")
	typ := fs.String("object-type", "", "object type whose objects become the cases")
	name := fs.String("name", "", "name of the new log (default: LOG-TYPE)")
	replace := fs.Bool("replace", false, "replace a log of the same name")
	asJSON := fs.Bool("json", false, "print JSON (schema in README)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q: %w", pos[0], errUsage)
	}
	if *log == "" || *typ == "" {
		return fmt.Errorf("--log and --object-type are required: %w", errUsage)
	}
	if *name == "" {
		*name = *log + "-" + *typ
	}
	w, g, ok, err := ocelLog(ctx, *db, *log, nil)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("log %q in %s: %w or not there (import an OCEL file with pmx import; pmx logs lists the logs and their formats)", *log, *db, errNotOCEL)
	}
	defer w.Close()
	info, err := ocel.Flatten(ctx, w, g, *typ, *name, *replace)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, info)
	}
	fmt.Fprintf(e.stdout, "flattened %q on object type %q as %q: %s events, %s cases (objects with events)\n",
		*log, *typ, info.Name, thousands(info.Events), thousands(info.Cases))
	return nil
}
