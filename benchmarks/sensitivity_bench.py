"""Benchmark of ovm.sensitivity: 10,000 runs x 200 missions x 60 indicators (synthetic, seeded).

Run standalone: ``python benchmarks/sensitivity_bench.py [--runs N] [--missions M]
[--indicators K]``. Prints the time of the analysis and, measured in the same process, the time
of one NumPy matrix product of the same size, (runs x indicators) @ (indicators x missions), as a
floor; and their ratio. Target: under 5 s for the default size on a 2-core machine.

``runs`` is the base sample size N of the Saltelli design: the analysis evaluates N * 7 complete
methodologies (weights, aggregation, normalisation, a dropped indicator, sampling error).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ovm import Mission, Observations, Rubric, score
from ovm.comparison.sensitivity import sensitivity
from ovm.data.observations import Datum, Election
from ovm.scoring.results import ScoreSet

TARGET_SECONDS = 5.0


def synthetic(missions: int, indicators: int, seed: int = 1) -> tuple[Rubric, ScoreSet]:
    """A rubric of 6 families (the last with two sub-groups) and a scored synthetic cohort.

    A third of the indicators get a sampling interval, as indicators from observer checklists
    do; one indicator in six is a ``cohort`` indicator on raw values; 3% of values are missing.
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
    scores = score(rubric, Observations(missions=tuple(cohort)), bootstrap=0)
    cards = []
    for card in scores.scorecards:
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
            nodes.append(ns)
        cards.append(card.model_copy(update={"nodes": tuple(nodes)}))
    return rubric, scores.model_copy(update={"scorecards": tuple(cards)})


def floor_seconds(runs: int, indicators: int, missions: int, repeat: int = 5) -> float:
    """Best time of one (runs x indicators) @ (indicators x missions) product."""
    rng = np.random.default_rng(0)
    a = rng.random((runs, indicators))
    b = rng.random((indicators, missions))
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    """Run the benchmark and print the timings."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--missions", type=int, default=200)
    ap.add_argument("--indicators", type=int, default=60)
    ap.add_argument("--seed", type=int, default=20261128)
    args = ap.parse_args()
    rubric, scores = synthetic(args.missions, args.indicators)
    t0 = time.perf_counter()
    result = sensitivity(scores, rubric, runs=args.runs, seed=args.seed)
    elapsed = time.perf_counter() - t0
    floor = floor_seconds(args.runs, args.indicators, args.missions)
    print(
        f"sensitivity: {args.runs} runs ({result.evaluations} evaluations) x {args.missions} "
        f"missions x {args.indicators} indicators: {elapsed:.2f} s"
    )
    print(
        f"floor: one ({args.runs} x {args.indicators}) @ ({args.indicators} x "
        f"{args.missions}) matrix product: {floor * 1000:.2f} ms"
    )
    print(f"ratio: {elapsed / floor:.0f}x the floor")
    print("first-order: " + ", ".join(f"{k} {v:.3f}" for k, v in result.first_order.items()))
    print("total effect: " + ", ".join(f"{k} {v:.3f}" for k, v in result.total_effect.items()))
    ok = elapsed < TARGET_SECONDS
    print(f"target < {TARGET_SECONDS:g} s: {'met' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
