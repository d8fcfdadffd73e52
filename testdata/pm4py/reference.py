#!/usr/bin/env python3
"""PM4Py reference figures ("goldens") for pmx's discovery and conformance tests.

Needs PM4Py (tested with pm4py 2.7.23.11 on CPython 3.11):

    python3 -m venv /tmp/pm4venv && /tmp/pm4venv/bin/pip install pm4py==2.7.23.11

Run from the module root (the directory holding go.mod):

    /tmp/pm4venv/bin/python testdata/pm4py/reference.py --jobs 2              # every log below
    /tmp/pm4venv/bin/python testdata/pm4py/reference.py running-example      # one or more logs, by stem or path
    /tmp/pm4venv/bin/python testdata/pm4py/reference.py --large /tmp/pmx-bench/bpic2013_incidents-1000000.xes.gz
    /tmp/pm4venv/bin/python testdata/pm4py/reference.py --table              # Markdown timing table for README.md

Logs: the shared logs in ../shared/logs/ (override with --logs-dir or $PMX_SHARED_LOGS) and the bundled demo log
ingest/demo/incidents.xes.gz (stem "demo").

For each log it writes testdata/pm4py/<stem>/ (next to this script):
    reference.json   counts, process trees (IM, IMf, IMd), structural descriptions of the nets, token-based replay,
                     alignments, precision, generalization, simplicity, and the wall time of every step ("seconds")
    imf.pnml, im.pnml, alpha.pnml, heuristics.pnml     Petri nets as written by pm4py.write_pnml
With --large it writes testdata/pm4py/large/reference.json: the time of PM4Py's IMf on a large log.

Event selection (as ../shared/logs/README.md and ../shared/oracle/): when every lifecycle:transition value (missing =
complete, compared in lower case) is a standard XES transition, only 'complete' events are kept; otherwise every
event. Activity = concept:name. Events are then sorted by case id and timestamp with a stable sort (ties keep file
order). The same dataframe is given to every PM4Py call.

Notes on the calls:
  * IM / IMf:  pm4py.discover_process_tree_inductive(df, noise_threshold=0.0 / 0.2)
  * IMd:       pm4py.algo.discovery.inductive.algorithm.apply(DFG(dfg, start, end), variant=Variants.IMd) with
               DFG = pm4py.objects.dfg.obj.DFG and the triple from pm4py.discover_dfg(df); "imd_tree_from_variants"
               is algorithm.apply(df, variant=Variants.IMd), IMd on the DFG of the variants (discover_dfg re-sorts
               events and can order a case's equal timestamps differently from the stable sort)
  * Alpha+:    pm4py.algo.discovery.alpha.algorithm.apply(df, variant=Variants.ALPHA_VERSION_PLUS)
  * Token replay: "fitness" is pm4py.fitness_token_based_replay(df, ...); the token totals and the per-variant
    figures come from pm4py.conformance_diagnostics_token_based_replay on pm4py.convert_to_event_log(df), so that
    each per-trace dict can be matched with its trace. PM4Py's token replay depends, on some nets, on the memory
    addresses of the net's objects; "order_check" says whether it does on this one (see token_replay_block).
  * Alignments: pm4py.conformance_diagnostics_alignments on the same event log; the fitness dict is
    pm4py.algo.evaluation.replay_fitness.variants.alignment_based.evaluate(<those alignments>), which is exactly what
    pm4py.fitness_alignments returns (it runs the same alignments and calls the same evaluate), so the alignments are
    computed once.
Every step runs under a time limit (--step-timeout, default 1200 s); a step that fails or runs out of time is recorded
as a string ("error: ..." / "timeout after N s") in place of its value and under "failed_steps"; "seconds" stays
numeric. The script re-executes itself with PYTHONHASHSEED=0 and writes the PNML files in a canonical form (see
write_pnml), so reruns give identical files except for "seconds" and, on nets where "order_check" reports PM4Py's
token replay as unstable, that net's token-replay figures.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULE_ROOT = HERE.parent.parent
DEFAULT_LOGS_DIR = Path(os.environ.get('PMX_SHARED_LOGS', MODULE_ROOT.parent / 'shared' / 'logs'))
SHARED_LOGS = ['bpic2013_incidents.xes.gz', 'helpdesk.xes.gz', 'interval_event_log.xes', 'receipt.xes.gz',
               'repair_example.xes.gz', 'reviewing.xes', 'roadtraffic100traces.xes', 'running-example.xes']
DEMO_LOG = MODULE_ROOT / 'ingest' / 'demo' / 'incidents.xes.gz'

STANDARD = {'schedule', 'assign', 'withdraw', 'reassign', 'start', 'suspend', 'resume', 'pi_abort',
            'ate_abort', 'complete', 'autoskip', 'manualskip', 'unknown'}
IMF_NOISE = 0.2
HEURISTICS_PARAMS = {'dependency_threshold': 0.5, 'and_threshold': 0.65, 'loop_two_threshold': 0.5}
CASE, ACT, TS, LC = 'case:concept:name', 'concept:name', 'time:timestamp', 'lifecycle:transition'


class StepTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise StepTimeout()


class Runner:
    """Runs the steps of one log, recording wall times and turning failures into strings."""

    def __init__(self, timeout):
        self.timeout = timeout
        self.seconds = {}  # step -> wall seconds (also for a step that failed or timed out)
        self.failed = {}   # step -> 'error: ...' / 'timeout after N s'

    def run(self, name, fn, *a, **kw):
        """Returns (ok, value): value is the result, or an 'error: ...' / 'timeout ...' string."""
        signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(int(self.timeout))
        t = time.perf_counter()
        try:
            r = fn(*a, **kw)
            ok = True
        except StepTimeout:
            r, ok = 'timeout after %d s' % self.timeout, False
        except Exception as e:  # recorded, never fatal
            r, ok = 'error: %s: %s' % (type(e).__name__, e), False
        finally:
            signal.alarm(0)
        self.seconds[name] = round(time.perf_counter() - t, 4)
        if not ok:
            self.failed[name] = r
        return ok, r


def stem_of(path):
    p = Path(path)
    if p.resolve() == DEMO_LOG.resolve():
        return 'demo'
    name = p.name
    for ext in ('.gz', '.xes'):
        if name.endswith(ext):
            name = name[:-len(ext)]
    return name


def select_events(df):
    """Returns (selected and sorted dataframe, whether only 'complete' events were kept)."""
    only_complete = True
    if LC in df.columns:
        lc = df[LC].fillna('complete').astype(str).str.lower()
        only_complete = set(lc.unique()) <= STANDARD
        if only_complete:
            df = df[lc == 'complete']
    return df.sort_values([CASE, TS], kind='stable').reset_index(drop=True), only_complete


def _label_key(x):
    return (x is not None, x if x is not None else '')


def net_structure(net, im, fm):
    """Id-free description: transition labels (None = silent), and per place its preset/postset labels and tokens."""
    places = []
    for p in net.places:
        places.append({
            'preset': sorted((a.source.label for a in p.in_arcs), key=_label_key),
            'postset': sorted((a.target.label for a in p.out_arcs), key=_label_key),
            'initial': im.get(p, 0),
            'final': fm.get(p, 0),
        })

    def pkey(d):
        return ([_label_key(x) for x in d['preset']], [_label_key(x) for x in d['postset']], d['initial'], d['final'])

    places.sort(key=pkey)
    return {
        'transitions': sorted((t.label for t in net.transitions), key=_label_key),
        'silent_transitions': sum(1 for t in net.transitions if t.label is None),
        'places': places,
        'counts': {'places': len(net.places), 'transitions': len(net.transitions), 'arcs': len(net.arcs)},
    }


UUID = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')


def write_pnml(net, im, fm, path, net_id):
    """pm4py.write_pnml, then made reproducible: random ids replaced, elements in a fixed order.

    PM4Py names the net after the clock, names the visible transitions of a process-tree net with random UUIDs and
    the arcs after memory addresses, and writes elements in memory-address order. Here the net id becomes net_id,
    a UUID transition is renamed to its label (with a numeric suffix when that name is taken), the random ProM
    localNodeID of a silent transition becomes the transition's id, arcs are numbered after sorting them by
    (source, target), and places, transitions and arcs are written sorted by id. The net
    itself (places, transitions, labels, arcs, markings) is exactly PM4Py's."""
    import pm4py
    import xml.etree.ElementTree as ET
    net.name = net_id
    taken = {t.name for t in net.transitions} | {p.name for p in net.places}
    for t in sorted(net.transitions, key=lambda t: (_label_key(t.label), t.name)):
        if UUID.match(str(t.name)):
            base = t.label if t.label is not None else 'tau'
            name, n = base, 1
            while name in taken:
                n += 1
                name = '%s_%d' % (base, n)
            taken.add(name)
            t.name = name
    pm4py.write_pnml(net, im, fm, str(path))
    tree = ET.parse(path)
    page = tree.getroot().find('net/page')
    kids = list(page)
    for k in kids:
        page.remove(k)
    order = {'place': 0, 'transition': 1, 'arc': 2}
    arcs = sorted((k for k in kids if k.tag == 'arc'), key=lambda a: (a.get('source'), a.get('target')))
    for i, a in enumerate(arcs):
        a.set('id', 'arc_%d' % i)
    others = sorted((k for k in kids if k.tag != 'arc'), key=lambda k: (order.get(k.tag, 3), k.get('id') or ''))
    for k in others + arcs:
        page.append(k)
    for t in page.iter('transition'):
        for ts in t.iter('toolspecific'):
            if ts.get('localNodeID'):
                ts.set('localNodeID', t.get('id'))
    for marking in tree.getroot().iter('marking'):
        places = sorted(marking, key=lambda p: p.get('idref') or '')
        for p in list(marking):
            marking.remove(p)
        for p in places:
            marking.append(p)
    ET.indent(tree, space='  ')
    tree.write(path, encoding='UTF-8', xml_declaration=True)
    with open(path, 'a') as f:
        f.write('\n')


def trace_variants(log):
    return [tuple(e[ACT] for e in tr) for tr in log]


def per_variant(log, diag, fields):
    """One object per distinct activity sequence: {"trace": [...], "count": n, <fields>}, sorted by count
    (descending), then sequence. fields maps output name -> key of PM4Py's per-trace dict. PM4Py computes each
    variant once, so all traces of a variant share their figures; were they to differ, "inconsistent": true."""
    per = {}
    for seq, d in zip(trace_variants(log), diag):
        if d is None:
            continue
        v = {name: d.get(key) for name, key in fields.items()}
        if seq in per:
            per[seq]['count'] += 1
            if any(per[seq][k] != x for k, x in v.items()):
                per[seq]['inconsistent'] = True
        else:
            per[seq] = dict(count=1, **v)
    return [dict(trace=list(seq), **vals) for seq, vals in sorted(per.items(), key=lambda p: (-p[1]['count'], p[0]))]


TBR_FIELDS = {'trace_fitness': 'trace_fitness', 'trace_is_fit': 'trace_is_fit', 'produced': 'produced_tokens', 'consumed': 'consumed_tokens',
              'missing': 'missing_tokens', 'remaining': 'remaining_tokens'}
ALIGN_FIELDS = {'cost': 'cost', 'fitness': 'fitness', 'bwc': 'bwc'}


def rebuild_net(net, im, fm, seed):
    """The same net built anew with its places, transitions and arcs created in a shuffled (seeded) order, so
    that the new objects sit at other addresses and Python sets of them iterate in another order."""
    import random
    from pm4py.objects.petri_net.obj import PetriNet, Marking
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to
    rnd = random.Random(seed)
    n, m = PetriNet(net.name), {}
    places = sorted(net.places, key=lambda p: str(p.name))
    transitions = sorted(net.transitions, key=lambda t: str(t.name))
    arcs = sorted(net.arcs, key=lambda a: (str(a.source.name), str(a.target.name)))
    for xs in (places, transitions, arcs):
        rnd.shuffle(xs)
    for p in places:
        m[p] = PetriNet.Place(p.name)
        n.places.add(m[p])
    for t in transitions:
        m[t] = PetriNet.Transition(t.name, t.label)
        n.transitions.add(m[t])
    for a in arcs:
        add_arc_from_to(m[a.source], m[a.target], n, weight=a.weight)
    return n, Marking({m[p]: k for p, k in im.items()}), Marking({m[p]: k for p, k in fm.items()})


def token_replay_block(R, tag, df, log, net, im, fm, rebuilds):
    """Token-based replay of one net.

    "fitness" is pm4py.fitness_token_based_replay(df, ...); "totals" and "variants" come from
    pm4py.conformance_diagnostics_token_based_replay on the event log, and "diagnostics_fitness" is PM4Py's own
    evaluation of those (pm4py.algo.evaluation.replay_fitness.variants.token_replay.evaluate, the function
    fitness_token_based_replay ends with).

    PM4Py's token replay is not always deterministic: where several invisible paths can enable a transition it
    takes the first one found while walking Python sets of net objects, which are ordered by memory address, so
    on some nets (helpdesk/heuristics, for one) the figures change from process to process. "order_check" replays
    `rebuilds` copies of the net built in shuffled orders (rebuild_net) and lists every log fitness seen;
    "stable" is false when they differ from each other or from the reported run, whose figures are then only one
    of PM4Py's possible answers."""
    import pm4py
    from pm4py.algo.evaluation.replay_fitness.variants import token_replay as tr_eval
    out = {}
    ok, fit = R.run(tag + '_token_fitness', pm4py.fitness_token_based_replay, df, net, im, fm)
    out['fitness'] = fit
    ok, diag = R.run(tag + '_token_diagnostics', pm4py.conformance_diagnostics_token_based_replay, log, net, im, fm)
    if not ok:
        out['totals'] = out['variants'] = diag
        return out
    out['diagnostics_fitness'] = tr_eval.evaluate(diag)
    out['totals'] = {name: sum(d[key] for d in diag) for name, key in TBR_FIELDS.items()
                     if name not in ('trace_fitness', 'trace_is_fit')}
    out['totals']['traces'] = len(diag)
    out['totals']['fitting_traces'] = sum(1 for d in diag if d['trace_is_fit'])
    out['variants'] = per_variant(log, diag, TBR_FIELDS)
    reported = {out['diagnostics_fitness']['log_fitness']}
    if isinstance(fit, dict):
        reported.add(fit['log_fitness'])
    seen, copies = {}, []
    t = time.perf_counter()
    for seed in range(rebuilds):
        copies.append(rebuild_net(net, im, fm, seed))  # kept alive so that later copies get fresh addresses
        ok, d = R.run(tag + '_token_order_check', pm4py.conformance_diagnostics_token_based_replay, log, *copies[-1])
        if not ok:
            seen[d] = seen.get(d, 0) + 1
            continue
        lf = tr_eval.evaluate(d)['log_fitness']
        seen[lf] = seen.get(lf, 0) + 1
    R.seconds[tag + '_token_order_check'] = round(time.perf_counter() - t, 4)
    out['order_check'] = {
        'rebuilds': rebuilds,
        'log_fitness_seen': [{'log_fitness': k, 'runs': n} for k, n in sorted(seen.items(), key=lambda p: str(p[0]))],
        'stable': len(set(seen) | reported) == 1,
    }
    return out


def alignment_block(R, tag, log, net, im, fm):
    import pm4py
    from pm4py.algo.evaluation.replay_fitness.variants import alignment_based
    out = {}
    ok, diag = R.run(tag + '_alignments', pm4py.conformance_diagnostics_alignments, log, net, im, fm)
    if ok:
        ev = alignment_based.evaluate(diag)
        out['fitness'] = {k: ev[k] for k in ('log_fitness', 'average_trace_fitness', 'percentage_of_fitting_traces')}
        out['totals'] = {'cost': sum(d['cost'] for d in diag if d is not None),
                         'bwc': sum(d['bwc'] for d in diag if d is not None),
                         'traces': sum(1 for d in diag if d is not None),
                         'fitting_traces': sum(1 for d in diag if d is not None and d['fitness'] == 1.0)}
        out['variants'] = per_variant(log, diag, ALIGN_FIELDS)
    else:
        out['fitness'] = out['totals'] = out['variants'] = diag
    return out


def reference(path, timeout, tbr_rebuilds):
    R = Runner(timeout)
    t = time.perf_counter()
    import pm4py
    from pm4py.algo.discovery.inductive import algorithm as inductive
    from pm4py.algo.discovery.alpha import algorithm as alpha_algo
    from pm4py.objects.dfg.obj import DFG
    R.seconds['import_pm4py_module'] = round(time.perf_counter() - t, 4)

    out = {'log': Path(path).name, 'pm4py_version': pm4py.__version__, 'imf_noise': IMF_NOISE,
           'heuristics_params': HEURISTICS_PARAMS, 'alpha_params': 'pm4py.discover_petri_net_alpha defaults',
           'imd_call': 'pm4py.algo.discovery.inductive.algorithm.apply(pm4py.objects.dfg.obj.DFG(*pm4py.discover_dfg(df)),'
                       ' variant=pm4py.algo.discovery.inductive.algorithm.Variants.IMd)',
           'imd_from_variants_call': 'pm4py.algo.discovery.inductive.algorithm.apply(df,'
                                     ' variant=pm4py.algo.discovery.inductive.algorithm.Variants.IMd)'}
    ok, raw = R.run('import', pm4py.read_xes, str(path))
    if not ok:
        raise SystemExit('%s: %s' % (path, raw))
    t = time.perf_counter()
    df, out['complete_events_only'] = select_events(raw)
    R.seconds['select_sort'] = round(time.perf_counter() - t, 4)
    out['cases'] = int(df[CASE].nunique())
    out['events'] = int(len(df))
    out['activities'] = sorted(df[ACT].astype(str).unique().tolist())
    ok, variants = R.run('variants', pm4py.get_variants, df)
    out['variants'] = len(variants) if ok else variants

    ok_dfg, dfg = R.run('dfg', pm4py.discover_dfg, df)
    if ok_dfg:
        g, sa, ea = dfg
        out['dfg_edges'] = len(g)

    ok, tree_im = R.run('im', pm4py.discover_process_tree_inductive, df, noise_threshold=0.0)
    out['im_tree'] = str(tree_im)
    ok_imf, tree_imf = R.run('imf', pm4py.discover_process_tree_inductive, df, noise_threshold=IMF_NOISE)
    out['imf_tree'] = str(tree_imf)
    if ok_dfg:
        ok, tree_imd = R.run('imd', inductive.apply, DFG(g, sa, ea), variant=inductive.Variants.IMd)
        out['imd_tree'] = str(tree_imd)
    else:
        out['imd_tree'] = 'error: no DFG'
    # PM4Py's IMd on the DFG of the variants (the same stable event order as IM/IMf), which can differ from
    # pm4py.discover_dfg(df) where events of a case share a timestamp (discover_dfg re-sorts them)
    ok, tree_imdv = R.run('imd_variants', inductive.apply, df, variant=inductive.Variants.IMd)
    out['imd_tree_from_variants'] = str(tree_imdv)

    nets = {}
    for tag, tree in (('imf', tree_imf), ('im', tree_im)):
        if isinstance(tree, str):
            continue
        ok, r = R.run(tag + '_to_net', pm4py.convert_to_petri_net, tree)
        if ok:
            nets[tag] = r
    ok, r = R.run('alpha', pm4py.discover_petri_net_alpha, df)
    if ok:
        nets['alpha'] = r
    else:
        out['alpha_net'] = r
    ok, r = R.run('alpha_plus', alpha_algo.apply, df, variant=alpha_algo.Variants.ALPHA_VERSION_PLUS)
    if ok:
        nets['alpha_plus'] = r
    else:
        out['alpha_plus_net'] = r
    ok, r = R.run('heuristics', pm4py.discover_petri_net_heuristics, df, **HEURISTICS_PARAMS)
    if ok:
        nets['heuristics'] = r
    else:
        out['heuristics_net'] = r
    for tag, (net, im, fm) in nets.items():
        out[tag + '_net'] = net_structure(net, im, fm)
        if tag != 'alpha_plus':
            write_pnml(net, im, fm, OUT_DIR / ('%s.pnml' % tag), '%s_%s' % (stem_of(path), tag))

    ok_log, log = R.run('to_event_log', pm4py.convert_to_event_log, df)
    if ok_log:
        n = len(set(trace_variants(log)))
        if n != out['variants']:
            out['warning'] = 'event log has %d variants, dataframe %s' % (n, out['variants'])

    # token-based replay (cheap) on every net
    for tag in ('imf', 'im', 'alpha', 'heuristics'):
        if tag in nets and ok_log:
            out[tag + '_token_replay'] = token_replay_block(R, tag, df, log, *nets[tag], rebuilds=tbr_rebuilds)
        else:
            out[tag + '_token_replay'] = 'error: no net or event log'

    if 'imf' in nets:
        net, im, fm = nets['imf']
        out['imf_precision_token_based_replay'] = R.run('imf_precision_tbr', pm4py.precision_token_based_replay,
                                                        df, net, im, fm)[1]
        out['imf_generalization_tbr'] = R.run('imf_generalization_tbr', pm4py.generalization_tbr, df, net, im, fm)[1]
        out['imf_simplicity'] = R.run('imf_simplicity', pm4py.simplicity_petri_net, net, im, fm)[1]

    # alignments (expensive) last
    for tag in ('imf', 'im'):
        if tag in nets and ok_log:
            out[tag + '_alignments'] = alignment_block(R, tag, log, *nets[tag])
    if 'imf' in nets:
        net, im, fm = nets['imf']
        out['imf_precision_alignments'] = R.run('imf_precision_alignments', pm4py.precision_alignments,
                                                df, net, im, fm)[1]
    out['seconds'] = R.seconds
    out['failed_steps'] = R.failed
    out['step_timeout_seconds'] = timeout
    return out


def large(path, timeout):
    R = Runner(timeout)
    t = time.perf_counter()
    import pm4py
    R.seconds['import_pm4py_module'] = round(time.perf_counter() - t, 4)
    out = {'log': Path(path).name, 'pm4py_version': pm4py.__version__, 'imf_noise': IMF_NOISE}
    ok, raw = R.run('import', pm4py.read_xes, str(path))
    if not ok:
        raise SystemExit('%s: %s' % (path, raw))
    t = time.perf_counter()
    df, out['complete_events_only'] = select_events(raw)
    R.seconds['select_sort'] = round(time.perf_counter() - t, 4)
    out['cases'] = int(df[CASE].nunique())
    out['events'] = int(len(df))
    out['activities'] = sorted(df[ACT].astype(str).unique().tolist())
    ok, tree = R.run('imf', pm4py.discover_process_tree_inductive, df, noise_threshold=IMF_NOISE)
    out['imf_tree'] = str(tree)
    out['seconds'] = R.seconds
    out['failed_steps'] = R.failed
    out['note'] = 'one run on this machine; import = pm4py.read_xes of the gzipped XES, imf = the discovery alone'
    return out


def dumps(obj, indent=0):
    """JSON with sorted keys; a short list or object, or one whose members are scalars or lists of scalars (a
    variant, a place), stays on one line."""
    flat = json.dumps(obj, sort_keys=True, default=str)
    if not isinstance(obj, (dict, list)) or len(flat) <= 100 or all(
            not isinstance(v, dict) and not (isinstance(v, list) and any(isinstance(x, (dict, list)) for x in v))
            for v in (obj.values() if isinstance(obj, dict) else obj)):
        return flat
    pad, inner = ' ' * indent, ' ' * (indent + 1)
    if isinstance(obj, dict):
        body = [inner + json.dumps(str(k)) + ': ' + dumps(obj[k], indent + 1) for k in sorted(obj)]
        return '{\n' + ',\n'.join(body) + '\n' + pad + '}'
    return '[\n' + ',\n'.join(inner + dumps(v, indent + 1) for v in obj) + '\n' + pad + ']'


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'w') as f:
        f.write(dumps(obj) + '\n')


STEPS = ['import', 'dfg', 'variants', 'im', 'imf', 'imd', 'alpha', 'alpha_plus', 'heuristics', 'imf_token_fitness',
         'imf_token_diagnostics', 'imf_precision_tbr', 'imf_generalization_tbr', 'imf_alignments', 'im_alignments',
         'imf_precision_alignments', 'total']


def table():
    rows = []
    for d in sorted(HERE.iterdir()):
        f = d / 'reference.json'
        if d.is_dir() and f.exists() and d.name != 'large':
            j = json.load(open(f))
            rows.append((d.name, j['events'], j['seconds']))
    print('| log | events | ' + ' | '.join(STEPS) + ' |')
    print('|---|---:|' + '---:|' * len(STEPS))
    def fmt(v):
        return '' if v is None else '%.3f' % v if v < 10 else '%.1f' % v

    for name, ev, s in rows:
        print('| %s | %s | ' % (name, '{:,}'.format(ev)) + ' | '.join(fmt(s.get(k)) for k in STEPS) + ' |')


OUT_DIR = HERE


def resolve(arg, logs_dir):
    if arg == 'demo':
        return DEMO_LOG
    p = Path(arg)
    if p.exists():
        return p
    for name in SHARED_LOGS:
        if stem_of(name) == arg:
            return logs_dir / name
    raise SystemExit('unknown log %r' % arg)


def main():
    global OUT_DIR
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('logs', nargs='*', help='log paths or stems (default: every shared log and the demo log)')
    ap.add_argument('--logs-dir', type=Path, default=DEFAULT_LOGS_DIR)
    ap.add_argument('--jobs', type=int, default=1, help='logs processed in parallel (one process each)')
    ap.add_argument('--step-timeout', type=int, default=1200)
    ap.add_argument('--tbr-rebuilds', type=int, default=5,
                    help='shuffled copies of each net replayed to check token replay for order dependence')
    ap.add_argument('--large', help='time IMf on this large log, write large/reference.json')
    ap.add_argument('--table', action='store_true', help='print the Markdown timing table and exit')
    args = ap.parse_args()
    if os.environ.get('PYTHONHASHSEED') != '0':
        # string-set iteration order (Alpha place names, some tie-breaking) must not change between runs
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED='0'))
    if args.table:
        return table()
    if args.large:
        write_json(HERE / 'large' / 'reference.json', large(args.large, args.step_timeout))
        return
    paths = [resolve(a, args.logs_dir) for a in args.logs] if args.logs else \
        [args.logs_dir / n for n in SHARED_LOGS if (args.logs_dir / n).exists()] + [DEMO_LOG]
    if len(paths) > 1:
        # one child process per log, at most --jobs at a time
        pending, running, failed = list(paths), [], []
        while pending or running:
            while pending and len(running) < max(1, args.jobs):
                p = pending.pop(0)
                cmd = [sys.executable, __file__, str(p), '--step-timeout', str(args.step_timeout),
                       '--tbr-rebuilds', str(args.tbr_rebuilds)]
                running.append((p, subprocess.Popen(cmd)))
            time.sleep(1)
            for p, proc in list(running):
                if proc.poll() is not None:
                    running.remove((p, proc))
                    if proc.returncode:
                        failed.append(str(p))
        if failed:
            raise SystemExit('failed: ' + ', '.join(failed))
        return
    path = paths[0]
    OUT_DIR = HERE / stem_of(path)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    out = reference(path, args.step_timeout, args.tbr_rebuilds)
    out['seconds']['total'] = round(time.perf_counter() - t, 4)
    write_json(OUT_DIR / 'reference.json', out)
    print('%s: done in %.1f s' % (path, out['seconds']['total']), file=sys.stderr)


if __name__ == '__main__':
    main()
