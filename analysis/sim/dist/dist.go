// Package dist owns the distributions the simulator draws durations and
// inter-arrival times from: fixed, exponential, log-normal, gamma, Weibull
// and empirical (interpolated quantiles), each optionally zero-inflated
// (a share of exactly-zero values, as automated steps and instant
// transitions produce). It fits them to samples by maximum likelihood and
// picks one by AIC (Fit), and samples them fast from a Source.
//
// Values are seconds. A Dist is a plain value that marshals to the model
// file as {dist: lognormal, mu: 3.2, sigma: 1.1, p_zero: 0.05}.
//
// It must not import database/sql, DuckDB, ingest, report or cmd, and does
// no I/O.
package dist

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Kinds of distribution.
const (
	Fixed       = "fixed"
	Exponential = "exponential"
	LogNormal   = "lognormal"
	Gamma       = "gamma"
	Weibull     = "weibull"
	Empirical   = "empirical"
)

// Kinds lists every kind, in the order the model file documents them.
var Kinds = []string{Fixed, Exponential, LogNormal, Gamma, Weibull, Empirical}

// Dist is one distribution over non-negative seconds.
type Dist struct {
	Kind string `yaml:"dist" json:"dist"`
	// Fixed: Value. Exponential: Mean. Log-normal: Mu, Sigma of the
	// logarithm. Gamma and Weibull: Shape and Scale. Empirical: Quantiles,
	// the values at probabilities 0, 1/(n-1), …, 1, interpolated linearly.
	Value     float64   `yaml:"value,omitempty" json:"value,omitempty"`
	Mean      float64   `yaml:"mean,omitempty" json:"mean,omitempty"`
	Mu        float64   `yaml:"mu,omitempty" json:"mu,omitempty"`
	Sigma     float64   `yaml:"sigma,omitempty" json:"sigma,omitempty"`
	Shape     float64   `yaml:"shape,omitempty" json:"shape,omitempty"`
	Scale     float64   `yaml:"scale,omitempty" json:"scale,omitempty"`
	Quantiles []float64 `yaml:"quantiles,omitempty,flow" json:"quantiles,omitempty"`
	// PZero is the probability of exactly 0, drawn before the rest.
	PZero float64 `yaml:"p_zero,omitempty" json:"p_zero,omitempty"`
}

// Source is the randomness Sample needs: uniform on [0, 1) and standard
// normal draws.
type Source interface {
	Float64() float64
	NormFloat64() float64
}

// Zero is the distribution that is always 0 (an automated step).
var Zero = Dist{Kind: Fixed}

// Validate reports a distribution whose parameters cannot be sampled.
func (d Dist) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: "+format, append([]any{d.Kind}, args...)...)
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if !(d.PZero >= 0 && d.PZero <= 1) {
		return bad("p_zero %v: want a probability in [0, 1]", d.PZero)
	}
	switch d.Kind {
	case Fixed:
		if !finite(d.Value) || d.Value < 0 {
			return bad("value %v: want a duration ≥ 0 seconds", d.Value)
		}
	case Exponential:
		if !finite(d.Mean) || d.Mean <= 0 {
			return bad("mean %v: want > 0 seconds", d.Mean)
		}
	case LogNormal:
		if !finite(d.Mu) || !finite(d.Sigma) || d.Sigma < 0 {
			return bad("mu %v, sigma %v: want finite values, sigma ≥ 0", d.Mu, d.Sigma)
		}
	case Gamma, Weibull:
		if !finite(d.Shape) || !finite(d.Scale) || d.Shape <= 0 || d.Scale <= 0 {
			return bad("shape %v, scale %v: want both > 0", d.Shape, d.Scale)
		}
	case Empirical:
		if len(d.Quantiles) < 2 {
			return bad("want at least 2 quantiles")
		}
		for i, q := range d.Quantiles {
			if !finite(q) || q < 0 || (i > 0 && q < d.Quantiles[i-1]) {
				return bad("quantiles must be finite, ≥ 0 and ascending (at %d: %v)", i, q)
			}
		}
	case "":
		return errors.New("no dist given; want one of " + fmt.Sprint(Kinds))
	default:
		return fmt.Errorf("unknown dist %q; want one of %v", d.Kind, Kinds)
	}
	return nil
}

// Sample draws one value. d must be valid.
func (d Dist) Sample(r Source) float64 {
	if d.PZero > 0 && r.Float64() < d.PZero {
		return 0
	}
	return d.positive(r)
}

// positive draws from the distribution without its zero share.
func (d Dist) positive(r Source) float64 {
	switch d.Kind {
	case Fixed:
		return d.Value
	case Exponential:
		return -d.Mean * math.Log1p(-r.Float64())
	case LogNormal:
		return math.Exp(d.Mu + d.Sigma*r.NormFloat64())
	case Gamma:
		return d.Scale * gammaDraw(d.Shape, r)
	case Weibull:
		return d.Scale * math.Pow(-math.Log1p(-r.Float64()), 1/d.Shape)
	case Empirical:
		return interpolate(d.Quantiles, r.Float64())
	}
	return 0
}

// gammaDraw is Marsaglia and Tsang's method ("A simple method for generating
// gamma variables", ACM TOMS 26(3), 2000) for shape k, scale 1; k < 1 uses
// the boost X·U^(1/k) with X ~ Gamma(k+1).
func gammaDraw(k float64, r Source) float64 {
	boost := 1.0
	if k < 1 {
		boost = math.Pow(r.Float64(), 1/k)
		k++
	}
	d := k - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return boost * d * v
		}
	}
}

// interpolate reads quantiles q (at equal probability steps) at p in [0, 1).
func interpolate(q []float64, p float64) float64 {
	h := p * float64(len(q)-1)
	i := int(h)
	if i >= len(q)-1 {
		return q[len(q)-1]
	}
	return q[i] + (h-float64(i))*(q[i+1]-q[i])
}

// MeanValue is the distribution's expected value in seconds.
func (d Dist) MeanValue() float64 {
	var m float64
	switch d.Kind {
	case Fixed:
		m = d.Value
	case Exponential:
		m = d.Mean
	case LogNormal:
		m = math.Exp(d.Mu + d.Sigma*d.Sigma/2)
	case Gamma:
		m = d.Shape * d.Scale
	case Weibull:
		m = d.Scale * math.Gamma(1+1/d.Shape)
	case Empirical:
		// The mean of a piecewise-linear quantile function is the average
		// of the trapezoids between the quantiles.
		for i := 1; i < len(d.Quantiles); i++ {
			m += (d.Quantiles[i] + d.Quantiles[i-1]) / 2
		}
		m /= float64(len(d.Quantiles) - 1)
	}
	return (1 - d.PZero) * m
}

// Scaled multiplies every value by f (≥ 0): a step made 20 % faster is
// Scaled(0.8). The kind is kept, so the shape of the distribution is too.
func (d Dist) Scaled(f float64) Dist {
	switch d.Kind {
	case Fixed:
		d.Value *= f
	case Exponential:
		d.Mean *= f
	case LogNormal:
		if f == 0 {
			return Dist{Kind: Fixed}
		}
		d.Mu += math.Log(f)
	case Gamma, Weibull:
		if f == 0 {
			return Dist{Kind: Fixed}
		}
		d.Scale *= f
	case Empirical:
		q := slices.Clone(d.Quantiles)
		for i := range q {
			q[i] *= f
		}
		d.Quantiles = q
	}
	return d
}

// String is a short human description: "lognormal (mean 2.5 h)".
func (d Dist) String() string {
	s := fmt.Sprintf("%s (mean %.4gs)", d.Kind, d.MeanValue())
	if d.PZero > 0 {
		s += fmt.Sprintf(", %.0f %% zero", 100*d.PZero)
	}
	return s
}
