package stats

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestMannWhitney(t *testing.T) {
	// U and P: scipy.stats.mannwhitneyu(a, b, alternative='two-sided',
	// method='asymptotic', use_continuity=True); |Z|: scipy's own z
	// (max(U1,U2) - n1n2/2 - 0.5)/σ with the tie-corrected σ; PExact:
	// mannwhitneyu(a, b, method='exact') (scipy 1.17.1, testdata/reference.py).
	tests := []struct {
		name      string
		a, b      []float64
		u, absZ   float64
		p         float64
		exact     bool
		pExact    float64
		rankBiser float64 // 2U/(n1n2) - 1
	}{
		{
			name: "separated",
			a:    []float64{1, 2, 3, 4, 5}, b: []float64{6, 7, 8, 9, 10},
			u: 0, absZ: 2.5067182457620487, p: 0.012185780355344813,
			exact: true, pExact: 0.007936507936507936, rankBiser: -1,
		},
		{
			name: "ties",
			a:    []float64{1, 2, 2, 3, 3, 3, 4}, b: []float64{2, 3, 4, 4, 5, 5, 6, 7},
			u: 8.5, absZ: 2.2371010419935717, p: 0.025279736885893914,
			rankBiser: 2*8.5/56 - 1,
		},
		{
			name: "unequal sizes",
			a:    []float64{19, 22, 16, 29, 24}, b: []float64{20, 11, 17, 12},
			u: 17, absZ: 1.5921683328090657, p: 0.11134688653314041,
			exact: true, pExact: 0.1111111111111111, rankBiser: 2*17.0/20 - 1,
		},
		{
			name: "n=1 each",
			a:    []float64{1.5}, b: []float64{2.5},
			u: 0, absZ: 0, p: 1, exact: true, pExact: 1, rankBiser: -1,
		},
		{
			name: "many ties",
			a:    []float64{3, 3, 3, 1, 8, 8, 2, 5, 5, 5, 5, 9, 0, 4, 4},
			b:    []float64{5, 6, 6, 6, 7, 2, 9, 9, 8, 8, 5, 4, 7, 10, 11, 12, 6, 6},
			u:    56.5, absZ: 2.838897592862478, p: 0.004526968284011493,
			rankBiser: 2*56.5/270 - 1,
		},
		{
			name: "exact n=10",
			a:    []float64{0.8, 3.1, 2.2, 9.4, 5.5, 7.1, 6.6, 1.9, 4.0, 8.3},
			b:    []float64{2.9, 10.2, 12.5, 7.7, 9.9, 11.1, 13.0, 6.1, 8.8, 14.2},
			u:    14, absZ: math.NaN(), p: math.NaN(),
			exact: true, pExact: 0.0051960423477451344, rankBiser: 2*14.0/100 - 1,
		},
		{
			// n1 = 11 > 10: no exact p-value.
			name: "too large for exact",
			a:    []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, b: []float64{0.5, 12, 13},
			u: 11, absZ: 0.778498944161523, p: 0.4362749288405292, rankBiser: 2*11.0/33 - 1,
		},
		{
			// Every value tied: no evidence of a difference.
			name: "all tied",
			a:    []float64{1, 1}, b: []float64{1, 1, 1},
			u: 3, absZ: 0, p: 1, rankBiser: 0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MannWhitney(tc.a, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			checkNear(t, "U", got.U, tc.u, 1e-12)
			if !math.IsNaN(tc.absZ) {
				checkNear(t, "|Z|", math.Abs(got.Z), tc.absZ, 1e-12)
				checkNear(t, "P", got.P, tc.p, 1e-12)
			}
			if got.Exact != tc.exact {
				t.Errorf("Exact = %v, want %v", got.Exact, tc.exact)
			}
			if tc.exact {
				checkNear(t, "PExact", got.PExact, tc.pExact, 1e-12)
			}
			checkNear(t, "RankBiserial", got.RankBiserial, tc.rankBiser, 1e-12)
			n1n2 := float64(len(tc.a) * len(tc.b))
			checkNear(t, "CommonLanguage", got.CommonLanguage, tc.u/n1n2, 1e-12)
			if _, err := json.Marshal(got); err != nil {
				t.Errorf("json.Marshal: %v", err)
			}
		})
	}
}

// Swapping the samples mirrors U, Z and the effect sizes and keeps P.
func TestMannWhitneySymmetry(t *testing.T) {
	a := []float64{3, 3, 3, 1, 8, 8, 2, 5, 5, 5, 5, 9, 0, 4, 4}
	b := []float64{5, 6, 6, 6, 7, 2, 9, 9, 8, 8, 5, 4, 7, 10, 11, 12, 6, 6}
	ab, _ := MannWhitney(a, b)
	ba, _ := MannWhitney(b, a)
	checkNear(t, "U_A+U_B", ab.U+ba.U, float64(len(a)*len(b)), 1e-12)
	checkNear(t, "Z", ab.Z, -ba.Z, 1e-12)
	checkNear(t, "P", ab.P, ba.P, 1e-12)
	checkNear(t, "RankBiserial", ab.RankBiserial, -ba.RankBiserial, 1e-12)
	if ab.Z >= 0 {
		t.Errorf("Z = %v, want negative: A tends to be smaller", ab.Z)
	}
}

func TestMannWhitneyErrors(t *testing.T) {
	tests := []struct {
		name string
		a, b []float64
		want error
	}{
		{"empty a", nil, []float64{1}, ErrEmpty},
		{"empty b", []float64{1}, []float64{}, ErrEmpty},
		{"NaN", []float64{1, math.NaN()}, []float64{2}, ErrNaN},
	}
	for _, tc := range tests {
		if _, err := MannWhitney(tc.a, tc.b); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}
