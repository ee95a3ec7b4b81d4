"""Scoring speed against a plain Polars group-by baseline, in paired runs (see harness.py).

Seeded workspaces of observer site visits x checklist questions over missions, bootstrap 200:

Each ovm side builds every scorecard it scored (what compare(), the writers and a reader of the
cohort do), since score() may defer building them until they are read.

- ``memory``: score() on loaded observations (1,000,000 visits x 40 questions x 200 missions)
  against one Polars group-by computing the same per-mission shares of accepted answers on the
  table in memory; target: median ratio <= 1.5x.
- ``files``: load_workspace() + score() against Polars read_csv + the same group-by, from the
  same files; target <= 1.5x.
- ``missions``: the ``memory`` pair with 5,000 missions over the same 1,000,000 visits: what
  each mission costs beyond its visits; target <= 3x.
- ``growth``: ovm's CPU time as visits, missions, questions and bootstrap replicates grow
  (smaller workspaces, see ``--growth-rows``), with the log-log slope of each; targets: every
  slope <= 1.05 and the time never lower with more replicates.

Peak memory is measured by ``memory_bench.py`` (a child process per run). Ratios are medians of
per-pair ratios (wall and CPU); the JSON record goes to ``benchmarks/results/score-*.json`` and
the script exits 1 when a target is missed.
Run: ``python benchmarks/score_bench.py [--only memory,files,missions,growth] [--pairs N]``.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Paired, paired, print_pair, record, run_inline, target

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = 40
MISSIONS = 200
BOOTSTRAP = 200
RATIO_MEMORY = 1.5
RATIO_FILES = 1.5
RATIO_MISSIONS = 3.0
SLOPE = 1.05
PARTS = ("memory", "files", "missions", "growth")


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


def build_workspace(
    folder: Path,
    rows: int,
    seed: int = 20261128,
    *,
    missions: int = MISSIONS,
    questions: int = QUESTIONS,
    bootstrap: int = BOOTSTRAP,
) -> None:
    """Write a seeded workspace with ``rows`` site visits."""
    rng = np.random.default_rng(seed)
    (folder / "rubric.yaml").write_text(build_rubric(questions), encoding="utf-8")
    width = max(3, len(str(missions - 1)))
    ids = [f"m{i:0{width}d}" for i in range(missions)]
    (folder / "missions.yaml").write_text(
        "missions:\n"
        + "".join(
            f"  - {{id: {m}, country: ARG, name: {m}, election: {{type: general, "
            f"date: 2024-01-{1 + i % 28:02d}}}}}\n"
            for i, m in enumerate(ids)
        ),
        encoding="utf-8",
    )
    (folder / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\nchecklists:\n"
        "  - {path: sites.csv, simulated: true}\n"
        f"settings: {{seed: 1, bootstrap: {bootstrap}}}\n",
        encoding="utf-8",
    )
    mission_idx = rng.integers(0, missions, rows)
    propensity = rng.uniform(0.5, 0.98, size=(missions, questions))
    u = rng.random((rows, questions))
    answers = np.where(u < propensity[mission_idx], "yes", "no").astype(object)
    answers[rng.random((rows, questions)) < 0.03] = "na"
    answers[rng.random((rows, questions)) < 0.02] = None
    columns = [
        pl.Series("mission", np.array(ids, dtype=object)[mission_idx].tolist(), pl.String),
        pl.Series("site", [f"s{i}" for i in range(rows)], pl.String),
        *(pl.Series(f"q{q:02d}", answers[:, q].tolist(), pl.String) for q in range(questions)),
    ]
    pl.DataFrame(columns).write_csv(folder / "sites.csv")


def generate(folder: Path, rows: int, missions: int = MISSIONS, questions: int = QUESTIONS) -> Path:
    """The workspace in ``folder``, written by a child process (so that this process's memory
    holds none of the generator's arrays); reused when ``folder`` already holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "ovm.yaml").exists():
        t = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--generate",
                str(folder),
                "--rows",
                str(rows),
                "--missions",
                str(missions),
                "--questions",
                str(questions),
            ],
            check=True,
        )
        print(
            f"generated {rows:,} visits x {questions} questions over {missions:,} missions "
            f"in {time.perf_counter() - t:.1f} s"
        )
    return folder


@contextmanager
def workspaces(cache: str | None) -> Iterator[Path]:
    """Where generated workspaces go: ``--cache`` (kept between runs) or a temporary folder."""
    if cache:
        yield Path(cache)
        return
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def baseline(raw: pl.DataFrame) -> pl.DataFrame:
    """One Polars group-by computing the share of 'yes' among answered, per mission and question."""
    qs = [c for c in raw.columns if c.startswith("q")]
    return raw.group_by("mission").agg(
        *(
            (pl.col(q) == "yes").sum().truediv(pl.col(q).is_in(["yes", "no"]).sum()).alias(q)
            for q in qs
        )
    )


def check_shares(scores: Any, base: pl.DataFrame) -> None:
    """The engine's shares must be the baseline's (the two sides do the same counting)."""
    card = scores.scorecards[0]
    ref = base.filter(pl.col("mission") == card.mission.id)
    got = card.node("q00").value
    want = 100 * float(ref["q00"][0])
    assert got is not None and abs(float(got) - want) < 1e-9, (got, want)


def score(ws: Any, bootstrap: int) -> Any:
    """The workspace's scores, as ``ovm.score`` gives them."""
    from ovm.scoring.engine import score as score_

    return score_(ws.rubric, ws.observations, seed=1, bootstrap=bootstrap)


def built(scores: Any) -> Any:
    """``scores`` with every scorecard built: score() may defer building a mission's result
    objects until it is read, and what a user gets is a cohort they can read, so the time of
    building them all (as compare(), the writers and the tables do) is counted on ovm's side."""
    from ovm.scoring.results import fill_deferred

    fill_deferred(scores.scorecards)
    return scores


def in_memory(name: str, folder: Path, pairs: int, bootstrap: int) -> Paired:
    """score() on loaded observations against the group-by on the table in memory."""
    from ovm.data.workspace import load_workspace

    raw = pl.read_csv(folder / "sites.csv", infer_schema=False)
    ws = load_workspace(folder)
    # Each run's results are let go inside its run, as a program scoring once lets them go:
    # kept from run to run, a cohort's hundreds of thousands of objects would pile up in the
    # later runs' memory. The shares are checked on one more run, outside the pairs.
    pair = paired(
        name,
        "group-by",
        lambda: run_inline(lambda: baseline(raw)),
        lambda: run_inline(lambda: built(score(ws, bootstrap))),
        pairs,
    )
    check_shares(built(score(ws, bootstrap)), baseline(raw))
    return pair


def from_files(folder: Path, pairs: int, bootstrap: int) -> Paired:
    """load_workspace() + score() against read_csv + the group-by."""
    from ovm.data.workspace import load_workspace

    def ovm_side() -> None:
        built(score(load_workspace(folder), bootstrap))

    return paired(
        "score() from files",
        "read_csv + group-by",
        lambda: run_inline(lambda: baseline(pl.read_csv(folder / "sites.csv", infer_schema=False))),
        lambda: run_inline(ovm_side),
        pairs,
    )


def slope(sizes: list[float], seconds: list[float]) -> float:
    """The least-squares slope of log(seconds) against log(size)."""
    x = [math.log(s) for s in sizes]
    y = [math.log(max(t, 1e-9)) for t in seconds]
    mx, my = statistics.fmean(x), statistics.fmean(y)
    return sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sum(
        (a - mx) ** 2 for a in x
    )


def cpu_of(folder: Path, bootstrap: int, runs: int) -> float:
    """The median CPU seconds of score() on one workspace (after an untimed run)."""
    from ovm.data.workspace import load_workspace

    ws = load_workspace(folder)

    def once() -> None:
        built(score(ws, bootstrap))

    once()
    return statistics.median(run_inline(once).cpu for _ in range(runs))


def growth(base: Path, rows: int, runs: int) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """ovm's CPU time along each axis, the others held at their middle value."""
    axes: dict[str, list[tuple[int, Path, int]]] = {
        "visits": [
            (r, generate(base / f"g-v{r}", r), BOOTSTRAP) for r in (rows // 4, rows // 2, rows)
        ],
        "missions": [
            (m, generate(base / f"g-m{m}", rows // 2, missions=m), BOOTSTRAP)
            for m in (200, 1000, 5000)
        ],
        "questions": [
            (q, generate(base / f"g-q{q}", rows // 2, questions=q), BOOTSTRAP)
            for q in (40, 80, 160)
        ],
    }
    mid = base / f"g-v{rows // 2}"
    axes["bootstrap"] = [(b, mid, b) for b in (50, 100, 200, 400)]
    found: dict[str, Any] = {}
    targets: dict[str, dict[str, Any]] = {}
    for axis, points in axes.items():
        cpu = [cpu_of(folder, b, runs) for _, folder, b in points]
        sizes = [float(size) for size, _, _ in points]
        s = slope(sizes, cpu)
        found[axis] = {"sizes": sizes, "cpu_s": cpu, "slope": s}
        print(
            f"growth in {axis:<9} "
            + "  ".join(f"{int(n):>9,}: {c:6.2f} s" for n, c in zip(sizes, cpu, strict=True))
            + f"  slope {s:.2f}"
        )
        targets[f"log-log slope of CPU time in {axis}"] = target(s, SLOPE)
    b_cpu = found["bootstrap"]["cpu_s"]
    # Tolerance of a twentieth for timing noise: the stall this guards against was 3x.
    dips = max(b_cpu[k] / b_cpu[k + 1] for k in range(len(b_cpu) - 1))
    targets["CPU time with fewer replicates over that with more (monotone <= 1.05)"] = target(
        dips, 1.05
    )
    return found, targets


def main() -> int:
    """Run the benchmark, print and record the figures; exit 1 when a target is missed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="visits (default 1,000,000)")
    ap.add_argument("--missions", type=int, default=MISSIONS)
    ap.add_argument("--questions", type=int, default=QUESTIONS)
    ap.add_argument("--many-missions", type=int, default=5000, help="missions of the third pair")
    ap.add_argument("--growth-rows", type=int, default=250_000, help="largest growth workspace")
    ap.add_argument("--bootstrap", type=int, default=BOOTSTRAP)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--only", default=",".join(PARTS), help="comma-separated parts to run")
    ap.add_argument("--cache", metavar="DIR", help="keep generated workspaces in DIR")
    ap.add_argument("--generate", metavar="DIR", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.generate:
        build_workspace(
            Path(args.generate), args.rows, missions=args.missions, questions=args.questions
        )
        return 0
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        ap.error(f"unknown part(s) {', '.join(unknown)}; expected some of {', '.join(PARTS)}")
    load_before = list(os.getloadavg())
    results: dict[str, Any] = {"_load_before": load_before, "rows": args.rows}
    targets: dict[str, dict[str, Any]] = {}
    with workspaces(args.cache) as base:
        if "memory" in parts or "files" in parts:
            folder = generate(
                base / f"w-{args.rows}-{args.missions}-{args.questions}",
                args.rows,
                args.missions,
                args.questions,
            )
            if "memory" in parts:
                pair = in_memory(
                    f"score() in memory, {args.missions} missions",
                    folder,
                    args.pairs,
                    args.bootstrap,
                )
                print_pair(pair)
                results["memory"] = pair.summary()
                targets["score() in memory / group-by (median of pairs, wall)"] = target(
                    results["memory"]["ratio_wall"]["median"], RATIO_MEMORY
                )
            if "files" in parts:
                pair = from_files(folder, args.pairs, args.bootstrap)
                print_pair(pair)
                results["files"] = pair.summary()
                targets["score() from files / read_csv + group-by (median of pairs, wall)"] = (
                    target(results["files"]["ratio_wall"]["median"], RATIO_FILES)
                )
        if "missions" in parts:
            folder = generate(
                base / f"w-{args.rows}-{args.many_missions}-{args.questions}",
                args.rows,
                args.many_missions,
                args.questions,
            )
            pair = in_memory(
                f"score() in memory, {args.many_missions:,} missions",
                folder,
                args.pairs,
                args.bootstrap,
            )
            print_pair(pair)
            results["missions"] = pair.summary()
            targets[
                f"score() of {args.many_missions:,} missions / group-by (median of pairs, wall)"
            ] = target(results["missions"]["ratio_wall"]["median"], RATIO_MISSIONS)
        if "growth" in parts:
            results["growth"], found = growth(base, args.growth_rows, args.pairs)
            targets.update(found)
    record("score", results, targets)
    return 0 if all(t["met"] for t in targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
