#!/usr/bin/env python3
"""Prosimos side of pmx's simulator benchmark: the same process, simulated by both engines.

pmx's issue asks for "≥ 1M simulated events/s per core (BenchmarkSimulate)" and for Prosimos (the simulation engine
behind Simod, https://github.com/AutomatedProcessImprovement/Prosimos) to be measured side by side on a model of the
same size. This script holds that model once (ARRIVALS_PER_HOUR, ARRIVAL_HOURS, POOLS, ACTIVITIES and PROCESS
below) and

  * writes it as Prosimos input, a BPMN file and a JSON file of simulation parameters, into a temporary directory
    (removed afterwards unless --keep), runs prosimos.simulation_engine.run_simulation on it for --cases cases with
    the event log written as CSV (Prosimos's log output), and prints one JSON object per run: cases, events (rows
    of the log, i.e. activity instances), wall and CPU seconds, events/s, and a few figures of the simulated log
    (events per case, per-activity counts and mean waiting, mean cycle time) to compare with pmx's;
  * with --pmx-yaml FILE, writes the same model in pmx's model format (analysis/sim/model/model.go) instead.
    testdata/sim/prosimos/pmx-model.yaml was written so; BenchmarkSimulateProsimosShape
    (analysis/sim/engine/prosimos_bench_test.go) simulates it.

Needs Prosimos (tested with prosimos 2.1.0 on CPython 3.11.7):  pip install prosimos==2.1.0
Run from anywhere:

    python3 testdata/sim/prosimos/bench.py                      # one run, 25,000 cases
    python3 testdata/sim/prosimos/bench.py --runs 3             # three runs (seeds 1, 2, 3), one JSON line each
    python3 testdata/sim/prosimos/bench.py --pmx-yaml testdata/sim/prosimos/pmx-model.yaml

and pmx's side, from the module root (reading, compiling and simulating the same 25,000 cases per iteration):

    go test -tags duckdb_arrow -run '^$' -bench SimulateProsimosShape -benchtime 20x -count 5 ./analysis/sim/engine/
    go test -tags duckdb_arrow -run TestProsimosShape -v ./analysis/sim/engine/   # the figures of pmx's log

Both engines simulate on one thread (Go's garbage collector may use a second). "events_per_cpu_s" (and pmx's events/cpu-s) divide by the process's CPU time, which
a machine busy with other work inflates less than the wall time.

The model: a service desk, 10 activities in a process tree with exclusive choices and a loop (about 7.1 activity
instances per case), 3 pools of 8 resources each with office-hour calendars (the resources' speeds 0.80 … 1.15
multiply the durations), log-normal and gamma working times, Poisson arrivals at 10 an hour Monday to Friday
08:00-18:00 (UTC), the pools loaded 67-76 %. Both engines start on Monday 2026-01-05 00:00 UTC.

How the Prosimos input says the same thing:
  * the tree becomes a BPMN process: a sequence of tasks, each X( … ) an exclusive split and join gateway with the
    branching probabilities on the split's outgoing flows, the loop *( Resolve, Reopen ) a join before Resolve and a
    split after it (to Reopen with the redo probability, else on);
  * each pool is a resource profile whose 8 resources are listed one by one (amount 1); a resource's speed s is
    folded into its own duration distribution (Prosimos gives every task-resource pair its own): mean·s and
    variance·s², which is exactly pmx's "drawn duration × speed" for log-normal and gamma;
  * Prosimos takes log-normal and gamma as mean and variance (pix_framework's DurationDistribution turns them back
    into mu, sigma and shape, scale exactly); min 0 and a max of 1e9 s (never reached) bound them;
  * arrivals: exponential gaps of 3600/10 s with the arrival calendar Monday-Friday 08:00-18:00. pmx's arrival clock
    runs at 10 an hour in those hours and stops outside them (a Poisson process on working hours); Prosimos draws a
    gap in calendar time and, when it ends outside the arrival calendar, moves the arrival to the calendar's next
    opening, so it puts one arrival at about 08:00 on most days (about 1 % more cases per week, same case count).

Differences that remain (the engines' own rules, not the model's): both serve a pool's work first come first served
by the resource that is free earliest, but Prosimos ranks resources by when they were released and pmx by when their
calendar lets them start (they differ when a resource was released outside its working hours), and Prosimos settles
the assignment when the task is enabled while pmx queues the work until a resource frees up; Prosimos writes its log
to a CSV file (formatting datetimes per row), pmx's benchmark appends each instance to a slice in memory. Prosimos
draws from numpy/scipy one value per call, pmx from its own streams. The simulated logs agree closely: about 7.10
instances a case, the same per-activity counts, mean cycle times of 11-12 h and the same waiting pattern (Fix and
Escalate wait 5-7 h for the Field pool's early shift, the rest minutes).
"""

import argparse
import csv
import datetime
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
import xml.sax.saxutils as saxutils

START = "2026-01-05T00:00:00+00:00"  # a Monday, as pmx's engine tests
DEFAULT_CASES = 25_000

# ---------------------------------------------------------------------------------------------------------------
# The model. Durations are working seconds: ("lognormal", mu, sigma) of the logarithm, ("gamma", shape, scale).

ARRIVALS_PER_HOUR = 10.0
ARRIVAL_HOURS = {"mon-fri": ["08:00-18:00"]}  # when cases arrive (whole hours)

POOLS = {
    # name: (calendar: weekday span -> working intervals, cost per hour)
    "First line": ({"mon-fri": ["08:00-12:00", "12:30-18:00"]}, 40),
    "Second line": ({"mon-fri": ["08:00-12:00", "12:30-18:00"]}, 40),
    "Field": ({"mon-fri": ["07:00-11:00", "11:30-15:30"]}, 40),
}
RESOURCES_PER_POOL = 8


def speed(i):
    """Speed of a pool's i-th resource: 0.80, 0.85, … 1.15 (mean 0.975), as BenchmarkSimulate's model."""
    return round(0.8 + 0.05 * i, 2)


ACTIVITIES = {
    "Open": ("First line", ("lognormal", 6.2, 0.6)),
    "Classify": ("First line", ("gamma", 2.0, 300.0)),
    "Assign": ("First line", ("lognormal", 6.1, 0.7)),
    "Close": ("First line", ("gamma", 2.0, 150.0)),
    "Investigate": ("Second line", ("lognormal", 6.8, 0.8)),
    "Resolve": ("Second line", ("gamma", 2.0, 600.0)),
    "Reopen": ("Second line", ("lognormal", 6.1, 0.8)),
    "Escalate": ("Field", ("gamma", 1.5, 1200.0)),
    "Fix": ("Field", ("lognormal", 6.8, 0.7)),
    "Wait": ("Field", ("gamma", 2.0, 300.0)),
}

# The process: a sequence of activities (strings) and blocks:
#   ("xor", [branch, branch, ...], [p, p, ...])   exclusive choice; a branch is a list (empty: skip, tau)
#   ("loop", body, redo, p)                        body, then with probability p redo and body again, …
PROCESS = [
    "Open",
    "Classify",
    ("xor", [["Assign"], []], [0.7, 0.3]),
    ("xor", [["Investigate", ("xor", [["Escalate"], []], [0.3, 0.7])], []], [0.5, 0.5]),
    "Fix",
    ("xor", [["Wait"], []], [0.4, 0.6]),
    ("loop", ["Resolve"], ["Reopen"], 0.15),
    "Close",
]

# ---------------------------------------------------------------------------------------------------------------
# pmx model file


def pmx_tree(seq, pos, choice, redo):
    """Renders a sequence as a PM4Py-notation tree at position pos, collecting the probabilities by position."""
    if len(seq) == 0:
        return "tau"
    if len(seq) == 1:
        return pmx_node(seq[0], pos, choice, redo)
    parts = [pmx_node(x, "%s.%d" % (pos, i), choice, redo) for i, x in enumerate(seq)]
    return "->( %s )" % ", ".join(parts)


def pmx_node(x, pos, choice, redo):
    if isinstance(x, str):
        return "'%s'" % x
    if x[0] == "xor":
        choice[pos] = list(x[2])
        return "X( %s )" % ", ".join(pmx_tree(b, "%s.%d" % (pos, i), choice, redo) for i, b in enumerate(x[1]))
    if x[0] == "loop":
        redo[pos] = x[3]
        return "*( %s, %s )" % (pmx_tree(x[1], pos + ".0", choice, redo), pmx_tree(x[2], pos + ".1", choice, redo))
    raise ValueError(x)


def pmx_dist(d):
    if d[0] == "lognormal":
        return "{dist: lognormal, mu: %g, sigma: %g}" % (d[1], d[2])
    if d[0] == "gamma":
        return "{dist: gamma, shape: %g, scale: %g}" % (d[1], d[2])
    raise ValueError(d)


def pmx_yaml():
    choice, redo = {}, {}
    tree = pmx_tree(PROCESS, "0", choice, redo)
    per_hour = [0.0] * 168
    for p in periods(ARRIVAL_HOURS):
        for d in range(WEEKDAYS.index(p["from"]), WEEKDAYS.index(p["to"]) + 1):
            for h in range(int(p["beginTime"][:2]), int(p["endTime"][:2])):
                per_hour[d * 24 + h] = ARRIVALS_PER_HOUR
    q = json.dumps  # a JSON string is a YAML string
    out = [
        "# pmx simulation model (format: analysis/sim/model/model.go). Durations in seconds.",
        "# Written by testdata/sim/prosimos/bench.py --pmx-yaml; the same model is given to Prosimos by that script.",
        "# Simulated by BenchmarkSimulateProsimosShape (analysis/sim/engine/prosimos_bench_test.go).",
        "version: 1",
        "name: prosimos-shape",
        "timezone: UTC",
        "arrivals:",
        "  # %g an hour %s (UTC), Poisson: exponential gaps of mean 1 expected arrival" % (
            ARRIVALS_PER_HOUR, ", ".join("%s %s" % (k, " ".join(v)) for k, v in ARRIVAL_HOURS.items())),
        "  per_hour: [  # one line a day, Monday first",
    ]
    out += ["    %s," % ", ".join("%g" % v for v in per_hour[d * 24:(d + 1) * 24]) for d in range(7)]
    out[-1] = out[-1].rstrip(",") + "]"
    out += [
        "  gaps: {dist: exponential, mean: 1}",
        "routing:",
        "  mode: tree",
        "  tree: %s" % q(tree),
        "  probabilities:",
        "    choice:",
    ]
    out += ["      %s: [%s]" % (q(k), ", ".join("%g" % p for p in v)) for k, v in sorted(choice.items())]
    out += ["    redo:"]
    out += ["      %s: %g" % (q(k), v) for k, v in sorted(redo.items())]
    out += ["activities:"]
    for a, (pool, d) in ACTIVITIES.items():
        out.append("  %s: {pool: %s, duration: %s}" % (a, pool, pmx_dist(d)))
    out += ["pools:"]
    for p, (hours, cost) in POOLS.items():
        out.append("  %s:" % p)
        out.append("    cost_per_hour: %g" % cost)
        out.append("    calendar: {hours: {%s}}" % ", ".join(
            "%s: [%s]" % (k, ", ".join(q(i) for i in v)) for k, v in hours.items()))
        out.append("    resources:")
        for i in range(RESOURCES_PER_POOL):
            out.append("      - {name: %s %d, speed: %g}" % (p, i, speed(i)))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Prosimos input

WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
DAYS = {d[:3].lower(): d for d in WEEKDAYS}


def slug(s):
    return "".join(c if c.isalnum() else "_" for c in s)


class BPMN:
    """Builds a BPMN process from PROCESS; gateway probabilities are kept by split gateway and outgoing flow."""

    def __init__(self):
        self.nodes = []  # (tag, id, name)
        self.flows = []  # (id, source, target)
        self.probs = {}  # split gateway id -> {flow id: probability}
        self.exit_prob = {}  # split gateway id -> probability of the flow the enclosing sequence adds after it
        self.n = 0

    def new_id(self, prefix):
        self.n += 1
        return "%s_%d" % (prefix, self.n)

    def flow(self, src, dst, p=None):
        fid = self.new_id("flow")
        self.flows.append((fid, src, dst))
        if p is None and src in self.exit_prob:
            p = self.exit_prob.pop(src)
        if p is not None:
            self.probs.setdefault(src, {})[fid] = p
        return fid

    def seq(self, items):
        """Adds items in sequence; returns (first, last) node ids, or None for an empty sequence."""
        first = last = None
        for x in items:
            f, l = self.block(x)
            if last is None:
                first = f
            else:
                self.flow(last, f)
            last = l
        return None if first is None else (first, last)

    def block(self, x):
        if isinstance(x, str):
            tid = "task_" + slug(x)
            self.nodes.append(("task", tid, x))
            return tid, tid
        if x[0] == "xor":
            split, join = self.new_id("xor_split"), self.new_id("xor_join")
            self.nodes += [("exclusiveGateway", split, ""), ("exclusiveGateway", join, "")]
            for branch, p in zip(x[1], x[2]):
                s = self.seq(branch)
                if s is None:
                    self.flow(split, join, p)
                else:
                    self.flow(split, s[0], p)
                    self.flow(s[1], join)
            return split, join
        if x[0] == "loop":
            join, split = self.new_id("loop_join"), self.new_id("loop_split")
            self.nodes += [("exclusiveGateway", join, ""), ("exclusiveGateway", split, "")]
            body, redo = self.seq(x[1]), self.seq(x[2])
            self.flow(join, body[0])
            self.flow(body[1], split)
            self.flow(split, redo[0], x[3])
            self.flow(redo[1], join)
            self.exit_prob[split] = 1 - x[3]
            return join, split
        raise ValueError(x)

    def xml(self):
        first, last = self.seq(PROCESS)
        self.nodes.insert(0, ("startEvent", "start", "start"))
        self.nodes.append(("endEvent", "end", "end"))
        self.flow("start", first)
        self.flow(last, "end")
        assert not self.exit_prob, self.exit_prob
        e = saxutils.quoteattr
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" '
               'targetNamespace="https://github.com/pmx-dev/pmx/testdata/sim/prosimos">',
               '  <process id="prosimos_shape" isExecutable="false">']
        for tag, nid, name in self.nodes:
            out.append("    <%s id=%s name=%s/>" % (tag, e(nid), e(name)))
        for fid, src, dst in self.flows:
            out.append("    <sequenceFlow id=%s sourceRef=%s targetRef=%s/>" % (e(fid), e(src), e(dst)))
        out += ["  </process>", "</definitions>"]
        return "\n".join(out) + "\n"


def prosimos_dist(d, s):
    """Prosimos distribution of d's draws multiplied by speed s (log-normal and gamma by mean and variance)."""
    if d[0] == "lognormal":
        mu, sigma = d[1] + math.log(s), d[2]
        mean = math.exp(mu + sigma * sigma / 2)
        var = (math.exp(sigma * sigma) - 1) * math.exp(2 * mu + sigma * sigma)
        name = "lognorm"
    elif d[0] == "gamma":
        k, theta = d[1], d[2] * s
        mean, var, name = k * theta, k * theta * theta, "gamma"
    else:
        raise ValueError(d)
    return {"distribution_name": name,
            "distribution_params": [{"value": mean}, {"value": var}, {"value": 0}, {"value": 1e9}]}


def periods(hours):
    out = []
    for span, intervals in hours.items():
        a, _, b = span.partition("-")
        for iv in intervals:
            begin, end = iv.split("-")
            out.append({"from": DAYS[a], "to": DAYS[b or a], "beginTime": begin + ":00", "endTime": end + ":00"})
    return out


def prosimos_json(bpmn):
    profiles, cals, task_res = [], [], []
    rid = {}
    for p, (hours, cost) in POOLS.items():
        cal = "cal_" + slug(p)
        cals.append({"id": cal, "name": cal, "time_periods": periods(hours)})
        rl = []
        for i in range(RESOURCES_PER_POOL):
            r = "%s_%d" % (slug(p), i)
            rid.setdefault(p, []).append((r, speed(i)))
            rl.append({"id": r, "name": "%s %d" % (p, i), "cost_per_hour": cost, "amount": 1, "calendar": cal,
                       "assignedTasks": ["task_" + slug(a) for a, (ap, _) in ACTIVITIES.items() if ap == p]})
        profiles.append({"id": "pool_" + slug(p), "name": p, "resource_list": rl})
    for a, (p, d) in ACTIVITIES.items():
        task_res.append({"task_id": "task_" + slug(a),
                         "resources": [dict(resource_id=r, **prosimos_dist(d, s)) for r, s in rid[p]]})
    return {
        "resource_profiles": profiles,
        "resource_calendars": cals,
        "task_resource_distribution": task_res,
        "arrival_time_distribution": {
            "distribution_name": "expon",
            "distribution_params": [{"value": 3600 / ARRIVALS_PER_HOUR}, {"value": 0}, {"value": 1e9}]},
        "arrival_time_calendar": periods(ARRIVAL_HOURS),
        "gateway_branching_probabilities": [
            {"gateway_id": g, "probabilities": [{"path_id": f, "value": v} for f, v in ps.items()]}
            for g, ps in bpmn.probs.items()],
    }


# ---------------------------------------------------------------------------------------------------------------
# Running


def log_figures(path):
    """Events, events per case, per-activity counts and mean waiting (h), mean cycle time (h) of a Prosimos log."""
    counts, wait = {}, {}
    first, last = {}, {}
    n = 0
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            n += 1
            a, c = row["activity"], row["case_id"]
            en = datetime.datetime.fromisoformat(row["enable_time"])
            st = datetime.datetime.fromisoformat(row["start_time"])
            end = datetime.datetime.fromisoformat(row["end_time"])
            counts[a] = counts.get(a, 0) + 1
            wait[a] = wait.get(a, 0.0) + (st - en).total_seconds()
            first[c] = min(first.get(c, en), en)
            last[c] = max(last.get(c, end), end)
    cycle = sum((last[c] - first[c]).total_seconds() for c in first) / max(len(first), 1) / 3600
    return n, {
        "cases_in_log": len(first),
        "events_per_case": round(n / max(len(first), 1), 3),
        "mean_cycle_hours": round(cycle, 2),
        "activities": {a: {"count": counts[a], "mean_wait_hours": round(wait[a] / counts[a] / 3600, 3)}
                       for a in sorted(counts)},
    }


def run(cases, seed, keep):
    from prosimos.simulation_engine import run_simulation  # imported before the clock starts
    import numpy as np

    d = tempfile.mkdtemp(prefix="pmx-prosimos-")
    try:
        b = BPMN()
        bpmn_path, json_path = os.path.join(d, "model.bpmn"), os.path.join(d, "params.json")
        with open(bpmn_path, "w") as f:
            f.write(b.xml())
        with open(json_path, "w") as f:
            json.dump(prosimos_json(b), f, indent=1)
        log_path = os.path.join(d, "log.csv")
        random.seed(seed)
        np.random.seed(seed)
        w0, c0 = time.perf_counter(), time.process_time()
        run_simulation(bpmn_path, json_path, cases, log_out_path=log_path, starting_at=START)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        events, figures = log_figures(log_path)
        out = {"engine": "prosimos", "cases": cases, "seed": seed, "events": events, "seconds": round(wall, 3),
               "cpu_seconds": round(cpu, 3), "events_per_s": round(events / wall),
               "events_per_cpu_s": round(events / cpu), "loadavg_1min": os.getloadavg()[0], "log": figures}
        if keep:
            out["dir"] = d
        return out
    finally:
        if not keep:
            shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=DEFAULT_CASES, help="cases to simulate (default %(default)s)")
    ap.add_argument("--runs", type=int, default=1, help="runs, seeds --seed, --seed+1, … (default 1)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (model, parameters, log)")
    ap.add_argument("--pmx-yaml", metavar="FILE", help="write the pmx model file and exit")
    a = ap.parse_args()
    if a.pmx_yaml:
        with open(a.pmx_yaml, "w") as f:
            f.write(pmx_yaml())
        return
    for i in range(a.runs):
        print(json.dumps(run(a.cases, a.seed + i, a.keep)), flush=True)


if __name__ == "__main__":
    sys.exit(main())
