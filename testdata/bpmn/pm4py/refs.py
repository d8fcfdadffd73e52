#!/usr/bin/env python3
"""PM4Py's figures for the BPMN files of this directory, for mining/bpmn/pm4py_test.go.

    python3 refs.py [--logs ../../../../shared/logs] > refs.json

For every *.bpmn here: pm4py.read_bpmn, pm4py.convert_to_petri_net (PM4Py's BPMN conversion with its default
reduction), then pm4py.fitness_alignments and pm4py.precision_alignments on the shared log the file belongs to:
imf_<stem>.bpmn is pmx's export of the IMf model of <stem> (mining/bpmn TestWritePM4PyModels), hand_*.bpmn are
hand-written models of the running example. Events are selected as in ../../../../shared/logs/README.md (only
'complete' events where every lifecycle value is a standard XES transition; otherwise every event), activity =
concept:name, ordered by time within a case (stable), as mining/internal/testlogs loads them.
"""
import argparse, glob, json, os, sys

STANDARD = {'schedule', 'assign', 'withdraw', 'reassign', 'start', 'suspend', 'resume', 'pi_abort',
            'ate_abort', 'complete', 'autoskip', 'manualskip', 'unknown'}

LOGS = {
    'running-example': 'running-example.xes',
    'reviewing': 'reviewing.xes',
    'roadtraffic100traces': 'roadtraffic100traces.xes',
    'repair_example': 'repair_example.xes.gz',
    'interval_event_log': 'interval_event_log.xes',
    'helpdesk': 'helpdesk.xes.gz',
    'receipt': 'receipt.xes.gz',
    'bpic2013_incidents': 'bpic2013_incidents.xes.gz',
}


def log_of(name):
    stem = name[:-len('.bpmn')]
    if stem.startswith('imf_'):
        return stem[len('imf_'):]
    return 'running-example'


def load(path):
    import pm4py
    df = pm4py.read_xes(path)
    if 'lifecycle:transition' in df.columns:
        values = set(df['lifecycle:transition'].dropna().astype(str).str.lower())
        if values <= STANDARD:
            df = df[df['lifecycle:transition'].fillna('complete').astype(str).str.lower() == 'complete']
    return df.sort_values(['case:concept:name', 'time:timestamp'], kind='stable')


def main():
    import pm4py
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser()
    p.add_argument('--logs', default=os.path.join(here, '..', '..', '..', '..', 'shared', 'logs'))
    args = p.parse_args()
    out, logs = {}, {}
    for path in sorted(glob.glob(os.path.join(here, '*.bpmn'))):
        name = os.path.basename(path)
        stem = log_of(name)
        if stem not in logs:
            logs[stem] = load(os.path.join(args.logs, LOGS[stem]))
        df = logs[stem]
        net, im, fm = pm4py.convert_to_petri_net(pm4py.read_bpmn(path))
        fit = pm4py.fitness_alignments(df, net, im, fm)
        prec = pm4py.precision_alignments(df, net, im, fm)
        out[name] = {
            'log': stem,
            'pm4py_version': pm4py.__version__,
            'net': {'places': len(net.places), 'transitions': len(net.transitions), 'arcs': len(net.arcs)},
            'fitness': {k: fit[k] for k in ('log_fitness', 'average_trace_fitness', 'percentage_of_fitting_traces')},
            'precision': prec,
        }
        print(name, out[name]['fitness']['log_fitness'], prec, file=sys.stderr)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == '__main__':
    main()
