#!/usr/bin/env python3
"""Writes random.txt: seeded random logs with PM4Py's IM, IMf and IMd trees.

    /tmp/pm4venv/bin/python mining/inductive/testdata/pm4py_random.py [count] [seed]

Two thirds of the logs are played out from random process trees (with 0-30% of
the traces edited: an event dropped, inserted or swapped), one third are
uniformly random traces, so that every cut, the IMf filters and the
fall-throughs are exercised. Same format as small.txt; trees as in
pm4py_small.py (tested with pm4py 2.7.23.11).
"""
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pm4py_small  # noqa: E402

FILE = Path(__file__).resolve().parent / 'random.txt'


def rand_tree(rng, acts):
    if len(acts) == 1:
        return ('leaf', acts[0])
    op = rng.choice(['seq', 'xor', 'and', 'loop', 'seq', 'xor'])
    if op == 'loop':
        k = rng.randint(1, len(acts) - 1)
        return ('loop', rand_tree(rng, acts[:k]), rand_tree(rng, acts[k:]))
    k = rng.randint(2, min(4, len(acts)))
    cuts = sorted(rng.sample(range(1, len(acts)), k - 1))
    parts = [acts[i:j] for i, j in zip([0] + cuts, cuts + [len(acts)])]
    return (op,) + tuple(rand_tree(rng, p) for p in parts)


def play(rng, t):
    op = t[0]
    if op == 'leaf':
        return [t[1]]
    if op == 'seq':
        return [a for c in t[1:] for a in play(rng, c)]
    if op == 'xor':
        return [] if rng.random() < 0.1 else play(rng, rng.choice(t[1:]))
    if op == 'and':
        seqs = [play(rng, c) for c in t[1:]]
        out = []
        while any(seqs):
            out.append(rng.choice([s for s in seqs if s]).pop(0))
        return out
    out = play(rng, t[1])
    while rng.random() < 0.35:
        out += play(rng, t[2]) + play(rng, t[1])
    return out


def random_log(rng):
    acts = [chr(ord('a') + j) for j in range(rng.randint(1, 9))]
    traces = []
    if rng.random() < 0.33:
        for _ in range(rng.randint(1, 12)):
            n = rng.randint(0 if rng.random() < 0.2 else 1, 7)
            traces.append(tuple(rng.choice(acts) for _ in range(n)))
    else:
        t = rand_tree(rng, acts)
        noise = rng.choice([0, 0.05, 0.1, 0.3])
        for _ in range(rng.randint(5, 120)):
            tr = play(rng, t)
            if tr and rng.random() < noise:
                j = rng.randrange(len(tr))
                r = rng.random()
                if r < 0.3:
                    del tr[j]
                elif r < 0.6:
                    tr.insert(j, rng.choice(acts))
                else:
                    k = rng.randrange(len(tr))
                    tr[j], tr[k] = tr[k], tr[j]
            traces.append(tuple(tr))
    log = Counter(traces)
    for t in log:
        log[t] *= rng.choice([1, 1, 1, 2, 5])
    return log


def fmt(log):
    parts = []
    for t, n in sorted(log.items(), key=lambda p: (-p[1], p[0])):
        s = ' '.join(t) if t else '<>'
        parts.append(s if n == 1 else '%s x%d' % (s, n))
    return '; '.join(parts)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 250
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rng = random.Random(seed)
    out = ['# %d random logs (pm4py_random.py %d %d) with the trees PM4Py 2.7.23.11 discovers;' % (count, count, seed),
           '# format as in small.txt.']
    for i in range(count):
        log = random_log(rng)
        out += ['', 'case random-%03d' % i, 'log ' + fmt(log)]
        res = pm4py_small.trees(log, 0.2)
        for k in ('im', 'imf', 'imd'):
            if k in res:
                out.append('%s %s' % (k, res[k]))
    FILE.write_text('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
