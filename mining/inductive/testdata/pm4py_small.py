#!/usr/bin/env python3
"""Fills in the expected trees of small.txt with PM4Py (tested with 2.7.23.11).

    /tmp/pm4venv/bin/python mining/inductive/testdata/pm4py_small.py

For each case it runs PM4Py's IM and IMf (noise 0.2, or the case's "noise"
line) on the log as a variant-count table, and IMd on the log's
directly-follows graph, folds and prints the trees, and rewrites the case's
im/imf/imd lines (written after its log line). Other lines are kept; a "noise"
line goes before the log line.
"""
import sys
from collections import Counter
from pathlib import Path

from pm4py.algo.discovery.inductive.dtypes.im_dfg import InductiveDFG
from pm4py.algo.discovery.inductive.dtypes.im_ds import IMDataStructureDFG, IMDataStructureUVCL
from pm4py.algo.discovery.inductive.variants.im import IMUVCL
from pm4py.algo.discovery.inductive.variants.imd import IMD
from pm4py.algo.discovery.inductive.variants.imf import IMFUVCL
from pm4py.objects.process_tree.utils import generic as pt_util
from pm4py.util.compression import util as comut

FILE = Path(__file__).resolve().parent / 'small.txt'


def parse_log(text):
    log = Counter()
    for part in text.split(';'):
        words = part.split()
        n = 1
        if words and words[-1].startswith('x') and words[-1][1:].isdigit():
            n = int(words[-1][1:])
            words = words[:-1]
        if words == ['<>']:
            words = []
        log[tuple(words)] += n
    return log


def trees(log, noise):
    out = {}
    t = IMUVCL({}).apply(IMDataStructureUVCL(log), {})
    out['im'] = t
    p = {'noise_threshold': noise}
    out['imf'] = IMFUVCL(p).apply(IMDataStructureUVCL(log), p)
    dfg = comut.discover_dfg_uvcl(log)
    try:
        out['imd'] = IMD({}).apply(IMDataStructureDFG(InductiveDFG(dfg=dfg, skip=() in log)), {})
    except Exception as e:  # PM4Py's IMd fails on some graphs; leave the line out
        print('imd failed: %r' % e, file=sys.stderr)
    res = {}
    for k, t in out.items():
        t = pt_util.fold(t)
        pt_util.tree_sort(t)
        res[k] = str(t)
    return res


def main():
    lines = FILE.read_text().splitlines()
    out = []
    noise = 0.2
    for line in lines:
        word = line.split(' ', 1)[0]
        if word in ('im', 'imf', 'imd'):
            continue
        out.append(line)
        if word == 'case':
            noise = 0.2
        elif word == 'noise':
            noise = float(line.split()[1])
        elif word == 'log':
            res = trees(parse_log(line[4:]), noise)
            for k in ('im', 'imf', 'imd'):
                if k in res:
                    out.append('%s %s' % (k, res[k]))
    FILE.write_text('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
