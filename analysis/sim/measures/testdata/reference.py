#!/usr/bin/env python3
"""Golden figures for analysis/sim/measures: runs the reference implementation (log-distance-measures 2.2.0, via
../shared/peer/sim_distances.py) on each NAME.real.csv / NAME.sim.csv pair here and writes golden.json.

    pip install log-distance-measures==2.2.0
    python3 analysis/sim/measures/testdata/reference.py     # from the module root
"""
import json, pathlib, subprocess, sys

here = pathlib.Path(__file__).resolve().parent
peer = here.parents[3].parent / 'shared' / 'peer' / 'sim_distances.py'  # ../shared next to the module root
out = {}
for real in sorted(list(here.glob('*.real.csv')) + list(here.glob('*.real.csv.gz'))):
    ext = '.real.csv.gz' if real.name.endswith('.gz') else '.real.csv'
    name = real.name[:-len(ext)]
    sim = here / (name + ext.replace('real', 'sim'))
    res = json.loads(subprocess.run([sys.executable, str(peer), str(real), str(sim)], check=True,
                                    capture_output=True, text=True).stdout)
    out[name] = {k: v['mean'] for k, v in res.items()}
(here / 'golden.json').write_text(json.dumps(out, indent=1, sort_keys=True) + '\n')
print(json.dumps(out, indent=1, sort_keys=True))
