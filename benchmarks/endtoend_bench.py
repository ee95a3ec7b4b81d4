"""``ovm score`` and ``ovm report`` as a user runs them: whole processes, from files.

The workspace: 200 missions, 500,000 observer site visits (``sites.csv``) x 40 yes/no/na
checklist questions, bootstrap 200 (``score_bench.py``'s generator). Each command runs as a
child process, alternately with the baseline: one process that reads the same checklist CSV
with Polars and groups yes-shares and answered counts by mission and question (what any
analysis of the file has to do at least).

- ``ovm score WS -o scores.csv``;
- ``ovm report WS -o report.html --sensitivity-runs 300`` (load, score, compare, sensitivity,
  HTML);
- the size of ``ovm score WS -o scores.json`` per mission.

Targets: score <= 3x the baseline, report <= 4x and <= 2 s (wall, median; judged on an idle
machine: on a busy one, the CPU time, user + system, says what the process took, and the record
holds the load average before and after), score JSON <= 30 KB a mission.
Run: ``python benchmarks/endtoend_bench.py [--rows N] [--pairs N]``. Exit status 1 when a target
is missed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import paired, print_pair, record, run_child, target
from score_bench import MISSIONS

PY = sys.executable
BASELINE = """
import sys
import polars as pl
raw = pl.read_csv(sys.argv[1], infer_schema=False)
qs = [c for c in raw.columns if c.startswith("q")]
raw.group_by("mission").agg(
    *((pl.col(q) == "yes").sum().truediv(pl.col(q).is_in(["yes", "no"]).sum()).alias(q)
      for q in qs),
    *(pl.col(q).is_in(["yes", "no"]).sum().alias(f"n_{q}") for q in qs),
)
"""


def main() -> int:
    """Run the benchmark, print and record the figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=500_000)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--sensitivity-runs", type=int, default=300)
    args = ap.parse_args()
    load_before = list(os.getloadavg())
    here = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        ws.mkdir()
        subprocess.run(
            [PY, str(here / "score_bench.py"), "--generate", str(ws), "--rows", str(args.rows)],
            check=True,
        )
        out = Path(tmp) / "out"
        out.mkdir()
        base = [PY, "-c", BASELINE, str(ws / "sites.csv")]
        ovm = [PY, "-m", "ovm"]
        score = paired(
            "ovm score (CSV out)",
            "polars read+group",
            lambda: run_child(base, out),
            lambda: run_child([*ovm, "score", str(ws), "-q", "-o", str(out / "s.csv")], out),
            args.pairs,
        )
        print_pair(score)
        report = paired(
            f"ovm report (sensitivity {args.sensitivity_runs})",
            "polars read+group",
            lambda: run_child(base, out),
            lambda: run_child(
                [
                    *ovm,
                    "report",
                    str(ws),
                    "-q",
                    "-o",
                    str(out / "r.html"),
                    "--sensitivity-runs",
                    str(args.sensitivity_runs),
                ],
                out,
            ),
            args.pairs,
        )
        print_pair(report)
        subprocess.run(
            [*ovm, "score", str(ws), "-q", "-o", str(out / "s.json")], cwd=out, check=True
        )
        per_mission = (out / "s.json").stat().st_size / MISSIONS
        html = (out / "r.html").stat().st_size
    print(f"score JSON: {per_mission / 1000:.1f} KB a mission; report HTML {html / 1e6:.2f} MB")
    s, r = score.summary(), report.summary()
    targets = {
        "ovm score / baseline (wall, median of pairs)": target(s["ratio_wall"]["median"], 3.0),
        "ovm report / baseline (wall, median of pairs)": target(r["ratio_wall"]["median"], 4.0),
        "ovm report wall s (median; idle machine)": target(r["ovm_wall_s"], 2.0),
        "score JSON KB a mission": target(per_mission / 1000, 30.0),
    }
    results = {
        "_load_before": load_before,
        "rows": args.rows,
        "missions": MISSIONS,
        "score": s,
        "report": r,
        "score_json_bytes_per_mission": per_mission,
        "report_html_bytes": html,
    }
    record("endtoend", results, targets)
    return 0 if all(t["met"] for t in targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
