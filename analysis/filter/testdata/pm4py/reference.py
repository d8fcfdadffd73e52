"""Reference case ids for pmx filters, computed with PM4Py's filters.

Run from analysis/filter:  python3 testdata/pm4py/reference.py ../../../shared/logs
(every shared XES log; about 15 s)
Writes testdata/pm4py/reference.json: per log and filter, the pmx criteria
(as analysis/filter.Criteria JSON) and the sorted case ids PM4Py keeps. The
parameters are chosen from each log (its most frequent activities and edge,
the middle third of its time span, ...) so the script needs no per-log hand
tuning; TestPM4Py applies the same criteria with pmx and compares.
"""
import json
import os
import sys

import pandas as pd
import pm4py

LOGS = ["running-example.xes", "receipt.xes.gz", "repair_example.xes.gz", "helpdesk.xes.gz", "bpic2013_incidents.xes.gz",
        "roadtraffic100traces.xes", "reviewing.xes", "interval_event_log.xes"]


STANDARD = {"schedule", "assign", "withdraw", "reassign", "start", "suspend", "resume", "pi_abort",
            "ate_abort", "complete", "autoskip", "manualskip", "unknown"}


def ids(df):
    return sorted(str(c) for c in df["case:concept:name"].unique())


def iso(ts):
    return pd.Timestamp(ts).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def filters(df):
    out = {}
    # Where every lifecycle value is of the XES standard model, only
    # completions are activity instances in pmx (PM4Py sees every row);
    # otherwise (e.g. BPIC 2013's statuses) every event is one.
    if "lifecycle:transition" in df.columns:
        lc = df["lifecycle:transition"].fillna("complete").astype(str).str.lower()
        if lc.isin(STANDARD).all():
            df = df[lc == "complete"]
    df = df.sort_values(["case:concept:name", "time:timestamp"], kind="stable")
    acts = df["concept:name"].value_counts()
    a1, a2 = acts.index[0], acts.index[min(len(acts) - 1, len(acts) // 2)]
    lo, hi = df["time:timestamp"].min(), df["time:timestamp"].max()
    t1, t2 = lo + (hi - lo) / 3, lo + 2 * (hi - lo) / 3
    t1, t2 = pd.Timestamp(iso(t1)), pd.Timestamp(iso(t2))
    for mode, pmx in [("traces_contained", "contained"), ("traces_intersecting", "intersecting")]:
        kept = pm4py.filter_time_range(df, t1.strftime("%Y-%m-%d %H:%M:%S"), t2.strftime("%Y-%m-%d %H:%M:%S"), mode=mode)
        out["time_" + pmx] = ({"from": iso(t1), "to": iso(t2), "cases": pmx}, ids(kept))
    kept = pm4py.filter_time_range(df, t1.strftime("%Y-%m-%d %H:%M:%S"), t2.strftime("%Y-%m-%d %H:%M:%S"), mode="events")
    out["time_trim"] = ({"from": iso(t1), "to": iso(t2), "trim": True}, ids(kept), len(kept))
    # top-k variants, k chosen where the k-th and (k+1)-th counts differ
    variants = pm4py.get_variants(df)
    counts = sorted(variants.values(), reverse=True)
    k = next((i for i in range(min(3, len(counts)), len(counts)) if counts[i - 1] != counts[i]), len(counts))
    out["top_variants"] = ({"top_variants": k}, ids(pm4py.filter_variants_top_k(df, k)))
    out["has"] = ({"has": [a2]}, ids(pm4py.filter_event_attribute_values(df, "concept:name", [a2], level="case", retain=True)))
    out["not_has"] = ({"not_has": [a2]}, ids(pm4py.filter_event_attribute_values(df, "concept:name", [a2], level="case", retain=False)))
    res = df["org:resource"].dropna().value_counts() if "org:resource" in df.columns else []
    if len(res):
        r = res.index[0]
        out["where_resource"] = ({"where": "org:resource = '%s'" % r.replace("'", "''")},
                                 ids(pm4py.filter_event_attribute_values(df, "org:resource", [r], level="case", retain=True)))
    case_attrs = sorted(c for c in df.columns if c.startswith("case:") and c != "case:concept:name")
    if case_attrs:
        col = case_attrs[0]
        v = df[col].dropna().astype(str).value_counts().index[0]
        out["where_case_attribute"] = ({"where": "%s = '%s'" % (col, v.replace("'", "''"))},
                                       ids(pm4py.filter_trace_attribute_values(df, col, [v])))
    dfg, _, _ = pm4py.discover_dfg(df)
    (x, y) = sorted(dfg.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    out["follows"] = ({"follows": [[x, y]]}, ids(pm4py.filter_directly_follows_relation(df, [(x, y)])))
    durs = pm4py.get_all_case_durations(df)
    durs = sorted(durs)
    dmin, dmax = float(durs[len(durs) // 4]), float(durs[3 * len(durs) // 4])
    if dmin == 0:
        dmin = 1
    out["performance"] = ({"min_duration_seconds": dmin, "max_duration_seconds": dmax},
                          ids(pm4py.filter_case_performance(df, dmin, dmax)))
    out["starts_with"] = ({"starts_with": a1}, ids(pm4py.filter_start_activities(df, [a1])))
    out["ends_with"] = ({"ends_with": a1}, ids(pm4py.filter_end_activities(df, [a1])))
    return out


def main():
    root = sys.argv[1]
    result = {}
    for name in LOGS:
        df = pm4py.read_xes(os.path.join(root, name))
        result[name] = {k: dict(zip(("criteria", "cases", "events"), v)) for k, v in sorted(filters(df).items())}
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "reference.json"), "w") as f:
        json.dump({"pm4py": pm4py.__version__, "logs": result}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
