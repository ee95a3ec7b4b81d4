"""Coverage of ovm's intervals on simulated missions whose true shares are known.

Each simulated mission has true shares for six checklist questions (skewed towards high
compliance, as observed abroad), a number of polling places (5 to 200), 1 to 4 visits per place
(skewed: most places are visited once), and a within-place correlation between 0 and 0.3
(each place's share is drawn from a Beta around the true share). Missions are written to a
workspace and scored through the public API (``ovm.load_workspace`` + ``ovm.score``); a
mission's scorecard does not depend on the others, so one workspace holds many simulations.

The truth of an indicator is its rule applied to the true share; the truth of a family and of
the overall is the rubric's aggregation (arithmetic means) of the true indicator scores. The
table gives, per number of places and node level, the share of nominal 95 % intervals that
hold the truth, with how many intervals were collapsed (width 0 although the truth is
uncertain, strictly between 0 and 100) and how many nodes had no interval.

Where the rule scores every value of an indicator's interval alike (goalposts 50 -> 0 with
every plausible share below 50 %), the scorecard gives the score no interval and says so with
a ``flat-rule-interval`` finding that carries the share's interval: that interval is what the
scorecard states, so it is checked against the true share (column ``flat``).

Targets: 93-97 % at 15 or more places for indicators, families and overall; at least 90 % at
8 places; no collapsed interval. Exits 1 when a target is missed.
Run: ``python benchmarks/coverage_bench.py [--reps N] [--missions M] [--seed S]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import polars as pl

import ovm

PLACES = (5, 8, 15, 50, 200)
QUESTIONS = 6
FAMILIES = (("f0", (0, 1, 2)), ("f1", (3, 4, 5)))
RULED = {1}
"""Questions scored through goalposts 50 -> 0, 100 -> 100 rather than as the share itself."""
LEVELS = ("indicator", "family", "overall")


def rubric_text() -> str:
    """Six yes/no checklist questions in two families, one through a goalposts rule."""
    lines = [
        "ovm_rubric: 1",
        "id: coverage",
        'version: "1"',
        "title: {en: Coverage, es: Cobertura}",
        "families:",
    ]
    for fam, qs in FAMILIES:
        lines += [f"  - id: {fam}", f"    labels: {{en: {fam}, es: {fam}}}", "    children:"]
        for q in qs:
            lines += [
                f"      - id: q{q}",
                "        kind: checklist",
                "        source: checklist",
                f"        labels: {{en: Q{q}, es: P{q}}}",
                f"        question: {{en: Question {q}, es: Pregunta {q}}}",
            ]
            if q in RULED:
                lines.append("        rule: {type: goalposts, low: 50, high: 100}")
    return "\n".join(lines) + "\n"


def indicator_truth(share: np.ndarray, q: int) -> np.ndarray:
    """The true score of question ``q`` given its true share (0-1)."""
    pct = 100.0 * share
    if q in RULED:
        return np.clip((pct - 50.0) * 2.0, 0.0, 100.0)
    return pct


def simulate(
    rng: np.random.Generator, places: int, missions: int, tag: str
) -> tuple[list[str], pl.DataFrame, dict[str, dict[str, float]]]:
    """``missions`` simulated missions of ``places`` places: ids, visit rows and true scores."""
    ids, frames, truth = [], [], {}
    for i in range(missions):
        mid = f"{tag}-p{places}-{i:04d}"
        ids.append(mid)
        share = np.clip(rng.beta(6.0, 1.2, QUESTIONS), 0.02, 0.995)
        rho = rng.uniform(0.0, 0.3)
        # Skewed visits per place: most places once, a few up to four times.
        visits = rng.choice([1, 2, 3, 4], size=places, p=[0.55, 0.25, 0.12, 0.08])
        place = np.repeat(np.arange(places), visits)
        answers = np.empty((place.size, QUESTIONS), dtype=object)
        for q in range(QUESTIONS):
            if rho > 0:
                a = share[q] * (1 - rho) / rho
                b = (1 - share[q]) * (1 - rho) / rho
                at_place = rng.beta(a, b, places)
            else:
                at_place = np.full(places, share[q])
            yes = rng.random(place.size) < at_place[place]
            answers[:, q] = np.where(yes, "yes", "no")
        frames.append(
            pl.DataFrame(
                {
                    "mission": [mid] * place.size,
                    "site": [f"{mid}-s{p}" for p in place],
                    **{f"q{q}": answers[:, q].tolist() for q in range(QUESTIONS)},
                }
            )
        )
        scores = {f"q{q}": float(indicator_truth(share[q : q + 1], q)[0]) for q in range(QUESTIONS)}
        scores |= {f"q{q}:value": 100.0 * float(share[q]) for q in range(QUESTIONS)}
        fams = {fam: float(np.mean([scores[f"q{q}"] for q in qs])) for fam, qs in FAMILIES}
        truth[mid] = {**scores, **fams, "overall": float(np.mean(list(fams.values())))}
    return ids, pl.concat(frames), truth


def write_workspace(folder: Path, ids: list[str], sites: pl.DataFrame) -> None:
    """A workspace of the simulated missions."""
    (folder / "rubric.yaml").write_text(rubric_text(), encoding="utf-8")
    (folder / "missions.yaml").write_text(
        "missions:\n"
        + "".join(
            f"  - {{id: {m}, country: CRI, name: {m}, election: {{type: general, "
            f"date: 2024-01-{1 + i % 28:02d}}}}}\n"
            for i, m in enumerate(ids)
        ),
        encoding="utf-8",
    )
    (folder / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\nchecklists:\n  - {path: sites.csv}\n",
        encoding="utf-8",
    )
    sites.write_csv(folder / "sites.csv")


def level_of(node: str) -> str:
    """The level of a node of the coverage rubric."""
    return "overall" if node == "overall" else "family" if node.startswith("f") else "indicator"


def run(reps: int, missions: int, seed: int, bootstrap: int) -> dict[tuple[int, str], list[int]]:
    """Score ``reps`` workspaces; per (places, level): [held, total, collapsed, no interval,
    flat rule]."""
    tally: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    rng = np.random.default_rng(seed)
    for r in range(reps):
        ids: list[str] = []
        frames: list[pl.DataFrame] = []
        truth: dict[str, dict[str, float]] = {}
        places_of: dict[str, int] = {}
        for places in PLACES:
            got_ids, got_sites, got_truth = simulate(rng, places, missions, f"r{r}")
            ids += got_ids
            frames.append(got_sites)
            truth.update(got_truth)
            places_of.update(dict.fromkeys(got_ids, places))
        with tempfile.TemporaryDirectory() as tmp:
            write_workspace(Path(tmp), ids, pl.concat(frames))
            ws = ovm.load_workspace(Path(tmp))
            scores = ovm.score(ws.rubric, ws.observations, seed=seed + r, bootstrap=bootstrap)
        for card in scores.scorecards:
            places = places_of[card.mission.id]
            flat = {f.node: f.params for f in card.findings if f.code == "flat-rule-interval"}
            for ns in (card.overall, *card.nodes):
                cell = tally[(places, level_of(ns.node))]
                cell[1] += 1
                true = truth[card.mission.id][ns.node]
                if ns.interval is None and ns.node in flat:
                    # The interval stated is the share's: it must hold the true share (the
                    # parameters are rounded to 0.1).
                    cell[4] += 1
                    lo, hi = float(flat[ns.node]["low"]), float(flat[ns.node]["high"])
                    true_value = truth[card.mission.id][f"{ns.node}:value"]
                    cell[0] += int(lo - 0.05 <= true_value <= hi + 0.05)
                    continue
                if ns.interval is None:
                    cell[3] += 1
                    continue
                lo, hi = ns.interval
                cell[0] += int(lo - 1e-9 <= true <= hi + 1e-9)
                # A rule can make the truth certain (goalposts clip a share far below 50 % to
                # 0): a point interval there is right, not collapsed.
                cell[2] += int(hi - lo <= 0.0 and 0.0 < true < 100.0)
    return tally


def missed(tally: dict[tuple[int, str], list[int]]) -> list[str]:
    """The targets missed, in words."""
    out = []
    for (places, level), (held, total, collapsed, none, _) in sorted(tally.items()):
        with_interval = total - none
        share = held / with_interval if with_interval else float("nan")
        if collapsed:
            out.append(f"{places} places, {level}: {collapsed} collapsed interval(s)")
        if places >= 15 and not 0.93 <= share <= 0.97:
            out.append(f"{places} places, {level}: {share:.1%} outside 93-97 %")
        elif 8 <= places < 15 and not share >= 0.90:
            out.append(f"{places} places, {level}: {share:.1%} below 90 %")
        if places >= 5 and none:
            out.append(f"{places} places, {level}: {none} node(s) without an interval")
    return out


def main() -> int:
    """Simulate, score, print the coverage table; exit 1 when a target is missed."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--reps", type=int, default=10, help="workspaces scored (default 10)")
    ap.add_argument(
        "--missions",
        type=int,
        default=200,
        help="simulated missions per number of places in each workspace",
    )
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--bootstrap", type=int, default=200)
    args = ap.parse_args()
    start = time.perf_counter()
    tally = run(args.reps, args.missions, args.seed, args.bootstrap)
    elapsed = time.perf_counter() - start
    print(
        f"ovm {ovm.__version__}; seed {args.seed}; {args.reps} reps x {args.missions} missions "
        f"per row; bootstrap {args.bootstrap}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {elapsed:.0f} s"
    )
    print("coverage of nominal 95 % intervals (collapsed / without interval / flat rule)")
    print(f"{'places':>6}  " + "  ".join(f"{lv:>24}" for lv in LEVELS))
    for places in PLACES:
        cells = []
        for level in LEVELS:
            held, total, collapsed, none, flat = tally[(places, level)]
            n = total - none
            cov = f"{held / n:6.1%}" if n else "     -"
            cells.append(f"{cov} ({collapsed}/{none}/{flat} of {total})".rjust(24))
        print(f"{places:>6}  " + "  ".join(cells))
    problems = missed(tally)
    for p in problems:
        print(f"MISSED: {p}")
    print("all targets met" if not problems else f"{len(problems)} target(s) missed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
