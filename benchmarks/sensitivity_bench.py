"""Benchmark of ovm.sensitivity: 10,000 runs x 200 missions x 60 indicators (synthetic, seeded).

Run standalone: ``python benchmarks/sensitivity_bench.py [--runs N] [--missions M]
[--indicators K] [--pairs P]``. The analysis and its floor, one NumPy product of the same size,
(runs x indicators) @ (indicators x missions), run alternately in this process (the paired
method of ``benchmarks/README.md``): the median of each side's wall and CPU time, the ratio of
each pair, the load average and the thread counts are printed and recorded.

Target: the analysis in at most 1.5 s of CPU time for the default size (CPU, not wall: on a
shared machine the wall time includes waiting for a core). Exit status 1 when it is missed.

``runs`` is the base sample size N of the Saltelli design: the analysis evaluates N * 7 complete
methodologies (weights, aggregation, normalisation, a dropped indicator, sampling error). It is
given the nominal comparison, the observations and the bootstrap replicates behind the
scorecards' intervals, as ``ovm.analyse`` gives it the run's own: every choice is varied,
sampling with the first 100 replicates (the default ``sampling_draws``), and neither the
comparison nor the replicates are part of the analysis's time. OpenBLAS' idle threads sleep
soon, as the program has them (``OPENBLAS_THREAD_TIMEOUT``, unless set): the baseline's product
wakes them, and their default busy wait would count in the CPU time of the analysis after it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ovm.runtime import BLAS_IDLE_TIMEOUT, BLAS_IDLE_VARIABLES

# As the program runs (ovm.runtime.idle_blas_threads, before NumPy loads): otherwise OpenBLAS'
# second thread, woken by the baseline's product, spins for about a tenth of a second into the
# CPU time of the analysis that follows it.
os.environ.setdefault(
    BLAS_IDLE_VARIABLES[0], os.environ.get(BLAS_IDLE_VARIABLES[1], BLAS_IDLE_TIMEOUT)
)

import numpy as np
from harness import paired, print_pair, record, run_inline, target

from ovm import Mission, Observations, Rubric, score
from ovm.comparison.cohort import compare
from ovm.comparison.sensitivity import sensitivity
from ovm.data.observations import Datum, Election
from ovm.scoring.engine import IndicatorReplicates
from ovm.scoring.results import ScoreSet
from ovm.settings import SensitivitySettings

TARGET_CPU_SECONDS = 1.5
REPLICATES = 200
"""Bootstrap replicates behind the synthetic intervals (the engine's default)."""


@dataclass(frozen=True)
class Cohort:
    """What the analysis is given: the rubric, the scores, the observations they came from and
    the bootstrap replicates behind their intervals (as ``ovm.analyse`` gives them)."""

    rubric: Rubric
    scores: ScoreSet
    observations: Observations
    replicates: IndicatorReplicates


def synthetic(missions: int, indicators: int, seed: int = 1) -> Cohort:
    """A rubric of 6 families (the last with two sub-groups) and a scored synthetic cohort.

    A third of the indicators get a sampling interval, as indicators from observer checklists
    do, with the bootstrap replicates behind it: each replicate moves every sampled indicator
    of a mission together (a shock shared by the mission's indicators, as resampling its
    polling places does) and on its own, so that the replicates' 2.5-97.5 % spread is about
    the interval; one indicator in six is a ``cohort`` indicator on raw values; 3% of values
    are missing.
    """
    rng = np.random.default_rng(seed)
    fams = 6
    per = [indicators // fams + (1 if f < indicators % fams else 0) for f in range(fams)]
    variables = []
    families = []
    j = 0
    for f in range(fams):
        kids = []
        for _ in range(per[f]):
            name = f"v{j:03d}"
            variables.append(
                {"name": name, "labels": {"en": name}, "unit": "x", "source": "statistics"}
            )
            rule = (
                {"type": "cohort", "direction": "lower" if j % 2 else "higher"}
                if j % 6 == 5
                else {"type": "goalposts", "low": 0, "high": 100}
            )
            kids.append(
                {
                    "id": f"i{j:03d}",
                    "kind": "quantitative",
                    "labels": {"en": name},
                    "source": "statistics",
                    "formula": name,
                    "rule": rule,
                    "weight": float(1 + j % 3),
                }
            )
            j += 1
        if f == fams - 1:
            half = len(kids) // 2
            kids = [
                {"id": f"f{f}.a", "labels": {"en": "a"}, "children": kids[:half]},
                {
                    "id": f"f{f}.b",
                    "labels": {"en": "b"},
                    "aggregation": "geometric",
                    "children": kids[half:],
                },
            ]
        families.append(
            {
                "id": f"f{f}",
                "labels": {"en": f"family {f}"},
                "children": kids,
                "weight": float(1 + f % 2),
            }
        )
    rubric = Rubric.model_validate(
        {
            "id": "bench",
            "version": "1",
            "title": {"en": "bench"},
            "languages": ["en"],
            "variables": variables,
            "families": families,
        }
    )
    quality = rng.uniform(20, 80, size=missions)
    values = np.clip(quality[:, None] + rng.normal(0, 15, size=(missions, indicators)), 1, 100)
    values[rng.random(values.shape) < 0.03] = np.nan
    cohort = []
    for i in range(missions):
        vals = {
            f"v{k:03d}": (
                Datum(status="missing")
                if np.isnan(values[i, k])
                else Datum(value=float(values[i, k]))
            )
            for k in range(indicators)
        }
        cohort.append(
            Mission(
                id=f"m{i:03d}",
                country="ARG",
                name=f"m{i}",
                election=Election(type="general", date=dt.date(2000, 1, 1) + dt.timedelta(days=i)),
                values=vals,
            )
        )
    observations = Observations(missions=tuple(cohort))
    scores = score(rubric, observations, bootstrap=0)
    ids = tuple(f"i{k:03d}" for k in range(indicators))
    column = {node: k for k, node in enumerate(ids)}
    reps = np.full((missions, indicators, REPLICATES), np.nan)
    # A generator of its own: the cohort and its intervals are those of the seed alone.
    noise = np.random.default_rng([seed, 1])
    cards = []
    for i, card in enumerate(scores.scorecards):
        shared = noise.normal(0.0, 1.0, size=REPLICATES)
        nodes = []
        for ns in card.nodes:
            if ns.kind == "quantitative" and ns.score is not None and int(ns.node[1:]) % 3 == 0:
                half = float(rng.uniform(2, 12))
                ns = ns.model_copy(
                    update={
                        "interval": (max(0.0, ns.score - half), min(100.0, ns.score + half)),
                        "sampled": True,
                    }
                )
                own = noise.normal(0.0, 1.0, size=REPLICATES)
                spread = (0.6 * shared + 0.8 * own) * half / 1.96
                reps[i, column[ns.node]] = np.clip(ns.score + spread, 0.0, 100.0)
            nodes.append(ns)
        cards.append(card.model_copy(update={"nodes": tuple(nodes)}))
    return Cohort(
        rubric,
        scores.model_copy(update={"scorecards": tuple(cards), "bootstrap": REPLICATES}),
        observations,
        IndicatorReplicates(
            missions=tuple(card.mission.id for card in scores.scorecards),
            indicators=ids,
            values=reps,
        ),
    )


def main() -> int:
    """Run the benchmark, print and record the figures; exit 1 when the target is missed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--missions", type=int, default=200)
    ap.add_argument("--indicators", type=int, default=60)
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--pairs", type=int, default=5)
    args = ap.parse_args()
    load_before = list(os.getloadavg())
    cohort = synthetic(args.missions, args.indicators)
    settings = SensitivitySettings(runs=args.runs)
    comparison = compare(cohort.scores, cohort.rubric)
    rng = np.random.default_rng(0)
    a = rng.random((args.runs, args.indicators))
    b = rng.random((args.indicators, args.missions))
    found = []

    def analysis() -> None:
        found.append(
            sensitivity(
                cohort.scores,
                cohort.rubric,
                settings,
                seed=args.seed,
                comparison=comparison,
                observations=cohort.observations,
                replicates=cohort.replicates,
            )
        )

    pair = paired(
        f"sensitivity {args.runs} runs",
        "one product",
        lambda: run_inline(lambda: a @ b),
        lambda: run_inline(analysis),
        args.pairs,
    )
    print_pair(pair)
    result = found[-1]
    print(
        f"{result.evaluations} evaluations x {args.missions} missions x {args.indicators} "
        f"indicators, {result.draws} sampling draws"
    )
    print("first-order: " + ", ".join(f"{k} {v:.3f}" for k, v in result.first_order.items()))
    print("total effect: " + ", ".join(f"{k} {v:.3f}" for k, v in result.total_effect.items()))
    summary = pair.summary()
    targets = {
        "sensitivity CPU s (median of pairs)": target(summary["ovm_cpu_s"], TARGET_CPU_SECONDS),
    }
    results = {
        "_load_before": load_before,
        "runs": args.runs,
        "missions": args.missions,
        "indicators": args.indicators,
        "evaluations": result.evaluations,
        "sampling_draws": result.draws,
        "sensitivity": summary,
    }
    record("sensitivity", results, targets)
    return 0 if all(t["met"] for t in targets.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
