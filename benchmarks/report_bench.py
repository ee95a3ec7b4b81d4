"""Report rendering speed and size for a 200-mission comparison.

A seeded synthetic workspace for the bundled DECO rubric (every indicator kind: legal answers
with provenance, official statistics, observer site rows) is loaded and scored with the engine,
compared and run through the sensitivity analysis; then the comparative report's context is
built and rendered to HTML.

Targets: context + HTML under 2 s, HTML under 5 MB. Compare, sensitivity and scoring times are
printed for information (they are not the renderer's). Exit status 1 when a target is missed.
Run: ``python benchmarks/report_bench.py [--missions N] [--sites N] [--runs N]``.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ovm.data.workspace import load_workspace
from ovm.indicators import AnswerIndicator, ChecklistIndicator, LevelsIndicator
from ovm.pipeline import analyse
from ovm.reporting import report
from ovm.rubric.model import Rubric, default_rubric
from ovm.settings import SensitivitySettings, Settings

TARGET_SECONDS = 2.0
TARGET_BYTES = 5_000_000
COUNTRIES = (
    "ARG",
    "BOL",
    "BRA",
    "CHL",
    "COL",
    "CRI",
    "DOM",
    "ECU",
    "GTM",
    "HND",
    "MEX",
    "PAN",
    "PER",
    "PRY",
    "SLV",
    "URY",
)
CITIES = (
    ("USA", "Miami"),
    ("USA", "Houston"),
    ("ESP", "Madrid"),
    ("ITA", "Rome"),
    ("CAN", "Toronto"),
    ("ARG", "Buenos Aires"),
    ("FRA", "Paris"),
    ("DEU", "Berlin"),
)
SCALE = {
    "count": (1_000, 2_000_000),
    "percent": (20, 95),
    "days": (5, 120),
    "number": (1, 100),
    "share": (0.05, 0.95),
    "boolean": (0, 1),
}


def _yaml_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _variables(rubric: Rubric, rng: np.random.Generator) -> dict[str, float]:
    """Mission-level values that respect each variable's range and ``at_most`` limit."""
    out: dict[str, float] = {}
    pending = [v for v in rubric.variables if v.from_sites is None]
    while pending:
        rest = []
        for v in pending:
            if v.at_most is not None and v.at_most not in out:
                rest.append(v)
                continue
            lo, hi = SCALE.get(v.type, (0, 100))
            if v.minimum is not None:
                lo = max(lo, v.minimum)
            if v.maximum is not None:
                hi = min(hi, v.maximum)
            if v.at_most is not None:
                hi = min(hi, out[v.at_most] * 0.95)
            if lo > hi:
                lo = min(v.minimum or 0.0, hi)
            x = float(rng.uniform(lo, hi))
            out[v.name] = round(x) if v.type in ("count", "days", "boolean") else round(x, 2)
        if len(rest) == len(pending):
            break  # a limit outside the variables: leave those out
        pending = rest
    return out


def build_workspace(folder: Path, missions: int, sites: int, seed: int = 20261128) -> None:
    """Write a seeded workspace of ``missions`` elections for the bundled rubric."""
    rng = np.random.default_rng(seed)
    rubric = default_rubric()
    indicators = rubric.indicators()
    qualitative = [n for n in indicators if isinstance(n, LevelsIndicator | AnswerIndicator)]
    questions = [n for n in indicators if isinstance(n, ChecklistIndicator)]
    ids = []
    lines = ["missions:"]
    stats: list[dict[str, object]] = []
    for i in range(missions):
        country = COUNTRIES[i % len(COUNTRIES)]
        year = 2000 + (i // len(COUNTRIES)) % 25
        mid = f"{country.lower()}-{year}-{i:03d}"
        ids.append(mid)
        lines += [
            f"  - id: {mid}",
            f"    country: {country}",
            f"    name: {{en: {_yaml_str(f'{country} {year} election #{i}')}, "
            f"es: {_yaml_str(f'Elección {country} {year} n.º {i}')}}}",
            f"    election: {{type: general, date: {year}-0{1 + i % 9}-1{i % 9}}}",
            "    answers:",
        ]
        quality = rng.uniform(0.2, 1.0)
        for node in qualitative:
            if rng.random() < 0.08:
                continue  # missing: lowers coverage
            keys = node.answers()
            pick = min(len(keys) - 1, int(rng.beta(1 + 4 * quality, 2) * len(keys)))
            lines.append(
                f"      {node.id}: {{value: {_yaml_str(keys[pick])}, "
                f"source: {_yaml_str(f'Electoral law of {country}, art. {i % 90 + 1}')}, "
                f"confidence: {('high', 'medium', 'low')[i % 3]}}}"
            )
        values = _variables(rubric, rng)
        row: dict[str, object] = {"mission": mid}
        for name, value in values.items():
            row[name] = value
            row[f"{name}__source"] = f"EMB statistics {year}"
        stats.append(row)
    (folder / "missions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    columns = list(dict.fromkeys(k for r in stats for k in r))
    with (folder / "statistics.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        w.writerows(stats)
    header = [
        "mission",
        "site",
        "site_country",
        "site_city",
        "observer",
        "visited_at",
        "notes",
        *[q.id for q in questions],
    ]
    with (folder / "checklists.csv").open("w", encoding="utf-8", newline="") as fh:
        w2 = csv.writer(fh)
        w2.writerow(header)
        for k, mid in enumerate(ids):
            good = rng.uniform(0.4, 0.97)
            for s in range(sites):
                country, city = CITIES[(k + s) % len(CITIES)]
                row2: list[object] = [
                    mid,
                    f"s{s}",
                    country,
                    city,
                    f"obs-{k}-{s % 4}",
                    f"2024-06-02T0{7 + s % 3}:{10 + s % 50}:00",
                    "Long queue outside; <b>late</b> opening" if s == 0 else "",
                ]
                for q in questions:
                    if rng.random() < 0.04:
                        row2.append("")
                    elif q.numeric:
                        hi = q.maximum if q.maximum is not None else 100
                        row2.append(int(rng.uniform(q.minimum or 0, min(hi, 240))))
                    elif q.answer_type == "yes_no":
                        row2.append("yes" if rng.random() < good else "no")
                    else:
                        names = [c.name for c in q.all_choices()]
                        row2.append(names[0] if rng.random() < good else names[-1])
                w2.writerow(row2)
    (folder / "ovm.yaml").write_text(
        "title: {en: Report benchmark, es: Banco de informes}\n"
        "rubric: bundled:deco-voting-abroad\nmissions: missions.yaml\n"
        "statistics: [statistics.csv]\n"
        "checklists:\n  - {path: checklists.csv, simulated: true}\n"
        f"settings: {{seed: {seed}, bootstrap: 200}}\n",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    """Build, score, compare and render; print the figures; exit 1 when a target is missed."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--missions", type=int, default=200)
    p.add_argument("--sites", type=int, default=12, help="observer visits per mission")
    p.add_argument(
        "--runs",
        type=int,
        default=report.DEFAULT_SENSITIVITY_RUNS,
        help="sensitivity runs (0: skip)",
    )
    p.add_argument("--lang", default="en")
    p.add_argument("--keep", metavar="FILE", help="write the HTML report here")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ovm-report-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        build_workspace(folder, args.missions, args.sites)
        t1 = time.perf_counter()
        ws = load_workspace(folder)
        t2 = time.perf_counter()
        sens_settings = SensitivitySettings(runs=args.runs) if args.runs else None
        run = analyse(
            ws,
            Settings(
                seed=ws.settings.seed,
                bootstrap=ws.settings.bootstrap,
                confidence=ws.settings.confidence,
                sensitivity=sens_settings,
            ),
        )
        scores = run.scores
        t3 = t4 = time.perf_counter()
        ctx = report.comparison_context(run, lang=args.lang, title=ws.title(args.lang))
        t5 = time.perf_counter()
        html = report.render_html(ctx)
        t6 = time.perf_counter()
        size = len(html.encode("utf-8"))
        json_size = len(report.render_json(ctx).encode("utf-8"))
        if args.keep:
            Path(args.keep).write_text(html, encoding="utf-8")
    render = t6 - t4
    print(
        f"missions: {len(scores.scorecards)}, site rows: {ws.observations.sites.height}, "
        f"indicators: {len(ws.rubric.indicators())}"
    )
    print(f"generate workspace      {t1 - t0:7.2f} s")
    print(f"load                    {t2 - t1:7.2f} s")
    print(f"analyse ({args.runs} sens. runs) {t3 - t2:7.2f} s")
    print(f"report context          {t5 - t4:7.2f} s")
    print(f"HTML rendering          {t6 - t5:7.2f} s")
    print(f"context + HTML          {render:7.2f} s   (target < {TARGET_SECONDS:g} s)")
    print(f"HTML size               {size / 1e6:7.2f} MB  (target < {TARGET_BYTES / 1e6:.2f} MB)")
    print(f"JSON context size       {json_size / 1e6:7.2f} MB")
    ok = render < TARGET_SECONDS and size < TARGET_BYTES
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
