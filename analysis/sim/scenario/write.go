package scenario

import (
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// Write writes sc as a scenario file that Parse reads back to the same
// changes (pmx optimize writes its recommendations this way, to be
// re-run, compared and edited with pmx simulate --scenario).
func Write(w io.Writer, sc *Scenario) error {
	type file struct {
		Name    string           `yaml:"name"`
		Changes []map[string]any `yaml:"changes"`
	}
	f := file{Name: sc.Name}
	for _, c := range sc.Changes {
		v, err := c.yamlValue()
		if err != nil {
			return fmt.Errorf("scenario %s: %w", sc.Name, err)
		}
		f.Changes = append(f.Changes, map[string]any{c.Kind: v})
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return err
	}
	return enc.Close()
}

// yamlValue is the change's value in the file format of Parse.
func (c Change) yamlValue() (any, error) {
	type kv = map[string]any
	switch c.Kind {
	case "resources":
		switch {
		case c.Set != nil:
			return kv{"pool": c.Pool, "set": *c.Set}, nil
		case c.Drop > 0:
			return kv{"pool": c.Pool, "remove": c.Drop}, nil
		}
		return kv{"pool": c.Pool, "add": c.Add}, nil
	case "calendar":
		return kv{"pool": c.Pool, "hours": c.Hours}, nil
	case "automate", "remove":
		return c.Activity, nil
	case "duration", "delay":
		if c.Dist != nil {
			return kv{"activity": c.Activity, "dist": c.Dist}, nil
		}
		return kv{"activity": c.Activity, "scale": c.Scale}, nil
	case "remove_rework":
		if c.Activity == "" {
			return true, nil
		}
		return c.Activity, nil
	case "arrivals":
		out := kv{}
		if c.Scale > 0 {
			out["scale"] = c.Scale
		}
		if len(c.Weekdays) > 0 {
			out["weekdays"] = c.Weekdays
		}
		return out, nil
	case "routing":
		return kv{"after": c.Activity, "to": c.To}, nil
	case "cost":
		return kv{"pool": c.Pool, "per_hour": *c.PerHour}, nil
	case "move":
		return kv{"from": c.From, "to": c.Pool, "count": c.Add}, nil
	case "extend_hours":
		return kv{"pool": c.Pool, "hours": c.Scale}, nil
	case "reorder":
		return kv{"first": c.Activity, "then": c.Then}, nil
	}
	return nil, fmt.Errorf("unknown change %q", c.Kind)
}
