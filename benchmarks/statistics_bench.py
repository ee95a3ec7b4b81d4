"""Reading a 50 MB statistics table: ``load_statistics`` against a bare ``polars.read_csv``.

The table: 300,000 rows (about 50 MB) of the bundled rubric's variables with a source and a
confidence for each, named in a copy of the example workspace. The example's 19 missions have
a row each; every other row names a mission the missions file lacks, so each is rejected with
its reason (``unknown-mission``), as a file of another cohort pasted in would be. Both sides run
as child processes, alternately (``harness.py``):

- baseline: ``polars.read_csv`` of the same file, every column as text;
- ovm: ``ovm.data.observations.load_statistics`` of the file against the example's missions,
  which reads it, checks every cell and accounts for every row: each row used or rejected with
  its reason (the imports of ovm, the rubric and the missions file included: the whole process
  is timed). Rejected rows are kept as columns and made into objects when looked at.

Target: the whole ovm process takes at most 2 s of wall time (median of the pairs); the ratio
to the baseline is printed and recorded. Run: ``python benchmarks/statistics_bench.py [--rows N]
[--pairs N]``; exit status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROOT, paired, print_pair, record, run_child, target

PY = sys.executable
VARIABLES = (
    "registered_abroad",
    "votes_abroad",
    "total_registered",
    "domestic_turnout_pct",
    "tables_abroad",
    "cost_per_vote_abroad",
    "voting_period_days",
)
BASELINE = """
import sys
import polars as pl
pl.read_csv(sys.argv[1], infer_schema=False)
"""
OVM = """
import sys
import time
from pathlib import Path
from ovm.data.observations import load_missions, load_statistics
from ovm.rubric.model import bundled_rubric
rubric = bundled_rubric("deco-voting-abroad")
missions, _ = load_missions(Path(sys.argv[2]), rubric)
t = time.perf_counter()
values, report, rejected, issues = load_statistics(Path(sys.argv[1]), rubric, missions)
took = time.perf_counter() - t
assert report.rows_read == report.rows_used + report.rows_rejected, report
assert len(rejected) == report.rows_rejected
print(f"{report.rows_read} read, {report.rows_used} used, {report.rows_rejected} rejected "
      f"(the last: {rejected[-1].reasons[0]}); load_statistics {took:.3f} s")
"""


def build_table(path: Path, rows: int, known: list[str], seed: int = 20261128) -> None:
    """A statistics CSV of ``rows`` rows: one per ``known`` mission, the others unknown."""
    rnd = random.Random(seed)
    head = ["mission"]
    for v in VARIABLES:
        head += [v, f"{v}__source", f"{v}__confidence"]
    lines = [",".join(head)]
    for i in range(rows):
        mission = known[i] if i < len(known) else f"zz-{i:07d}"
        cells = [mission]
        registered = rnd.randint(1_000, 2_000_000)
        for v in VARIABLES:
            if v == "votes_abroad":
                x = str(rnd.randint(0, registered))
            elif v == "registered_abroad":
                x = str(registered)
            elif v == "domestic_turnout_pct":
                x = f"{rnd.uniform(20, 90):.1f}"
            elif v == "cost_per_vote_abroad":
                x = f"{rnd.uniform(1, 500):.2f}"
            else:
                x = str(rnd.randint(1, 100_000))
            cells += [x, "EMB report", rnd.choice(("high", "medium", "low"))]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    """Run the benchmark, print and record the figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=300_000)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--keep", metavar="DIR", help="also write the workspace to DIR")
    args = ap.parse_args()
    load_before = list(os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        shutil.copytree(ROOT / "examples", ws)
        known = [
            line.split(":", 1)[1].strip()
            for line in (ws / "missions.yaml").read_text(encoding="utf-8").splitlines()
            if line.startswith("- id:")
        ]
        table = ws / "statistics.csv"
        build_table(table, args.rows, known)
        size = table.stat().st_size
        print(f"statistics.csv: {args.rows:,} rows, {size / 1e6:.1f} MB")
        if args.keep:
            shutil.copytree(ws, args.keep, dirs_exist_ok=True)
        out = Path(tmp) / "out"
        out.mkdir()
        read = paired(
            "load_statistics",
            "polars.read_csv",
            lambda: run_child([PY, "-c", BASELINE, str(table)], out),
            lambda: run_child([PY, "-c", OVM, str(table), str(ws / "missions.yaml")], out),
            args.pairs,
        )
        print_pair(read)
    s = read.summary()
    targets = {
        "read 50 MB statistics, whole process, wall s (median)": target(s["ovm_wall_s"], 2.0),
    }
    print(f"ratio to polars.read_csv (wall, median of pairs): {s['ratio_wall']['median']:.2f}x")
    record(
        "statistics",
        {"_load_before": load_before, "rows": args.rows, "bytes": size, "read": s},
        targets,
    )
    return 0 if all(t["met"] for t in targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
