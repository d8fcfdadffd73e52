package dist

import (
	"math"
	"math/rand/v2"
	"testing"
)

func sample(d Dist, n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = d.Sample(r)
	}
	return xs
}

// Fit recovers the family and parameters of a large sample of each kind:
// the maximum-likelihood estimates lie within a few standard errors, and
// AIC picks the family the sample came from.
func TestFitRecovers(t *testing.T) {
	for _, tc := range []struct {
		d   Dist
		tol float64 // relative tolerance on each parameter
	}{
		{Dist{Kind: Exponential, Mean: 3600}, 0.02},
		{Dist{Kind: LogNormal, Mu: 7, Sigma: 1.3}, 0.02},
		{Dist{Kind: Gamma, Shape: 2.5, Scale: 900}, 0.03},
		{Dist{Kind: Gamma, Shape: 0.6, Scale: 5000}, 0.03},
		{Dist{Kind: Weibull, Shape: 1.7, Scale: 1200}, 0.02},
		{Dist{Kind: Weibull, Shape: 0.7, Scale: 300, PZero: 0.2}, 0.03},
	} {
		xs := sample(tc.d, 40_000, 1)
		got, cands := Fit(xs)
		if got.Kind != tc.d.Kind {
			t.Errorf("%v: AIC picked %v; candidates %+v", tc.d, got, cands)
			continue
		}
		near := func(name string, a, b float64) {
			if math.Abs(a-b) > tc.tol*math.Abs(b) {
				t.Errorf("%v: %s %v, want %v", tc.d, name, a, b)
			}
		}
		near("mean", got.Mean, tc.d.Mean)
		near("mu", got.Mu, tc.d.Mu)
		near("sigma", got.Sigma, tc.d.Sigma)
		near("shape", got.Shape, tc.d.Shape)
		near("scale", got.Scale, tc.d.Scale)
		if math.Abs(got.PZero-tc.d.PZero) > 0.01 {
			t.Errorf("%v: p_zero %v", tc.d, got.PZero)
		}
	}
}

// A bimodal sample fits no parametric family: the empirical distribution
// wins and reproduces the sample's quantiles.
func TestFitBimodalIsEmpirical(t *testing.T) {
	a := sample(Dist{Kind: LogNormal, Mu: 3, Sigma: 0.2}, 20_000, 1)
	b := sample(Dist{Kind: LogNormal, Mu: 8, Sigma: 0.2}, 20_000, 2)
	got, _ := Fit(append(a, b...))
	if got.Kind != Empirical || len(got.Quantiles) != EmpiricalPoints {
		t.Fatalf("bimodal fit %v", got.Kind)
	}
	if m := got.Quantiles[50]; m < math.Exp(3) || m > math.Exp(8) {
		t.Errorf("median %v outside the two modes", m)
	}
}

func TestFitDegenerate(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want Dist
	}{
		{nil, Zero},
		{[]float64{0, 0, 0}, Zero},
		{[]float64{5, 5, 0, 0}, Dist{Kind: Fixed, Value: 5, PZero: 0.5}},
		{[]float64{math.NaN(), 7}, Dist{Kind: Fixed, Value: 7}},
	} {
		got, _ := Fit(tc.xs)
		if got.Kind != tc.want.Kind || got.Value != tc.want.Value || got.PZero != tc.want.PZero {
			t.Errorf("Fit(%v) = %+v, want %+v", tc.xs, got, tc.want)
		}
	}
}

// Sample means match MeanValue for every kind, zero share included.
func TestSampleMean(t *testing.T) {
	for _, d := range []Dist{
		{Kind: Fixed, Value: 10, PZero: 0.5},
		{Kind: Exponential, Mean: 100},
		{Kind: LogNormal, Mu: 2, Sigma: 0.5},
		{Kind: Gamma, Shape: 0.5, Scale: 10},
		{Kind: Gamma, Shape: 4, Scale: 10},
		{Kind: Weibull, Shape: 2, Scale: 10, PZero: 0.1},
		{Kind: Empirical, Quantiles: []float64{0, 1, 2, 10}},
	} {
		xs := sample(d, 200_000, 3)
		var s float64
		for _, x := range xs {
			s += x
		}
		if m, want := s/float64(len(xs)), d.MeanValue(); math.Abs(m-want) > 0.01*want {
			t.Errorf("%v: sample mean %v, want %v", d, m, want)
		}
	}
}

func TestScaledAndValidate(t *testing.T) {
	for _, d := range []Dist{
		{Kind: Exponential, Mean: 100},
		{Kind: LogNormal, Mu: 2, Sigma: 0.5},
		{Kind: Gamma, Shape: 3, Scale: 10},
		{Kind: Weibull, Shape: 2, Scale: 10},
		{Kind: Empirical, Quantiles: []float64{1, 2, 4}},
	} {
		if got, want := d.Scaled(0.8).MeanValue(), 0.8*d.MeanValue(); math.Abs(got-want) > 1e-9*want {
			t.Errorf("%v scaled by 0.8: mean %v, want %v", d, got, want)
		}
		if d.Scaled(0).MeanValue() != 0 {
			t.Errorf("%v scaled by 0 is not 0", d)
		}
	}
	for _, d := range []Dist{
		{}, {Kind: "beta"}, {Kind: Exponential}, {Kind: Gamma, Shape: -1, Scale: 1},
		{Kind: Empirical, Quantiles: []float64{2, 1}}, {Kind: Fixed, Value: 1, PZero: 2},
		{Kind: LogNormal, Sigma: math.NaN()},
	} {
		if d.Validate() == nil {
			t.Errorf("%+v validated", d)
		}
	}
}

// trigamma against exact values: ψ′(n) = π²/6 − Σ_{k<n} 1/k², ψ′(½) = π²/2.
func TestTrigamma(t *testing.T) {
	for n := 1; n <= 40; n++ {
		want := math.Pi * math.Pi / 6
		for k := 1; k < n; k++ {
			want -= 1 / float64(k*k)
		}
		if got := trigamma(float64(n)); math.Abs(got-want) > 1e-11*want {
			t.Errorf("trigamma(%d) = %v, want %v", n, got, want)
		}
	}
	if got, want := trigamma(0.5), math.Pi*math.Pi/2; math.Abs(got-want) > 1e-12*want {
		t.Errorf("trigamma(1/2) = %v, want %v", got, want)
	}
}
