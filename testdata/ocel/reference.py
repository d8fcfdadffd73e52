#!/usr/bin/env python3
"""PM4Py reference figures for pmx's object-centric (OCEL) import, flattening, statistics and OC-DFG.

Needs PM4Py (written against pm4py 2.7.23.11 on CPython 3.11): pip install pm4py==2.7.23.11

Run from the module root (the directory holding go.mod):

    python3 testdata/ocel/reference.py            # logs from ../shared/logs (or --logs-dir / $PMX_SHARED_LOGS)

For each shared OCEL log it writes testdata/ocel/<stem>.json:
    events, objects                 len(ocel.events), len(ocel.objects)
    e2o                             distinct (event id, object id) pairs of ocel.relations
    o2o                             len(ocel.o2o)
    objects_per_type                ocel.objects grouped by ocel:type
    events_per_type                 ocel.events grouped by ocel:activity
    flattened[type]                 pm4py.ocel_flattening(ocel, type): cases, events, variants, and the DFG
                                    (pm4py.discover_dfg on the flattened frame) as [from, to, count]
    ocdfg[type]                     pm4py.discover_ocdfg(ocel): per object type, activities_ot, start and end
                                    activities and edges, each with len() of events / event_couples,
                                    unique_objects and total_objects
Lists are sorted so the files are deterministic.

With --fixtures it also writes the JSON and XML forms of ocel20_example.sqlite as PM4Py writes them
(pm4py.write_ocel2_json / write_ocel2_xml): testdata/ocel/example.jsonocel and example.xmlocel, the fixtures the
Go readers' tests read in every form (the "@@cumcount" attribute declarations are PM4Py's own).
"""
import argparse
import json
import os
import sys

import pm4py

LOGS = ["ocel20_example.sqlite", "recruiting-red.jsonocel"]


def read(path):
    if path.endswith(".sqlite"):
        return pm4py.read_ocel2_sqlite(path)
    if path.endswith(".jsonocel"):
        return pm4py.read_ocel(path)
    if path.endswith(".xmlocel"):
        return pm4py.read_ocel2_xml(path)
    return pm4py.read_ocel2_json(path)


def counts(series):
    return {str(k): int(v) for k, v in sorted(series.value_counts().items())}


def nodes(d, ot):
    """activities_ot / start / end: {events, unique_objects, total_objects} per activity."""
    out = {}
    for metric, key in (("events", "events"), ("unique_objects", "unique_objects"), ("total_objects", "total_objects")):
        for act, v in d[key].get(ot, {}).items():
            out.setdefault(act, {})[metric] = len(v)
    return [dict(activity=a, **out[a]) for a in sorted(out)]


def reference(path):
    ocel = read(path)
    ev_id, obj_id, ot_col, act = ocel.event_id_column, ocel.object_id_column, ocel.object_type_column, ocel.event_activity
    ref = {
        "pm4py": pm4py.__version__,
        "log": os.path.basename(path),
        "events": int(len(ocel.events)),
        "objects": int(len(ocel.objects)),
        "e2o": int(len(ocel.relations[[ev_id, obj_id]].drop_duplicates())),
        "o2o": int(len(ocel.o2o)) if getattr(ocel, "o2o", None) is not None else 0,
        "objects_per_type": counts(ocel.objects[ot_col]),
        "events_per_type": counts(ocel.events[act]),
        "flattened": {},
        "ocdfg": {},
    }
    for ot in sorted(ocel.objects[ot_col].unique()):
        flat = pm4py.ocel_flattening(ocel, ot)
        if len(flat) == 0:
            ref["flattened"][ot] = {"cases": 0, "events": 0, "variants": 0, "dfg": []}
            continue
        flat = flat.sort_values(["case:concept:name", "time:timestamp"], kind="stable")
        dfg, _, _ = pm4py.discover_dfg(flat)
        variants = pm4py.get_variants(flat)
        ref["flattened"][ot] = {
            "cases": int(flat["case:concept:name"].nunique()),
            "events": int(len(flat)),
            "variants": int(len(variants)),
            "dfg": [[a, b, int(c)] for (a, b), c in sorted(dfg.items())],
        }
    oc = pm4py.discover_ocdfg(ocel)
    for ot in sorted(oc["object_types"]):
        edges = {}
        for metric in ("event_couples", "unique_objects", "total_objects"):
            for (a, b), v in oc["edges"][metric].get(ot, {}).items():
                edges.setdefault((a, b), {})[metric] = len(v)
        ref["ocdfg"][ot] = {
            "activities": nodes(oc["activities_ot"], ot),
            "start_activities": nodes(oc["start_activities"], ot),
            "end_activities": nodes(oc["end_activities"], ot),
            "edges": [dict(source=a, target=b, **edges[(a, b)]) for (a, b) in sorted(edges)],
        }
    return ref


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--logs-dir", default=os.environ.get("PMX_SHARED_LOGS", os.path.join("..", "shared", "logs")))
    ap.add_argument("--fixtures", action="store_true", help="also write example.jsonocel and example.xmlocel")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    if args.fixtures:
        ocel = pm4py.read_ocel2_sqlite(os.path.join(args.logs_dir, "ocel20_example.sqlite"))
        pm4py.write_ocel2_json(ocel, os.path.join(here, "example.jsonocel"))
        pm4py.write_ocel2_xml(ocel, os.path.join(here, "example.xmlocel"))
    for name in LOGS:
        path = os.path.join(args.logs_dir, name)
        if not os.path.exists(path):
            print(f"skip {path}: not found", file=sys.stderr)
            continue
        ref = reference(path)
        out = os.path.join(here, name.split(".")[0] + ".json")
        with open(out, "w") as f:
            json.dump(ref, f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
