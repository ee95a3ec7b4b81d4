"""Peak resident memory of scoring, each run a child process (its own peak, from ``wait4``).

``score_bench.py``'s workspace (1,000,000 visits x 40 checklist questions x 200 missions,
bootstrap 200; ``--missions`` spreads them over more) is loaded and scored by a child process
(``load_workspace`` + ``score()`` with every scorecard built, as ``ovm score`` has them before
writing); target: peak <= 1.2 GiB. With ``--big`` a second workspace of 5,000,000 visits must
fit in 4 GiB. For scale, a child reading the same CSV with Polars and running the baseline
group-by is measured alongside (no target).
Run: ``python benchmarks/memory_bench.py [--rows N] [--missions M] [--big] [--cache DIR]``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import record, run_child, target
from score_bench import BOOTSTRAP, generate, workspaces

GIB = 1024.0
TARGET_MIB = 1.2 * GIB
BIG_ROWS = 5_000_000
BIG_TARGET_MIB = 4 * GIB
CHILD = """
import sys
from pathlib import Path
from ovm.data.workspace import load_workspace
from ovm.scoring.engine import score
from ovm.scoring.results import fill_deferred
ws = load_workspace(Path(sys.argv[1]))
fill_deferred(score(ws.rubric, ws.observations, seed=1, bootstrap=int(sys.argv[2])).scorecards)
"""
BASELINE = """
import sys
from pathlib import Path
import polars as pl
sys.path.insert(0, sys.argv[2])
from score_bench import baseline
baseline(pl.read_csv(Path(sys.argv[1]) / "sites.csv", infer_schema=False))
"""


def peaks(folder: Path, bootstrap: int, runs: int) -> dict[str, Any]:
    """The peak of each run of ovm and of the baseline, in MiB."""
    here = str(Path(__file__).resolve().parent)
    # Run from the workspace folder: ``python -c`` puts the current folder first on the path,
    # and a checkout's own ``ovm`` there would win over the one PYTHONPATH names.
    ovm_runs = [
        run_child([sys.executable, "-c", CHILD, str(folder), str(bootstrap)], cwd=folder)
        for _ in range(runs)
    ]
    base_runs = [
        run_child([sys.executable, "-c", BASELINE, str(folder), here], cwd=folder)
        for _ in range(runs)
    ]
    return {
        "ovm_peak_mib": max(t.peak_mib for t in ovm_runs),
        "ovm_cpu_s": [t.cpu for t in ovm_runs],
        "ovm_wall_s": [t.wall for t in ovm_runs],
        "baseline_peak_mib": max(t.peak_mib for t in base_runs),
    }


def main() -> int:
    """Measure, print and record the peaks; exit 1 when a target is missed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--bootstrap", type=int, default=BOOTSTRAP)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--big", action="store_true", help="also 5,000,000 visits (4 GiB target)")
    ap.add_argument(
        "--missions", type=int, default=200, help="missions the visits are spread over (200)"
    )
    ap.add_argument("--cache", metavar="DIR", help="keep generated workspaces in DIR")
    args = ap.parse_args()
    load_before = list(os.getloadavg())
    results: dict[str, Any] = {"_load_before": load_before}
    targets: dict[str, dict[str, Any]] = {}
    sizes = [(args.rows, TARGET_MIB)] + ([(BIG_ROWS, BIG_TARGET_MIB)] if args.big else [])
    with workspaces(args.cache) as base:
        for rows, limit in sizes:
            folder = generate(base / f"w-{rows}-{args.missions}-40", rows, args.missions)
            found = peaks(folder, args.bootstrap, args.runs)
            results[f"{rows}"] = {"missions": args.missions, **found}
            print(
                f"{rows:>10,} visits x 40 questions x {args.missions:,} missions: "
                f"ovm peak {found['ovm_peak_mib']:7.0f} MiB "
                f"(CPU {min(found['ovm_cpu_s']):.1f} s), baseline peak "
                f"{found['baseline_peak_mib']:6.0f} MiB"
            )
            targets[f"peak MiB, {rows:,} visits x 40 questions x {args.missions:,} missions"] = (
                target(found["ovm_peak_mib"], limit)
            )
    record("memory", results, targets)
    return 0 if all(t["met"] for t in targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
