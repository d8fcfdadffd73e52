package compare

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/analysis/stats"
)

// Options tune a comparison.
type Options struct {
	// Alpha is the significance level (default 0.01, as pmx analyze).
	Alpha float64
}

// Result is the JSON of `pmx compare --json`.
type Result struct {
	A     string  `json:"a"`
	B     string  `json:"b"`
	Alpha float64 `json:"alpha"`
	// KPIs: cases, instances per case, throughput time (seconds).
	KPIs []KPI `json:"kpis"`
	// Variants present in either log, by the larger share first.
	Variants []VariantDiff `json:"variants"`
	// Edges of either log's directly-follows graph, by (from, to).
	Edges []EdgeDiff `json:"edges"`
}

// KPI is one figure of both logs. Test names the test behind P ("" when
// the figure has none, as the number of cases).
type KPI struct {
	Name        string  `json:"name"`
	A           float64 `json:"a"`
	B           float64 `json:"b"`
	Diff        float64 `json:"diff"`
	Test        string  `json:"test,omitempty"`
	P           float64 `json:"p"`
	Significant bool    `json:"significant"`
}

// VariantDiff compares a variant's share of cases; P is Pearson's χ² test
// of the 2×2 table (cases of the variant or not, in A or B).
type VariantDiff struct {
	Activities  []string `json:"activities"`
	CasesA      int64    `json:"cases_a"`
	CasesB      int64    `json:"cases_b"`
	ShareA      float64  `json:"share_a"`
	ShareB      float64  `json:"share_b"`
	Diff        float64  `json:"diff"`
	P           float64  `json:"p"`
	Significant bool     `json:"significant"`
}

// EdgeDiff compares a directly-follows edge: how often it occurs per case
// (PerCase; P from χ² on the cases that contain it) and its mean time
// (MeanSeconds; MeanP from Welch's t-test, NaN-free: 1 when either side
// has fewer than two occurrences).
type EdgeDiff struct {
	From            string  `json:"from"`
	To              string  `json:"to"`
	CountA          int64   `json:"count_a"`
	CountB          int64   `json:"count_b"`
	PerCaseA        float64 `json:"per_case_a"`
	PerCaseB        float64 `json:"per_case_b"`
	P               float64 `json:"p"`
	Significant     bool    `json:"significant"`
	MeanSecondsA    float64 `json:"mean_seconds_a"`
	MeanSecondsB    float64 `json:"mean_seconds_b"`
	MeanDiffSeconds float64 `json:"mean_diff_seconds"`
	MeanP           float64 `json:"mean_p"`
	MeanSignificant bool    `json:"mean_significant"`
	casesA, casesB  int64
	varA, varB      float64
}

// ErrEmpty is returned when a log has no case to compare.
var ErrEmpty = errors.New("log has no cases")

// Compare compares log b with log a.
func Compare(ctx context.Context, a, b facts.Log, opt Options) (Result, error) {
	if opt.Alpha <= 0 || opt.Alpha >= 1 {
		opt.Alpha = 0.01
	}
	r := Result{A: a.Name, B: b.Name, Alpha: opt.Alpha, KPIs: []KPI{}, Variants: []VariantDiff{}, Edges: []EdgeDiff{}}
	ca, err := loadCases(ctx, a)
	if err != nil {
		return r, err
	}
	cb, err := loadCases(ctx, b)
	if err != nil {
		return r, err
	}
	r.KPIs = kpis(ca, cb, opt.Alpha)
	if r.Variants, err = variants(ctx, a, b, int64(len(ca.dur)), int64(len(cb.dur)), opt.Alpha); err != nil {
		return r, err
	}
	if r.Edges, err = edges(ctx, a, b, int64(len(ca.dur)), int64(len(cb.dur)), opt.Alpha); err != nil {
		return r, err
	}
	return r, nil
}

// caseFigures are a log's per-case figures: throughput time (seconds) and
// activity instances.
type caseFigures struct{ dur, n []float64 }

func loadCases(ctx context.Context, l facts.Log) (caseFigures, error) {
	var c caseFigures
	rows, err := l.DB.QueryContext(ctx, `SELECT (epoch_us(last_ts) - epoch_us(first_ts)) / 1e6, n FROM case_facts WHERE log_id = ? ORDER BY case_no`, l.ID)
	if err != nil {
		return c, fmt.Errorf("compare %s: cases: %w", l.Name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d, n float64
		if err := rows.Scan(&d, &n); err != nil {
			return c, fmt.Errorf("compare %s: cases: %w", l.Name, err)
		}
		c.dur, c.n = append(c.dur, d), append(c.n, n)
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("compare %s: cases: %w", l.Name, err)
	}
	if len(c.dur) == 0 {
		return c, fmt.Errorf("compare %s: %w", l.Name, ErrEmpty)
	}
	return c, nil
}

func kpis(a, b caseFigures, alpha float64) []KPI {
	out := []KPI{{Name: "cases", A: float64(len(a.dur)), B: float64(len(b.dur)), P: 1}}
	mw := func(name string, x, y []float64, f func([]float64) float64) {
		k := KPI{Name: name, A: f(x), B: f(y), Test: "mann-whitney", P: 1}
		if res, err := stats.MannWhitney(x, y); err == nil {
			k.P = res.P
		}
		out = append(out, k)
	}
	median := func(xs []float64) float64 { return stats.Summarize(xs).P50 }
	mw("instances_per_case_median", a.n, b.n, median)
	k := welchKPI("instances_per_case_mean", a.n, b.n)
	out = append(out, k)
	mw("throughput_seconds_median", a.dur, b.dur, median)
	out = append(out, welchKPI("throughput_seconds_mean", a.dur, b.dur))
	for i := range out {
		out[i].Diff = out[i].B - out[i].A
		out[i].Significant = out[i].Test != "" && out[i].P < alpha
	}
	return out
}

func welchKPI(name string, x, y []float64) KPI {
	mx, vx := meanVar(x)
	my, vy := meanVar(y)
	return KPI{Name: name, A: mx, B: my, Test: "welch-t", P: welch(mx, vx, float64(len(x)), my, vy, float64(len(y)))}
}

func meanVar(xs []float64) (mean, variance float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	if len(xs) > 1 {
		variance /= float64(len(xs) - 1)
	}
	return mean, variance
}

// welch is the two-sided p-value of Welch's t-test of equal means from
// each sample's mean, sample variance and size (B. L. Welch, Biometrika
// 34, 1947; Welch–Satterthwaite degrees of freedom). 1 when a sample has
// fewer than two values or both have no variance and equal means.
func welch(m1, v1, n1, m2, v2, n2 float64) float64 {
	if n1 < 2 || n2 < 2 {
		return 1
	}
	s1, s2 := v1/n1, v2/n2
	se := math.Sqrt(s1 + s2)
	if se == 0 {
		if m1 == m2 {
			return 1
		}
		return 0
	}
	t := (m2 - m1) / se
	df := (s1 + s2) * (s1 + s2) / (s1*s1/(n1-1) + s2*s2/(n2-1))
	p := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.CDF(-math.Abs(t))
	if math.IsNaN(p) {
		return 1
	}
	return min(p, 1)
}

// shareP is Pearson's χ² p-value for x of n against y of m (1 when the
// table has an empty row or column).
func shareP(x, n, y, m int64) float64 {
	res, err := stats.ChiSquare([][]float64{{float64(x), float64(n - x)}, {float64(y), float64(m - y)}})
	if err != nil || math.IsNaN(res.P) {
		return 1
	}
	return res.P
}

func variants(ctx context.Context, a, b facts.Log, na, nb int64, alpha float64) ([]VariantDiff, error) {
	va, err := variantCounts(ctx, a)
	if err != nil {
		return nil, err
	}
	vb, err := variantCounts(ctx, b)
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for k := range va {
		keys[k] = true
	}
	for k := range vb {
		keys[k] = true
	}
	out := []VariantDiff{}
	for k := range keys {
		x, y := va[k], vb[k]
		v := VariantDiff{Activities: strings.Split(k, "\x00"), CasesA: x, CasesB: y,
			ShareA: float64(x) / float64(na), ShareB: float64(y) / float64(nb), P: shareP(x, na, y, nb)}
		v.Diff = v.ShareB - v.ShareA
		v.Significant = v.P < alpha
		out = append(out, v)
	}
	slices.SortFunc(out, func(p, q VariantDiff) int {
		if c := compareFloat(max(q.ShareA, q.ShareB), max(p.ShareA, p.ShareB)); c != 0 {
			return c
		}
		return slices.Compare(p.Activities, q.Activities)
	})
	return out, nil
}

func compareFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// variantCounts maps each variant (activity names joined by NUL) to its cases.
func variantCounts(ctx context.Context, l facts.Log) (map[string]int64, error) {
	rows, err := l.DB.QueryContext(ctx, `SELECT (SELECT string_agg(a.activity, chr(0) ORDER BY u.i) FROM
			(SELECT unnest(v.acts) AS act_no, generate_subscripts(v.acts, 1) AS i) u
			JOIN activities a ON a.log_id = v.log_id AND a.act_no = u.act_no), v.cases
		FROM variants v WHERE v.log_id = ?`, l.ID)
	if err != nil {
		return nil, fmt.Errorf("compare %s: variants: %w", l.Name, err)
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("compare %s: variants: %w", l.Name, err)
		}
		m[k] += n
	}
	return m, rows.Err()
}

func edges(ctx context.Context, a, b facts.Log, na, nb int64, alpha float64) ([]EdgeDiff, error) {
	ea, err := edgeStats(ctx, a)
	if err != nil {
		return nil, err
	}
	eb, err := edgeStats(ctx, b)
	if err != nil {
		return nil, err
	}
	keys := map[[2]string]bool{}
	for k := range ea {
		keys[k] = true
	}
	for k := range eb {
		keys[k] = true
	}
	out := []EdgeDiff{}
	for k := range keys {
		x, y := ea[k], eb[k]
		e := EdgeDiff{From: k[0], To: k[1], CountA: x.CountA, CountB: y.CountA,
			PerCaseA: float64(x.CountA) / float64(na), PerCaseB: float64(y.CountA) / float64(nb),
			P:            shareP(x.casesA, na, y.casesA, nb),
			MeanSecondsA: x.MeanSecondsA, MeanSecondsB: y.MeanSecondsA}
		e.Significant = e.P < alpha
		e.MeanP = 1
		if x.CountA > 0 && y.CountA > 0 {
			e.MeanDiffSeconds = e.MeanSecondsB - e.MeanSecondsA
			e.MeanP = welch(x.MeanSecondsA, x.varA, float64(x.CountA), y.MeanSecondsA, y.varA, float64(y.CountA))
		}
		e.MeanSignificant = e.MeanP < alpha
		out = append(out, e)
	}
	slices.SortFunc(out, func(p, q EdgeDiff) int {
		return slices.Compare([]string{p.From, p.To}, []string{q.From, q.To})
	})
	return out, nil
}

// edgeStats reads one log's edges into EdgeDiff's A side: occurrences,
// cases containing the edge, mean and sample variance of its time.
func edgeStats(ctx context.Context, l facts.Log) (map[[2]string]EdgeDiff, error) {
	rows, err := l.DB.QueryContext(ctx, `
		WITH g AS (SELECT prev_act_no, act_no, count(*) AS n, count(DISTINCT case_no) AS c,
				avg(us) / 1e6 AS mean, coalesce(var_samp(us / 1e6), 0) AS v
			FROM (SELECT prev_act_no, act_no, case_no, epoch_us(ts) - epoch_us(prev_ts) AS us FROM steps WHERE log_id = ? AND pos > 0)
			GROUP BY 1, 2)
		SELECT f.activity, t.activity, g.n, g.c, g.mean, g.v
		FROM g JOIN activities f ON f.log_id = ? AND f.act_no = g.prev_act_no
		       JOIN activities t ON t.log_id = ? AND t.act_no = g.act_no`, l.ID, l.ID, l.ID)
	if err != nil {
		return nil, fmt.Errorf("compare %s: edges: %w", l.Name, err)
	}
	defer rows.Close()
	m := map[[2]string]EdgeDiff{}
	for rows.Next() {
		var e EdgeDiff
		if err := rows.Scan(&e.From, &e.To, &e.CountA, &e.casesA, &e.MeanSecondsA, &e.varA); err != nil {
			return nil, fmt.Errorf("compare %s: edges: %w", l.Name, err)
		}
		m[[2]string{e.From, e.To}] = e
	}
	return m, rows.Err()
}
