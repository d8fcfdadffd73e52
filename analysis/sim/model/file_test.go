package model_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/internal/yamltest"
	"github.com/pmx-dev/pmx/analysis/sim/model"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// prosimos is the model the Prosimos comparison simulates (tree mode, three
// pools with split working days, eight members each at graded speeds).
const prosimos = "../../../testdata/sim/prosimos/pmx-model.yaml"

func read(t testing.TB, path string) *model.Model {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Read(bytes.NewReader(b), path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return m
}

func write(t testing.TB, m *model.Model) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := model.Write(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// week repeats day's 24 hourly rates on Monday to Friday and gives the
// weekend its own.
func week(day, sat, sun []float64) []float64 {
	var out []float64
	for range 5 {
		out = append(out, day...)
	}
	return append(append(out, sat...), sun...)
}

func fill(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func d(kind string, f func(*dist.Dist)) *dist.Dist {
	x := &dist.Dist{Kind: kind}
	if f != nil {
		f(x)
	}
	return x
}

// variantsModel is testdata/variants.yaml built in Go: every field of the
// format, every kind of distribution, p_zero, delays before, after and by
// priority, durations by priority, pool_by, pool and member calendars with
// zones and holidays, a quoted name and a fractional variant weight.
func variantsModel() *model.Model {
	return &model.Model{
		Version:  1,
		Name:     "demo: incidents & more",
		Fitted:   &model.FitInfo{Log: "demo-incidents", Cases: 1200, From: "2026-01-05T08:00:00Z", To: "2026-03-30T17:00:00Z", Starts: "recorded"},
		Timezone: "Europe/Amsterdam",
		Arrivals: model.Arrivals{
			PerHour: week([]float64{0, 0, 0, 0, 0, 0, 0, 0.5, 2, 3.5, 4, 3, 2.25, 3, 3.5, 3, 2, 1, 0.5, 0, 0, 0, 0, 0},
				append(append(fill(9, 0), fill(4, 0.25)...), fill(11, 0)...), fill(24, 0)),
			Gaps: dist.Dist{Kind: dist.Gamma, Shape: 0.8, Scale: 1.25},
		},
		Routing: model.Routing{Mode: model.Variants, Variants: []model.Variant{
			{Activities: []string{"Open", "Classify", "Resolve", "Close"}, Cases: 512, Attributes: map[string]string{"priority": "P3", "category": "Network"}},
			{Activities: []string{"Open", "Classify", "Investigate", "Resolve", "Close"}, Cases: 301.5, Attributes: map[string]string{"priority": "P1", "category": "Database"}},
			{Activities: []string{"Open", "Classify", "Investigate", "Wait for customer", "Investigate", "Resolve", "Close"}, Cases: 80, Attributes: map[string]string{"priority": "P2"}},
			{Activities: []string{"Open", "Auto-close"}, Cases: 0.25},
		}},
		Priority: &model.Priority{Attribute: "priority", Order: []string{"P1", "P2", "P3", "P4"}},
		Acts: model.Activities{
			"Open":       {Duration: dist.Dist{Kind: dist.Fixed}},
			"Auto-close": {Duration: dist.Dist{Kind: dist.Fixed, Value: 30.5, PZero: 0.1}},
			"Classify": {
				Pool:     "First line",
				Duration: dist.Dist{Kind: dist.LogNormal, Mu: 6.2, Sigma: 0.9},
				Delay:    d(dist.Exponential, func(x *dist.Dist) { x.Mean, x.PZero = 7200, 0.6 }),
				DelayAfter: map[string]*dist.Dist{
					"":     d(dist.Fixed, func(x *dist.Dist) { x.Value = 60 }),
					"Open": d(dist.Exponential, func(x *dist.Dist) { x.Mean = 300 }),
				},
				DelayByPriority: map[string]*dist.Dist{"P1": d(dist.Exponential, func(x *dist.Dist) { x.Mean = 600 })},
				DurationByPriority: map[string]*dist.Dist{
					"P1": d(dist.Gamma, func(x *dist.Dist) { x.Shape, x.Scale = 2, 300 }),
					"P4": d(dist.Weibull, func(x *dist.Dist) { x.Shape, x.Scale = 1.5, 900 }),
				},
			},
			"Investigate": {
				Pool:       "Second line",
				PoolBy:     &model.PoolBy{Attribute: "category", Pools: map[string]string{"Database": "DBA", "Network & WiFi": "Second line"}},
				Duration:   dist.Dist{Kind: dist.Weibull, Shape: 0.7, Scale: 5400},
				DelayAfter: map[string]*dist.Dist{"Wait for customer": d(dist.Empirical, func(x *dist.Dist) { x.Quantiles = []float64{0, 60, 600, 3600, 86400} })},
			},
			"Wait for customer": {
				Duration: dist.Dist{Kind: dist.Fixed},
				Delay:    d(dist.Empirical, func(x *dist.Dist) { x.Quantiles, x.PZero = []float64{3600, 7200, 172800}, 0.05 }),
			},
			"Resolve": {Pool: "Second line", Duration: dist.Dist{Kind: dist.Gamma, Shape: 1.2, Scale: 1800}},
			"Close":   {Pool: "First line", Duration: dist.Dist{Kind: dist.Exponential, Mean: 120, PZero: 0.3}},
		},
		Pools: model.Pools{
			"First line": {
				CostPerHour: 35,
				Calendar: &model.Calendar{Timezone: "Europe/Amsterdam", Hours: map[string][]string{"mon-fri": {"08:00-12:00", "12:30-18:00"}, "sat": {"09:00-12:00"}},
					Holidays: []string{"2026-04-06", "2026-12-25"}},
				Resources: []*model.Resource{
					{Name: "Anna", Speed: 1.1},
					{Name: "Bram"},
					{Name: "Céline 'the quick'", Speed: 0.85, Calendar: &model.Calendar{Timezone: "UTC", Hours: map[string][]string{"mon-wed": {"09:00-17:00"}}}},
				},
			},
			"Second line": {
				CostPerHour: 52.5,
				Calendar:    &model.Calendar{Hours: map[string][]string{"mon-fri": {"07:00-19:00"}}},
				Resources:   []*model.Resource{{Name: "Dirk"}, {Name: "Eva", Speed: 1.25}},
			},
			"DBA": {Resources: []*model.Resource{{Name: "Fatima #1"}}},
		},
	}
}

// treeModel is testdata/tree.yaml built in Go: a process tree with a
// choice, a parallel block and a loop, attributes drawn independently of
// the path, priority, pool_by and a pool calendar in another zone.
func treeModel() *model.Model {
	return &model.Model{
		Version:  1,
		Name:     "tree-demo",
		Timezone: "UTC",
		Arrivals: model.Arrivals{PerHour: fill(model.HoursPerWeek, 1.5), Gaps: dist.Dist{Kind: dist.Exponential, Mean: 1}},
		Routing: model.Routing{
			Mode: model.Tree,
			Tree: "->( 'Open', X( 'Classify', tau ), +( 'Investigate', 'Notify' ), *( 'Resolve', 'Reopen' ), 'Close' )",
			Probabilities: &model.Probabilities{
				Choice: map[string][]float64{"0.1": {0.8, 0.2}},
				Redo:   map[string]float64{"0.3": 0.15},
				Attributes: map[string]map[string]float64{
					"priority": {"P1": 1, "P2": 3, "P3": 6},
					"category": {"Network": 0.5, "Database": 0.5},
				},
			},
		},
		Priority: &model.Priority{Attribute: "priority", Order: []string{"P1", "P2", "P3"}},
		Acts: model.Activities{
			"Open":     {Duration: dist.Dist{Kind: dist.Fixed}},
			"Classify": {Pool: "Desk", Duration: dist.Dist{Kind: dist.LogNormal, Mu: 5.5, Sigma: 0.4}},
			"Investigate": {
				Pool: "Desk", PoolBy: &model.PoolBy{Attribute: "category", Pools: map[string]string{"Database": "DBA"}},
				Duration:           dist.Dist{Kind: dist.Gamma, Shape: 2, Scale: 900},
				DurationByPriority: map[string]*dist.Dist{"P1": d(dist.Gamma, func(x *dist.Dist) { x.Shape, x.Scale = 2, 450 })},
			},
			"Notify":  {Duration: dist.Dist{Kind: dist.Fixed, Value: 1}, Delay: d(dist.Weibull, func(x *dist.Dist) { x.Shape, x.Scale = 2, 60 })},
			"Resolve": {Pool: "Desk", Duration: dist.Dist{Kind: dist.Empirical, Quantiles: []float64{60, 120, 600}}},
			"Reopen": {Pool: "Desk", Duration: dist.Dist{Kind: dist.Exponential, Mean: 60},
				DelayByPriority: map[string]*dist.Dist{"P3": d(dist.Fixed, func(x *dist.Dist) { x.Value = 3600 })}},
			"Close": {Pool: "Desk", Duration: dist.Dist{Kind: dist.Fixed, Value: 30}},
		},
		Pools: model.Pools{
			"Desk": {Calendar: &model.Calendar{Timezone: "America/New_York", Hours: map[string][]string{"mon-fri": {"09:00-17:00"}}},
				Resources: []*model.Resource{{Name: "a"}, {Name: "b"}}},
			"DBA": {CostPerHour: 80, Resources: []*model.Resource{{Name: "c"}}},
		},
	}
}

// A hand-written file reads to exactly the model built in Go; Write gives
// the golden file (go test -update rewrites it); that reads back to the
// same model and writes byte for byte the same again. The Prosimos model
// (no Go twin) must survive the same trip, and a model built in Go (the
// way fit makes one) passes Validate and survives it too, as does its
// Clone.
func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		file   string
		golden string
		want   *model.Model // nil: no Go twin
	}{
		{"testdata/variants.yaml", "testdata/variants.golden.yaml", variantsModel()},
		{"testdata/tree.yaml", "testdata/tree.golden.yaml", treeModel()},
		{"testdata/net.yaml", "testdata/net.golden.yaml", nil},
		{"testdata/small.yaml", "", nil},
		{prosimos, "", nil},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			m := read(t, tc.file)
			if tc.want != nil {
				if err := tc.want.Validate(); err != nil {
					t.Fatalf("the Go model does not validate: %v", err)
				}
				if !reflect.DeepEqual(m, tc.want) {
					t.Fatalf("read %s:\n%s\nwant (built in Go)\n%s", tc.file, write(t, m), write(t, tc.want))
				}
				if got := write(t, tc.want); !bytes.Equal(got, write(t, m)) {
					t.Errorf("the Go model and the file's write differently:\n%s", got)
				}
			}
			if err := m.Validate(); err != nil {
				t.Fatalf("a model Read accepted fails Validate: %v", err)
			}
			simulate(t, m)
			out := write(t, m)
			if !bytes.HasPrefix(out, []byte("# pmx simulation model")) {
				t.Errorf("Write lost its header comment:\n%.200s", out)
			}
			if tc.golden != "" {
				if *update {
					if err := os.WriteFile(tc.golden, out, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(tc.golden)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out, want) {
					t.Errorf("Write differs from %s (go test -update rewrites it):\n%s", tc.golden, out)
				}
			}
			back, err := model.Read(bytes.NewReader(out), "written.yaml")
			if err != nil {
				t.Fatalf("Write's output does not read back: %v\n%s", err, out)
			}
			if !reflect.DeepEqual(back, m) {
				t.Errorf("Write → Read changed the model:\n%s", write(t, back))
			}
			if again := write(t, back); !bytes.Equal(again, out) {
				t.Errorf("the second Write differs from the first:\n%s\nfirst:\n%s", again, out)
			}
			c := m.Clone()
			if got := write(t, c); !bytes.Equal(got, out) {
				t.Errorf("Clone writes differently:\n%s", got)
			}
		})
	}
}

// Clone is deep: changing everything a scenario changes in the copy leaves
// the original as it was.
func TestCloneIsDeep(t *testing.T) {
	for _, m := range []*model.Model{variantsModel(), treeModel()} {
		before := write(t, m)
		c := m.Clone()
		c.Fitted = nil
		c.Arrivals.PerHour[10] = 99
		for i := range c.Routing.Variants {
			c.Routing.Variants[i].Activities[0] = "X"
			c.Routing.Variants[i].Cases = 7
			for k := range c.Routing.Variants[i].Attributes {
				c.Routing.Variants[i].Attributes[k] = "changed"
			}
		}
		if p := c.Routing.Probabilities; p != nil {
			p.Choice["0.1"][0] = 0.5
			p.Redo["0.3"] = 0.9
			p.Attributes["priority"]["P1"] = 100
		}
		c.Priority.Order[0] = "P9"
		for _, a := range c.Acts {
			a.Pool = "changed"
			a.Duration.Mu = 42
			if a.Delay != nil {
				a.Delay.Mean = 42
			}
			for _, by := range []map[string]*dist.Dist{a.DelayAfter, a.DelayByPriority, a.DurationByPriority} {
				for _, x := range by {
					x.Value = 42
				}
			}
			if a.PoolBy != nil {
				a.PoolBy.Pools["Database"] = "changed"
			}
		}
		for _, p := range c.Pools {
			p.CostPerHour = 1
			if p.Calendar != nil {
				for k := range p.Calendar.Hours {
					p.Calendar.Hours[k][0] = "00:00-01:00"
				}
			}
			for _, r := range p.Resources {
				r.Name, r.Speed = "changed", 3
				if r.Calendar != nil {
					r.Calendar.Hours["mon-wed"][0] = "00:00-01:00"
				}
			}
		}
		if after := write(t, m); !bytes.Equal(after, before) {
			t.Errorf("changing the clone changed the original:\n%s", after)
		}
	}
}

// A model of a large log (tens of thousands of variants, several MiB) reads:
// the limit is 64 MiB, and a file above it is refused naming the file.
func TestReadLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 64 MiB file")
	}
	m := variantsModel()
	for i := range 20_000 {
		m.Routing.Variants = append(m.Routing.Variants, model.Variant{Activities: []string{"Open", "Classify", "Investigate", "Resolve", "Close"},
			Cases: float64(i + 1), Attributes: map[string]string{"priority": "P3", "category": fmt.Sprintf("category %d", i)}})
	}
	big := write(t, m)
	if len(big) < 2<<20 {
		t.Fatalf("the large model is only %d bytes", len(big))
	}
	back, err := model.Read(bytes.NewReader(big), "large.yaml")
	if err != nil {
		t.Fatalf("a %d-byte model: %v", len(big), err)
	}
	if len(back.Routing.Variants) != len(m.Routing.Variants) {
		t.Fatalf("%d variants read, %d written", len(back.Routing.Variants), len(m.Routing.Variants))
	}
	huge := append(bytes.Repeat([]byte("# padding\n"), (64<<20)/10+1), big...)
	_, err = model.Read(bytes.NewReader(huge), "huge.yaml")
	var e *model.Error
	if !errors.As(err, &e) || e.Name != "huge.yaml" || !strings.Contains(e.Reason, "64 MiB") {
		t.Fatalf("a file over 64 MiB: %v", err)
	}
}

// edit is a change to testdata/small.yaml (see its numbered lines in the
// cases below): old is replaced by new once.
type edit struct{ old, new string }

const smallVariants = "  variants:\n    - {activities: [A, B], cases: 3, attributes: {kind: x}}\n    - {activities: [B], cases: 1}\n"

// tree replaces small.yaml's variants by a process tree over A and B.
func tree(t, probabilities string) edit {
	s := fmt.Sprintf("  tree: %q\n", t)
	if probabilities != "" {
		s += "  probabilities: " + probabilities + "\n"
	}
	return edit{"  mode: variants\n" + smallVariants, "  mode: tree\n" + s}
}

// readErrorCases are bad model files: each names its line, the field (the
// path through the file, or "yaml"/"model" for what the YAML library
// reports, whose reason then names the field) and the reason.
var readErrorCases = []struct {
	name  string
	src   string // whole file; "" = small.yaml with edits
	edits []edit
	line  int
	field string
	want  string // in the reason
}{
	// YAML syntax and shape.
	{"empty file", "\n", nil, 1, "model", "empty document; want version"},
	{"only a comment", "# nothing here\n", nil, 1, "model", "empty document"},
	{"unclosed flow list", "", []edit{{"mode: variants", "mode: [variants"}}, 14, "yaml", "did not find expected ',' or ']'"},
	{"tab indentation", "", []edit{{"  A:\n", "\tA:\n"}}, 19, "yaml", "found character that cannot start any token"},
	{"mis-indented key", "", []edit{{"    pool: Desk\n", "     pool: Desk\n"}}, 21, "yaml", "did not find expected key"},
	{"unclosed quote", "", []edit{{"- {name: a}", "- {name: \"a}"}}, 28, "yaml", "found unexpected end of stream"},
	{"unclosed brace at the end", "version: 1\narrivals: {", nil, 2, "yaml", "did not find expected node content"},
	{"unclosed list at the end", "version: 1\narrivals: {per_hour: [1, 2\n", nil, 2, "yaml", "did not find expected ',' or ']'"},
	{"CR line ends", "version: 1\rarrivals: {\r", nil, 2, "yaml", "did not find expected node content"},
	{"UTF-16 with LS", "\xfe\xff\x00v\x00:\x00 \x001\x20\x28\x00a\x00:\x00 \x00{", nil, 2, "yaml", "did not find expected node content"},
	{"only a document marker", "---", nil, 1, "version", "0: this pmx reads version 1"},
	{"a second document", "", []edit{{"  B:\n", "---\n  B:\n"}}, 22, "model", "more than one YAML document"},
	{"a list, not a mapping", "- version: 1\n", nil, 1, "model", "cannot unmarshal !!seq into model.Model"},
	{"a scalar, not a mapping", "hello\n", nil, 1, "model", "cannot unmarshal !!str `hello` into model.Model"},
	{"duplicate key", "", []edit{{"timezone: UTC\n", "timezone: UTC\ntimezone: UTC\n"}}, 3, "model", `mapping key "timezone" already defined at line 2`},
	// Unknown fields and wrong types.
	{"unknown top-level field", "", []edit{{"timezone: UTC\n", "timezone: UTC\ntimezones: UTC\n"}}, 3, "model", "field timezones not found in Model"},
	{"unknown activity field", "", []edit{{"    pool: Desk", "    poool: Desk"}}, 20, "model", "field poool not found in Activity"},
	{"unknown distribution field", "", []edit{{"{dist: fixed, value: 0}", "{dist: fixed, value: 0, colour: red}"}}, 23, "model", "field colour not found in a distribution"},
	{"unknown resource field", "", []edit{{"{name: a}", "{name: a, skill: 3}"}}, 28, "model", "field skill not found in Resource"},
	{"text for a number", "", []edit{{"cases: 3,", "cases: three,"}}, 16, "model", "cannot unmarshal !!str `three` into float64"},
	{"text for the version", "", []edit{{"version: 1", "version: one"}}, 1, "model", "cannot unmarshal !!str `one` into int"},
	{"a mapping for a list", "", []edit{{"[A, B]", "{A: B}"}}, 16, "model", "cannot unmarshal !!map into []string"},
	{"a list for a distribution", "", []edit{{"duration: {dist: fixed, value: 0}", "duration: [fixed, 0]"}}, 23, "model", "cannot unmarshal !!seq into dist.Dist"},
	// Top level and arrivals.
	{"empty mapping", "{}\n", nil, 1, "version", "0: this pmx reads version 1"},
	{"wrong version", "", []edit{{"version: 1", "version: 2"}}, 1, "version", "2: this pmx reads version 1"},
	{"unknown zone", "", []edit{{"timezone: UTC", "timezone: Mars/Olympus"}}, 2, "timezone", `"Mars/Olympus" is not an IANA time zone`},
	{"167 rates", "", []edit{{"1, 1]", "1]"}}, 4, "arrivals.per_hour", "167 values; want 168"},
	{"negative rate", "", []edit{{"1, 1]", "1, -1]"}}, 4, "arrivals.per_hour", "value 167 (-1) must be a rate ≥ 0"},
	{"NaN rate", "", []edit{{"1, 1]", "1, .nan]"}}, 4, "arrivals.per_hour", "value 167 (NaN) must be a rate ≥ 0"},
	{"infinite rate", "", []edit{{"1, 1]", "1, .inf]"}}, 4, "arrivals.per_hour", "value 167 (+Inf) must be a rate ≥ 0"},
	{"no arrivals", "", []edit{{perHour("1"), perHour("0")}}, 4, "arrivals.per_hour", "no arrivals in the whole week"},
	{"zero mean gap", "", []edit{{"gaps: {dist: exponential, mean: 1}", "gaps: {dist: exponential, mean: 0}"}}, 12, "arrivals.gaps", "exponential: mean 0: want > 0 seconds"},
	{"gaps always zero", "", []edit{{"gaps: {dist: exponential, mean: 1}", "gaps: {dist: fixed, value: 0}"}}, 12, "arrivals.gaps", "mean gap must be > 0"},
	// Distributions.
	{"unknown distribution", "", []edit{{"dist: lognormal", "dist: normal"}}, 21, "activities.A.duration", `unknown dist "normal"; want one of [fixed exponential lognormal gamma weibull empirical]`},
	{"no distribution", "", []edit{{"    duration: {dist: lognormal, mu: 6, sigma: 0.5}\n", ""}}, 19, "activities.A.duration", "no dist given"},
	{"negative sigma", "", []edit{{"sigma: 0.5", "sigma: -0.5"}}, 21, "activities.A.duration", "lognormal: mu 6, sigma -0.5: want finite values, sigma ≥ 0"},
	{"NaN mu", "", []edit{{"mu: 6", "mu: .nan"}}, 21, "activities.A.duration", "lognormal: mu NaN, sigma 0.5"},
	{"negative fixed value", "", []edit{{"{dist: fixed, value: 0}", "{dist: fixed, value: -1}"}}, 23, "activities.B.duration", "fixed: value -1: want a duration ≥ 0 seconds"},
	{"gamma without scale", "", []edit{{"{dist: fixed, value: 0}", "{dist: gamma, shape: 2}"}}, 23, "activities.B.duration", "gamma: shape 2, scale 0: want both > 0"},
	{"infinite weibull scale", "", []edit{{"{dist: fixed, value: 0}", "{dist: weibull, shape: 2, scale: .inf}"}}, 23, "activities.B.duration", "weibull: shape 2, scale +Inf"},
	{"descending quantiles", "", []edit{{"{dist: fixed, value: 0}", "{dist: empirical, quantiles: [5, 3]}"}}, 23, "activities.B.duration", "empirical: quantiles must be finite, ≥ 0 and ascending (at 1: 3)"},
	{"one quantile", "", []edit{{"{dist: fixed, value: 0}", "{dist: empirical, quantiles: [5]}"}}, 23, "activities.B.duration", "want at least 2 quantiles"},
	{"p_zero above 1", "", []edit{{"{dist: fixed, value: 0}", "{dist: fixed, value: 0, p_zero: 1.5}"}}, 23, "activities.B.duration", "p_zero 1.5: want a probability in [0, 1]"},
	{"NaN delay", "", []edit{{"    pool: Desk\n", "    pool: Desk\n    delay: {dist: exponential, mean: .nan}\n"}}, 21, "activities.A.delay", "exponential: mean NaN: want > 0 seconds"},
	{"delay after an unknown activity", "", []edit{{"    duration: {dist: fixed, value: 0}\n", "    duration: {dist: fixed, value: 0}\n    delay_after: {Z: {dist: fixed, value: 1}}\n"}}, 24, "activities.B.delay_after.Z", `activity "Z" is not under activities ("A", "B")`},
	{"delay after without a distribution", "", []edit{{"    duration: {dist: fixed, value: 0}\n", "    duration: {dist: fixed, value: 0}\n    delay_after: {A: ~}\n"}}, 24, "activities.B.delay_after.A", "empty; want a distribution"},
	{"delay by priority without a priority", "", []edit{{"    duration: {dist: fixed, value: 0}\n", "    duration: {dist: fixed, value: 0}\n    delay_by_priority: {P1: {dist: fixed, value: 1}}\n"}}, 24, "activities.B.delay_by_priority", "needs the model's priority"},
	{"bad duration by priority", "", []edit{{"activities:\n", "priority: {attribute: kind, order: [x]}\nactivities:\n"}, {"    duration: {dist: fixed, value: 0}\n", "    duration: {dist: fixed, value: 0}\n    duration_by_priority: {x: {dist: gamma, shape: -1, scale: 1}}\n"}}, 25, "activities.B.duration_by_priority.x", "gamma: shape -1"},
	{"empty activity", "", []edit{{"  B:\n    duration: {dist: fixed, value: 0}\n", "  B:\n"}}, 22, "activities.B", "empty; want pool, duration and delay"},
	// Pools and calendars.
	{"pool not defined", "", []edit{{"pool: Desk", "pool: Dsk"}}, 20, "activities.A.pool", `no pool "Dsk" (pools: "Desk")`},
	{"pool_by to a pool not defined", "", []edit{{"    pool: Desk\n", "    pool: Desk\n    pool_by: {attribute: kind, pools: {x: Nowhere}}\n"}}, 21, "activities.A.pool_by.pools.x", `no pool "Nowhere" (pools: "Desk")`},
	{"pool_by an attribute no case carries", "", []edit{{"    pool: Desk\n", "    pool: Desk\n    pool_by: {attribute: team, pools: {x: Desk}}\n"}}, 21, "activities.A.pool_by.attribute", `no case carries "team"`},
	{"pool_by without a pool", "", []edit{{"    pool: Desk\n", "    pool_by: {attribute: kind, pools: {x: Desk}}\n"}}, 20, "activities.A.pool_by", "needs pool"},
	{"pool without resources", "", []edit{{"    resources:\n      - {name: a}\n      - {name: b, speed: 1.2}\n", "    resources: []\n"}}, 20, "activities.A.pool", `pool "Desk" has no resources, so A could never start`},
	{"empty pool", "", []edit{{"  Desk:\n    calendar: {hours: {mon-fri: [\"09:00-17:00\"]}}\n    resources:\n      - {name: a}\n      - {name: b, speed: 1.2}\n", "  Desk:\n"}}, 25, "pools.Desk", "empty; want resources"},
	{"negative cost", "", []edit{{"    calendar:", "    cost_per_hour: -5\n    calendar:"}}, 26, "pools.Desk.cost_per_hour", "-5: want ≥ 0"},
	{"hour 25", "", []edit{{"09:00-17:00", "09:00-25:00"}}, 26, "pools.Desk.calendar", `hours.mon-fri: bad interval "09:00-25:00": "25:00": hours run 00-23`},
	{"interval across midnight", "", []edit{{"09:00-17:00", "17:00-09:00"}}, 26, "pools.Desk.calendar", `interval "17:00-09:00" does not end after it starts`},
	{"hours without minutes", "", []edit{{"09:00-17:00", "9-5"}}, 26, "pools.Desk.calendar", `bad interval "9-5": "9" is not a time of day (want HH:MM)`},
	{"unknown weekday", "", []edit{{"mon-fri", "mon-fry"}}, 26, "pools.Desk.calendar", `hours: unknown day "fry" in "mon-fry"`},
	{"no working time", "", []edit{{"{hours: {mon-fri: [\"09:00-17:00\"]}}", "{hours: {}}"}}, 26, "pools.Desk.calendar", "hours: no working time in the week"},
	{"bad holiday", "", []edit{{"{hours: {mon-fri: [\"09:00-17:00\"]}}", "{hours: {mon-fri: [\"09:00-17:00\"]}, holidays: [\"2026-02-30\"]}"}}, 26, "pools.Desk.calendar", `holidays: "2026-02-30" is not a date (want YYYY-MM-DD)`},
	{"unknown calendar zone", "", []edit{{"{hours:", "{timezone: Europe/Amsterdm, hours:"}}, 26, "pools.Desk.calendar", `timezone: unknown time zone "Europe/Amsterdm"`},
	{"bad member calendar", "", []edit{{"{name: b, speed: 1.2}", "{name: b, calendar: {hours: {sun: [\"12:00-12:00\"]}}}"}}, 29, "pools.Desk.resources.1.calendar", "does not end after it starts"},
	{"resource twice", "", []edit{{"{name: b, speed: 1.2}", "{name: a}"}}, 29, "pools.Desk.resources.1", `resource "a" is listed twice`},
	{"resource without a name", "", []edit{{"{name: b, speed: 1.2}", "{speed: 1}"}}, 29, "pools.Desk.resources.1", "a resource needs a name"},
	{"negative speed", "", []edit{{"speed: 1.2", "speed: -1"}}, 29, "pools.Desk.resources.1.speed", "-1: want > 0 (1 = typical)"},
	{"NaN speed", "", []edit{{"speed: 1.2", "speed: .nan"}}, 29, "pools.Desk.resources.1.speed", "NaN: want > 0"},
	// Routing.
	{"unknown mode", "", []edit{{"mode: variants", "mode: graph"}}, 14, "routing.mode", `"graph": want variants, tree or net`},
	{"no variants", "", []edit{{smallVariants, ""}}, 13, "routing.variants", "no variants"},
	{"unknown activity in a variant", "", []edit{{"[A, B]", "[A, C]"}}, 16, "routing.variants.0.activities.1", `activity "C" is not under activities ("A", "B")`},
	{"negative weight", "", []edit{{"cases: 3,", "cases: -3,"}}, 16, "routing.variants.0.cases", "-3: want a weight > 0"},
	{"NaN weight", "", []edit{{"cases: 1}", "cases: .nan}"}}, 17, "routing.variants.1.cases", "NaN: want a weight > 0"},
	{"infinite weight", "", []edit{{"cases: 1}", "cases: .inf}"}}, 17, "routing.variants.1.cases", "+Inf: want a weight > 0"},
	{"tree that does not parse", "", []edit{tree("->( 'A', X( 'B', tau )", "")}, 15, "routing.tree", "process tree: expected ',' or ')'"},
	{"tree with an unknown activity", "", []edit{tree("->( 'A', 'C' )", "{}")}, 15, "routing.tree", `activity "C" is not under activities`},
	{"tree without probabilities", "", []edit{tree("->( 'A', X( 'B', tau ) )", "")}, 13, "routing.probabilities", "missing: mode tree needs choice probabilities"},
	{"choice without probabilities", "", []edit{tree("->( 'A', X( 'B', tau ) )", "{choice: {}}")}, 16, "routing.probabilities", "choice 0.1 (an X with 2 children): no probabilities"},
	{"probabilities for the wrong number of children", "", []edit{tree("->( 'A', X( 'B', tau ) )", `{choice: {"0.1": [1]}}`)}, 16, "routing.probabilities", "choice 0.1: 1 probabilities for 2 children"},
	{"negative probability", "", []edit{tree("->( 'A', X( 'B', tau ) )", `{choice: {"0.1": [0.7, -0.7]}}`)}, 16, "routing.probabilities", "choice 0.1: weight -0.7: want a finite value ≥ 0"},
	{"probabilities summing to 0", "", []edit{tree("->( 'A', X( 'B', tau ) )", `{choice: {"0.1": [0, 0]}}`)}, 16, "routing.probabilities", "choice 0.1: weights sum to 0"},
	{"infinite probability", "", []edit{tree("->( 'A', X( 'B', tau ) )", `{choice: {"0.1": [.inf, 1]}}`)}, 16, "routing.probabilities", "choice 0.1: weight +Inf"},
	{"redo probability 1", "", []edit{tree("->( 'A', *( 'B', tau ) )", `{redo: {"0.1": 1}}`)}, 16, "routing.probabilities", "loop 0.1: redo probability 1; want one in [0, 1)"},
	{"loop without a redo probability", "", []edit{tree("->( 'A', *( 'B', tau ) )", `{}`)}, 16, "routing.probabilities", "loop 0.1: redo probability 0; want one in [0, 1)"},
	{"inclusive choice", "", []edit{tree("O( 'A', 'B' )", `{}`)}, 16, "routing.probabilities", "inclusive choice (O) cannot be simulated"},
	{"attribute without values", "", []edit{tree("->( 'A', 'B' )", `{attributes: {kind: {}}}`)}, 16, "routing.probabilities", "attributes kind: no values"},
	{"negative attribute weight", "", []edit{tree("->( 'A', 'B' )", `{attributes: {kind: {x: -1, y: 2}}}`)}, 16, "routing.probabilities", "attributes kind: weight -1"},
	{"NaN attribute weight", "", []edit{tree("->( 'A', 'B' )", `{attributes: {kind: {x: .nan}}}`)}, 16, "routing.probabilities", "attributes kind: weight NaN"},
	{"priority without order", "", []edit{{"activities:\n", "priority: {attribute: kind}\nactivities:\n"}}, 18, "priority.order", "missing: list the attribute's values"},
	{"priority without attribute", "", []edit{{"activities:\n", "priority: {order: [x]}\nactivities:\n"}}, 18, "priority.attribute", "missing: name the case attribute"},
}

// perHour is small.yaml's arrival profile with every rate v.
func perHour(v string) string {
	day := strings.TrimSuffix(strings.Repeat(v+", ", 24), ", ")
	return "  per_hour: [\n    " + strings.TrimSuffix(strings.Repeat(day+",\n    ", 7), ",\n    ") + "]\n"
}

func smallFile(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func applyEdits(t testing.TB, src string, edits []edit) string {
	t.Helper()
	for _, e := range edits {
		if !strings.Contains(src, e.old) {
			t.Fatalf("edit: %q is not in the file", e.old)
		}
		src = strings.Replace(src, e.old, e.new, 1)
	}
	return src
}

// Every bad file is refused with *Error values that name the file, the
// line at fault and the field; the first names what the case expects.
func TestReadErrors(t *testing.T) {
	small := smallFile(t)
	if _, err := model.Read(strings.NewReader(small), "m.yaml"); err != nil {
		t.Fatalf("small.yaml itself: %v", err)
	}
	for _, tc := range readErrorCases {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src
			if src == "" {
				src = applyEdits(t, small, tc.edits)
			}
			m, err := model.Read(strings.NewReader(src), "m.yaml")
			if err == nil {
				t.Fatalf("read without error: %+v\n%s", m, src)
			}
			errs := flatten(err)
			for _, e := range errs {
				var me *model.Error
				if !errors.As(e, &me) || me.Name != "m.yaml" || me.Reason == "" {
					t.Errorf("not a *model.Error naming m.yaml: %#v", e)
				}
			}
			var first *model.Error
			for _, e := range errs {
				var me *model.Error
				if errors.As(e, &me) && me.Field == tc.field && strings.Contains(me.Reason, tc.want) {
					first = me
					break
				}
			}
			if first == nil {
				t.Fatalf("got %v\nwant field %s: …%s…", err, tc.field, tc.want)
			}
			if first.Line != tc.line {
				t.Errorf("%v: line %d, want %d", first, first.Line, tc.line)
			}
			if want := fmt.Sprintf("m.yaml:%d: %s: ", tc.line, tc.field); !strings.Contains(err.Error(), want) {
				t.Errorf("message %q does not say %q", err, want)
			}
		})
	}
}

// flatten undoes errors.Join.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// Every problem is reported, not just the first, each at its own line.
func TestReadReportsEveryProblem(t *testing.T) {
	src := applyEdits(t, smallFile(t), []edit{{"version: 1", "version: 3"}, {"sigma: 0.5", "sigma: -1"}, {"[A, B]", "[A, Q]"}, {"speed: 1.2", "speed: -2"}})
	_, err := model.Read(strings.NewReader(src), "m.yaml")
	var got []string
	for _, e := range flatten(err) {
		var me *model.Error
		if errors.As(e, &me) {
			got = append(got, fmt.Sprintf("%d %s", me.Line, me.Field))
		}
	}
	want := []string{"1 version", "21 activities.A.duration", "29 pools.Desk.resources.1.speed", "16 routing.variants.0.activities.1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems %q, want %q (%v)", got, want, err)
	}
}

// Tree probabilities are weights: a choice whose probabilities do not sum
// to 1 is normalised by the simulator, not refused (fit writes sums a
// rounding away from 1).
func TestChoiceWeightsNeedNotSumToOne(t *testing.T) {
	src := applyEdits(t, smallFile(t), []edit{tree("->( 'A', X( 'B', tau ) )", `{choice: {"0.1": [0.7, 0.7]}}`)})
	m, err := model.Read(strings.NewReader(src), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Routing.Probabilities.Choice["0.1"]; !reflect.DeepEqual(got, []float64{0.7, 0.7}) {
		t.Errorf("choice read as %v", got)
	}
}

// FuzzRead feeds arbitrary bytes to Read. It must never panic; an error
// names the file, and each problem in it is a *model.Error with a line
// inside the file (0: unknown); a model it accepts passes Validate,
// compiles and simulates a few cases without panicking, and survives
// Write → Read unchanged (the second Write is byte for byte the first).
//
//	go test -tags duckdb_arrow -run '^$' -fuzz FuzzRead -fuzztime 60s -fuzzminimizetime 3s ./analysis/sim/model/
//
// (Minimising a new input of a few kilobytes at the default 60 s stalls
// the run: a syntax error is located by parsing every prefix of the file.)
func FuzzRead(f *testing.F) {
	for _, p := range []string{"testdata/variants.yaml", "testdata/tree.yaml", "testdata/small.yaml", "testdata/net.yaml", prosimos} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	small := smallFile(f)
	for _, tc := range readErrorCases {
		src := tc.src
		if src == "" {
			src = applyEdits(f, small, tc.edits)
		}
		f.Add([]byte(src))
	}
	netFile, err := os.ReadFile("testdata/net.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, tc := range netErrorCases {
		f.Add([]byte(applyEdits(f, string(netFile), tc.edits)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := model.Read(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			if m != nil {
				t.Fatalf("a model and an error: %v", err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "fuzz.yaml") {
				t.Fatalf("error does not name the file: %q", msg)
			}
			lines := yamltest.Lines(data)
			for _, e := range flatten(err) {
				var me *model.Error
				if !errors.As(e, &me) || me.Name != "fuzz.yaml" || me.Field == "" || me.Reason == "" {
					t.Fatalf("not a complete *model.Error: %#v", e)
				}
				if me.Line < 0 || me.Line > lines {
					t.Fatalf("line %d of a %d-line file: %v", me.Line, lines, me)
				}
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("Read accepted a model Validate refuses: %v", err)
		}
		simulate(t, m)
		out := write(t, m)
		back, err := model.Read(bytes.NewReader(out), "written.yaml")
		if err != nil {
			t.Fatalf("Write's output does not read back: %v\n%s", err, out)
		}
		if again := write(t, back); !bytes.Equal(again, out) {
			t.Fatalf("Write → Read → Write changed the model:\n%s\nfirst:\n%s", again, out)
		}
	})
}

// simulate compiles a model Validate accepts (Compile must too) and runs a
// few cases: a valid model must never crash the engine.
func simulate(t *testing.T, m *model.Model) {
	t.Helper()
	s, err := engine.Compile(m)
	if err != nil {
		t.Fatalf("Validate accepts a model Compile refuses: %v", err)
	}
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).UnixMicro()
	n := 0
	res, err := s.Run(engine.Options{Cases: 3, Start: start, Seed: 1, Emit: func(engine.Instance) { n++ }})
	if errors.Is(err, engine.ErrStuck) {
		return // a net that reads well but is not sound: the run says so
	}
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if res.Instances != n {
		t.Fatalf("%d instances counted, %d emitted", res.Instances, n)
	}
}
