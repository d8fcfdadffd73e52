package dist

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Candidate is one distribution Fit tried: its maximum-likelihood
// parameters, log-likelihood of the positive values and AIC (lower is
// better).
type Candidate struct {
	Dist   Dist    `json:"dist"`
	LogLik float64 `json:"log_likelihood"`
	Params int     `json:"params"`
	AIC    float64 `json:"aic"`
}

// zeroTol is the largest value counted as zero: timestamps are microseconds.
const zeroTol = 1e-6

// EmpiricalPoints is how many quantiles an empirical distribution keeps.
const EmpiricalPoints = 101

// Fit fits every kind to the samples (seconds) by maximum likelihood and
// returns the one with the lowest AIC, with every candidate tried. Values at
// or below a microsecond count as zero and become the p_zero share; the
// kinds are fitted to the rest. With no positive values the result is
// Fixed 0; with one distinct positive value, Fixed at it.
//
// The empirical candidate is scored by the likelihood of an equal-width
// histogram of the values (√n bins, 5 to 50) with one parameter per bin but
// one, so that it wins only where no parametric shape fits.
func Fit(samples []float64) (Dist, []Candidate) {
	ys := make([]float64, 0, len(samples))
	zeros := 0
	for _, x := range samples {
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
		case x <= zeroTol:
			zeros++
		default:
			ys = append(ys, x)
		}
	}
	n := len(ys) + zeros
	if n == 0 || len(ys) == 0 {
		return Zero, nil
	}
	pz := float64(zeros) / float64(n)
	slices.Sort(ys)
	if ys[0] == ys[len(ys)-1] {
		return Dist{Kind: Fixed, Value: ys[0], PZero: pz}, nil
	}
	var logs []float64
	var sum, sumLog float64
	for _, y := range ys {
		l := math.Log(y)
		logs = append(logs, l)
		sum += y
		sumLog += l
	}
	m := float64(len(ys))
	mean, meanLog := sum/m, sumLog/m
	var varLog float64
	for _, l := range logs {
		varLog += (l - meanLog) * (l - meanLog)
	}
	varLog /= m
	var cands []Candidate
	add := func(d Dist, params int, ll float64) {
		if math.IsNaN(ll) || math.IsInf(ll, 0) || d.Validate() != nil {
			return
		}
		d.PZero = pz
		cands = append(cands, Candidate{Dist: d, LogLik: ll, Params: params, AIC: 2*float64(params) - 2*ll})
	}
	ex := distuv.Exponential{Rate: 1 / mean}
	add(Dist{Kind: Exponential, Mean: mean}, 1, sumLL(ys, ex.LogProb))
	if varLog > 0 {
		sigma := math.Sqrt(varLog)
		ln := distuv.LogNormal{Mu: meanLog, Sigma: sigma}
		add(Dist{Kind: LogNormal, Mu: meanLog, Sigma: sigma}, 2, sumLL(ys, ln.LogProb))
		if k, ok := gammaShape(math.Log(mean) - meanLog); ok {
			g := distuv.Gamma{Alpha: k, Beta: k / mean}
			add(Dist{Kind: Gamma, Shape: k, Scale: mean / k}, 2, sumLL(ys, g.LogProb))
		}
		if k, lambda, ok := weibullFit(ys, logs, meanLog, sigma); ok {
			w := distuv.Weibull{K: k, Lambda: lambda}
			add(Dist{Kind: Weibull, Shape: k, Scale: lambda}, 2, sumLL(ys, w.LogProb))
		}
	}
	ll, bins := histogramLL(ys)
	add(Dist{Kind: Empirical, Quantiles: quantiles(ys, EmpiricalPoints)}, bins-1, ll)
	if len(cands) == 0 {
		return Dist{Kind: Fixed, Value: mean, PZero: pz}, nil
	}
	best := cands[0]
	for _, c := range cands[1:] {
		if c.AIC < best.AIC {
			best = c
		}
	}
	return best.Dist, cands
}

func sumLL(xs []float64, logProb func(float64) float64) float64 {
	var s float64
	for _, x := range xs {
		s += logProb(x)
	}
	return s
}

// gammaShape solves the gamma shape's likelihood equation
// log k − ψ(k) = s (s = log mean − mean log > 0) by Newton's method from
// Minka's closed-form start ("Estimating a Gamma distribution", 2002).
func gammaShape(s float64) (float64, bool) {
	if !(s > 0) {
		return 0, false
	}
	k := (3 - s + math.Sqrt((s-3)*(s-3)+24*s)) / (12 * s)
	for range 50 {
		f := math.Log(k) - mathext.Digamma(k) - s
		df := 1/k - trigamma(k)
		next := k - f/df
		if next <= 0 {
			next = k / 2
		}
		if math.Abs(next-k) <= 1e-12*k {
			return next, true
		}
		k = next
	}
	return k, !math.IsNaN(k) && k > 0
}

// trigamma is ψ′(x) for x > 0: the recurrence ψ′(x) = ψ′(x+1) + 1/x² up to
// x ≥ 10, then the asymptotic series (Abramowitz and Stegun 6.4.12).
func trigamma(x float64) float64 {
	var acc float64
	for x < 10 {
		acc += 1 / (x * x)
		x++
	}
	x2 := 1 / (x * x)
	return acc + 1/x + x2/2 + (1/x)*x2*(1.0/6-x2*(1.0/30-x2*(1.0/42-x2*(1.0/30-x2*5/66))))
}

// weibullFit solves the Weibull shape's likelihood equation
// Σ xᵏ ln x / Σ xᵏ − 1/k − mean(ln x) = 0 by Newton's method. Values are
// divided by their geometric mean first so xᵏ neither overflows nor
// underflows.
func weibullFit(ys, logs []float64, meanLog, sdLog float64) (k, lambda float64, ok bool) {
	k = 1.2 / sdLog
	z := make([]float64, len(logs)) // log(x / geometric mean)
	for i, l := range logs {
		z[i] = l - meanLog
	}
	for range 100 {
		var a, b, c float64 // Σ e^{kz}, Σ z e^{kz}, Σ z² e^{kz}
		for _, zi := range z {
			e := math.Exp(k * zi)
			a += e
			b += zi * e
			c += zi * zi * e
		}
		f := b/a - 1/k // − mean(z), which is 0
		df := (c*a-b*b)/(a*a) + 1/(k*k)
		next := k - f/df
		if next <= 0 || math.IsNaN(next) {
			next = k / 2
		}
		if math.Abs(next-k) <= 1e-12*k {
			k = next
			break
		}
		k = next
	}
	if !(k > 0) || math.IsInf(k, 0) {
		return 0, 0, false
	}
	var a float64
	for _, zi := range z {
		a += math.Exp(k * zi)
	}
	lambda = math.Exp(meanLog) * math.Pow(a/float64(len(z)), 1/k)
	return k, lambda, lambda > 0 && !math.IsInf(lambda, 0)
}

// histogramLL is the log-likelihood of sorted values under their own
// equal-width histogram, and the number of bins.
func histogramLL(ys []float64) (float64, int) {
	bins := min(50, max(5, int(math.Ceil(math.Sqrt(float64(len(ys)))))))
	lo, hi := ys[0], ys[len(ys)-1]
	w := (hi - lo) / float64(bins)
	counts := make([]int, bins)
	for _, y := range ys {
		i := int((y - lo) / w)
		if i >= bins {
			i = bins - 1
		}
		counts[i]++
	}
	n := float64(len(ys))
	var ll float64
	for _, c := range counts {
		if c > 0 {
			ll += float64(c) * math.Log(float64(c)/(n*w))
		}
	}
	return ll, bins
}

// quantiles returns k values of sorted ys at probabilities 0, 1/(k-1), …, 1
// (linear interpolation between order statistics).
func quantiles(ys []float64, k int) []float64 {
	q := make([]float64, k)
	for i := range q {
		h := float64(i) / float64(k-1) * float64(len(ys)-1)
		j := int(h)
		if j >= len(ys)-1 {
			q[i] = ys[len(ys)-1]
			continue
		}
		q[i] = ys[j] + (h-float64(j))*(ys[j+1]-ys[j])
	}
	return q
}
