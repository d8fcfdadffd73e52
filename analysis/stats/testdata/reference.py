"""Reference values for the analysis/stats tests.

Run with scipy, numpy and statsmodels installed:

    python3 -m venv /tmp/statvenv
    /tmp/statvenv/bin/pip install scipy numpy statsmodels
    /tmp/statvenv/bin/python testdata/reference.py

It prints every figure the Go tests paste, with the call that produced it.
Versions used for the committed numbers: scipy 1.17.1, numpy 2.4.6,
statsmodels 0.15.0.
"""
import statistics

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint


def r(x):
    return repr(float(x))


print("## numpy.quantile (default method='linear', Hyndman-Fan type 7)")
quantile_cases = [
    [1, 2, 3, 4],
    [7],
    [1, 2, 2, 2, 10],
    [0.5, 1.25, 3.0, 3.0, 8.75, 13.5, 21.0],
]
for xs in quantile_cases:
    for p in [0, 0.1, 0.25, 0.5, 0.9, 0.95, 1]:
        print(xs, p, r(np.quantile(xs, p)))
    print("  statistics.median:", r(statistics.median(xs)))

print("## Summary: numpy mean, std(ddof=1), quantile")
xs = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
m, s = np.mean(xs), np.std(xs, ddof=1)
print(xs, "mean", r(m), "std", r(s), "cv", r(s / m),
      "p50", r(np.quantile(xs, 0.5)), "p90", r(np.quantile(xs, 0.9)),
      "p95", r(np.quantile(xs, 0.95)))

print("## scipy.stats.mannwhitneyu(a, b, alternative='two-sided', method='asymptotic', use_continuity=True)")
mw_cases = [
    ([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]),
    ([1, 2, 2, 3, 3, 3, 4], [2, 3, 4, 4, 5, 5, 6, 7]),
    ([19, 22, 16, 29, 24], [20, 11, 17, 12]),
    ([1.5], [2.5]),
    ([3, 3, 3, 1, 8, 8, 2, 5, 5, 5, 5, 9, 0, 4, 4],
     [5, 6, 6, 6, 7, 2, 9, 9, 8, 8, 5, 4, 7, 10, 11, 12, 6, 6]),
    (list(range(1, 12)), [0.5, 12, 13]),
]
for a, b in mw_cases:
    res = stats.mannwhitneyu(a, b, alternative="two-sided",
                             method="asymptotic", use_continuity=True)
    print(a, b, "U", r(res.statistic), "p", r(res.pvalue))
    # z as scipy builds it: (max(U1,U2) - mu - 0.5) / sigma, ties corrected.
    n1, n2 = len(a), len(b)
    rk = stats.rankdata(a + b)
    _, t = np.unique(rk, return_counts=True)
    n = n1 + n2
    sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - (t**3 - t).sum() / (n * (n - 1))))
    U1 = res.statistic
    print("  |z|", r((max(U1, n1 * n2 - U1) - n1 * n2 / 2 - 0.5) / sigma))

print("## scipy.stats.mannwhitneyu(..., method='exact') (no ties)")
for a, b in [([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]),
             ([19, 22, 16, 29, 24], [20, 11, 17, 12]),
             ([1.5], [2.5]),
             ([0.8, 3.1, 2.2, 9.4, 5.5, 7.1, 6.6, 1.9, 4.0, 8.3],
              [2.9, 10.2, 12.5, 7.7, 9.9, 11.1, 13.0, 6.1, 8.8, 14.2])]:
    res = stats.mannwhitneyu(a, b, alternative="two-sided", method="exact")
    print(a, b, "U", r(res.statistic), "p", r(res.pvalue))

print("## scipy.stats.kruskal (tie-corrected H, chi-square p)")
kw_cases = [
    [[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]],
    [[1, 1, 1], [2, 2, 2], [2, 2]],
    # Hollander & Wolfe (1973) p. 116 via R's kruskal.test help page.
    [[2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]],
    [[3, 3, 3, 1, 8, 8, 2], [5, 6, 6, 6, 7, 2, 9, 9], [8, 8, 5, 4, 7, 10], [1, 2, 2]],
    [[1], [2]],
]
for g in kw_cases:
    res = stats.kruskal(*g)
    N = sum(len(x) for x in g)
    print(g, "H", r(res.statistic), "p", r(res.pvalue), "eps2", r(res.statistic / (N - 1)))

print("## statsmodels proportion_confint(method='wilson')")
for x, n, level in [(0, 10, 0.95), (10, 10, 0.95), (5, 10, 0.95),
                    (81, 263, 0.95), (1, 1, 0.95), (3, 40, 0.99), (950, 1000, 0.90)]:
    lo, hi = proportion_confint(x, n, alpha=1 - level, method="wilson")
    print(x, n, level, r(lo), r(hi))


def pettitt(xs):
    """Brute-force Pettitt (1979): U_t = sum_{i<=t} sum_{j>t} sgn(x_i - x_j)."""
    x = np.asarray(xs, dtype=float)
    n = len(x)
    U = np.array([np.sign(x[:t, None] - x[None, t:]).sum() for t in range(1, n)])
    t = int(np.argmax(np.abs(U))) + 1  # first maximum; old regime is x[:t]
    K = np.abs(U).max()
    p = min(1.0, 2 * np.exp(-6 * K**2 / (n**3 + n**2)))
    return t, K, p, x[:t].mean(), x[t:].mean()


print("## Pettitt, brute force (numpy)")
rng = np.random.default_rng(1979)
shift = np.round(np.concatenate([rng.normal(10, 1, 25), rng.normal(13, 1, 15)]), 2)
flat = np.round(rng.normal(10, 1, 40), 2)
for name, xs in [("shift", shift), ("flat", flat),
                 ("ties", [1, 1, 2, 1, 1, 5, 5, 4, 5, 5])]:
    print(name, list(map(float, xs)))
    t, K, p, mb, ma = pettitt(xs)
    print("  index", t, "K", r(K), "p", r(p), "before", r(mb), "after", r(ma))

print("## scipy.stats.pearsonr / spearmanr")
x = [1, 2, 3, 4, 5, 6, 7, 8]
y = [2, 1, 4, 3, 7, 7, 6, 9]
print("pearson", r(stats.pearsonr(x, y).statistic),
      "spearman", r(stats.spearmanr(x, y).statistic))

print("## scipy.stats.bootstrap(method='percentile', n_resamples=20000, rng=1)")
# Monte Carlo: the Go tests allow for resampling noise (different generator).
approve = np.array([2, 0, 5, 1, 3, 0, 4, 2.0])
total = np.array([4, 3, 8, 2, 6, 1, 9, 5.0])
ci = stats.bootstrap((approve, total), lambda x, y: x.sum() / y.sum(), paired=True,
                     method="percentile", n_resamples=20000, rng=1).confidence_interval
print("share", r(ci.low), r(ci.high))
xs = np.array([12.1, 3.4, 7.7, 15.0, 9.9, 4.2, 11.8, 6.5, 8.8, 10.3, 2.9, 13.6])
ci = stats.bootstrap((xs,), np.mean, method="percentile", n_resamples=20000,
                     rng=1).confidence_interval
print("mean", r(ci.low), r(ci.high))
