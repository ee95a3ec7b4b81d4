"""Scoring speed and memory against a plain Polars group-by baseline, measured in one run.

1,000,000 seeded observer site rows x 40 checklist questions over 200 missions:
- score() from memory (on loaded observations), against the baseline: one Polars group-by
  computing the same per-mission shares of accepted answers on the table in memory;
- score() from files (load_workspace + score), against the same baseline from the file
  (Polars read_csv + the group-by);
- the in-process time to score the bundled example workspace.

Targets: each score() timing at most 3x its baseline, with the default bootstrap; peak memory
at most 4 GiB; example workspace under 0.5 s. Every timing is the best of five runs
(loads included): this machine class is shared, and single runs vary by a third.
Run: ``python benchmarks/score_bench.py [--rows N] [--bootstrap B]``.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl

import ovm
from ovm.data.workspace import load_workspace
from ovm.scoring.engine import score

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")
RUNS = 5
QUESTIONS = 40
MISSIONS = 200


def build_rubric(n_questions: int) -> str:
    """A rubric of yes/no checklist questions in four families."""
    lines = [
        "ovm_rubric: 1",
        "id: bench",
        'version: "1"',
        "title: {en: Bench, es: Banco}",
        "bands:",
        "  - {min: 0, max: 50, label: {en: Low, es: Bajo}}",
        "  - {min: 50, max: 100, label: {en: High, es: Alto}}",
        "families:",
    ]
    per = n_questions // 4
    for f in range(4):
        lines += [f"  - id: f{f}", f"    labels: {{en: F{f}, es: F{f}}}", "    children:"]
        for q in range(f * per, (f + 1) * per):
            lines += [
                f"      - id: q{q:02d}",
                "        kind: checklist",
                "        source: checklist",
                f"        labels: {{en: Q{q}, es: P{q}}}",
                f"        question: {{en: Question {q}, es: Pregunta {q}}}",
                "        not_applicable: true",
            ]
    return "\n".join(lines) + "\n"


def build_workspace(folder: Path, rows: int, seed: int = 20261128) -> None:
    """Write a seeded workspace with ``rows`` site visits."""
    rng = np.random.default_rng(seed)
    (folder / "rubric.yaml").write_text(build_rubric(QUESTIONS), encoding="utf-8")
    missions = [f"m{i:03d}" for i in range(MISSIONS)]
    (folder / "missions.yaml").write_text(
        "missions:\n"
        + "".join(
            f"  - {{id: {m}, country: ARG, name: {m}, election: {{type: general, "
            f"date: 2024-01-{1 + i % 28:02d}}}}}\n"
            for i, m in enumerate(missions)
        ),
        encoding="utf-8",
    )
    (folder / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\nchecklists:\n"
        "  - {path: sites.csv, simulated: true}\nsettings: {seed: 1, bootstrap: 200}\n",
        encoding="utf-8",
    )
    mission_idx = rng.integers(0, MISSIONS, rows)
    propensity = rng.uniform(0.5, 0.98, size=(MISSIONS, QUESTIONS))
    u = rng.random((rows, QUESTIONS))
    answers = np.where(u < propensity[mission_idx], "yes", "no").astype(object)
    answers[rng.random((rows, QUESTIONS)) < 0.03] = "na"
    answers[rng.random((rows, QUESTIONS)) < 0.02] = None
    columns = [
        pl.Series("mission", np.array(missions, dtype=object)[mission_idx].tolist(), pl.String),
        pl.Series("site", [f"s{i}" for i in range(rows)], pl.String),
        *(pl.Series(f"q{q:02d}", answers[:, q].tolist(), pl.String) for q in range(QUESTIONS)),
    ]
    pl.DataFrame(columns).write_csv(folder / "sites.csv")


def baseline(raw: pl.DataFrame) -> pl.DataFrame:
    """One Polars group-by computing the share of 'yes' among answered, per mission and question."""
    qs = [c for c in raw.columns if c.startswith("q")]
    return raw.group_by("mission").agg(
        *(
            (pl.col(q) == "yes").sum().truediv(pl.col(q).is_in(["yes", "no"]).sum()).alias(q)
            for q in qs
        )
    )


def baselines(csv_path: Path) -> tuple[float, float, pl.DataFrame]:
    """The baseline timed from the file and in memory (the table freed before ovm runs)."""
    files_s, _ = best_of(RUNS, lambda: baseline(pl.read_csv(csv_path, infer_schema=False)))
    raw = pl.read_csv(csv_path, infer_schema=False)
    memory_s, out = best_of(RUNS, lambda: baseline(raw))
    return files_s, memory_s, out


def best_of(runs: int, fn: Callable[[], T]) -> tuple[float, T]:
    """The shortest of ``runs`` timings of ``fn()``, and its last result."""
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> int:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--bootstrap", type=int, default=200)
    ap.add_argument("--generate", metavar="DIR", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.generate:
        build_workspace(Path(args.generate), args.rows)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        # Generated in a child process so the peak memory below is ovm's, not the generator's.
        subprocess.run(
            [sys.executable, __file__, "--generate", str(folder), "--rows", str(args.rows)],
            check=True,
        )
        print(
            f"generated {args.rows:,} rows x {QUESTIONS} questions over {MISSIONS} missions "
            f"in {time.perf_counter() - t:.1f} s"
        )
        base_files_s, base_s, base = baselines(folder / "sites.csv")
        load_s, ws = best_of(RUNS, lambda: load_workspace(folder))
        mem_s, scores = best_of(
            RUNS, lambda: score(ws.rubric, ws.observations, seed=1, bootstrap=args.bootstrap)
        )
        nob_s, _ = best_of(RUNS, lambda: score(ws.rubric, ws.observations, seed=1, bootstrap=0))
        # The engine's shares must agree with the baseline's.
        card = scores.scorecards[0]
        ref = base.filter(pl.col("mission") == card.mission.id)
        got = card.node("q00").value
        want = 100 * float(ref["q00"][0])
        assert got is not None and abs(float(got) - want) < 1e-9, (got, want)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    example = ROOT / "examples"
    ex_s = float("nan")
    if (example / "ovm.yaml").exists():
        ex = load_workspace(example)
        t = time.perf_counter()
        ovm.score(
            ex.rubric, ex.observations, seed=ex.settings.seed, bootstrap=ex.settings.bootstrap
        )
        ex_s = time.perf_counter() - t
    files_s = load_s + mem_s
    print(f"baseline: polars group-by in memory        {base_s:8.3f} s")
    print(
        f"score() from memory, bootstrap {args.bootstrap:>5}:     {mem_s:8.3f} s  "
        f"ratio {mem_s / base_s:5.2f}x  (target <= 3x)"
    )
    print(
        f"score() from memory, no bootstrap:         {nob_s:8.3f} s  ratio {nob_s / base_s:5.2f}x"
    )
    print(f"baseline: polars read_csv + group-by       {base_files_s:8.3f} s")
    print(f"load_workspace() from files:               {load_s:8.3f} s")
    print(
        f"score() from files (load + score):         {files_s:8.3f} s  "
        f"ratio {files_s / base_files_s:5.2f}x  (target <= 3x)"
    )
    print(f"peak resident memory:                      {peak:8.0f} MiB (target <= 4096)")
    print(f"example workspace score() in process:      {ex_s:8.3f} s (target < 0.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
