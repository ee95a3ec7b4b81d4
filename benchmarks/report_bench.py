"""Report rendering speed and size for a 200-mission comparison.

A seeded synthetic workspace for the bundled DECO rubric (every indicator kind: legal answers
with provenance, official statistics, observer site rows) is loaded, scored, compared and run
through the sensitivity analysis once; then the comparative report is made from the run again
and again: its context (the recommendations drafted afresh each time) and its HTML, as
``ovm report --with-missions`` writes it (the case ``make report`` runs: the recommendations'
full texts are in the mission reports). Paired with a baseline that serialises the same context
to JSON (the paired method of ``benchmarks/README.md``): medians, ratios, load average and
thread counts are printed and recorded in ``benchmarks/results/report-*.json``.

Targets: context + HTML in at most 0.8 s of CPU time (median of the pairs) and an HTML of at
most 2.5 MB. The self-contained report (no mission reports beside it: the recommendations'
texts in an annex) is measured and printed too, with the bytes of each section of both.
Exit status 1 when a target is missed.
Run: ``python benchmarks/report_bench.py [--missions N] [--sites N] [--runs N] [--pairs P]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import paired, print_pair, record, run_inline, target

from ovm.data.workspace import load_workspace
from ovm.indicators import AnswerIndicator, ChecklistIndicator, LevelsIndicator
from ovm.pipeline import analyse
from ovm.reporting import report
from ovm.rubric.model import Rubric, default_rubric
from ovm.settings import SensitivitySettings, Settings

TARGET_SECONDS = 0.8
TARGET_BYTES = 2_500_000
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


def sections(html: str) -> dict[str, int]:
    """Bytes of each top-level section of a report (family sections together), and of the
    page's head and navigation before the first."""
    starts = [(m.start(), m.group(1)) for m in re.finditer(r'<section id="([^"]+)"', html)]
    out: dict[str, int] = {"(head, style, banner)": len(html[: starts[0][0]].encode())}
    for i, (start, name) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(html)
        key = "family-* (indicator tables, best performers)" if name.startswith("family-") else name
        out[key] = out.get(key, 0) + len(html[start:end].encode())
    return out


def main(argv: list[str] | None = None) -> int:
    """Build, score, compare; time context + HTML paired with the baseline; print and record
    the figures; exit 1 when a target is missed."""
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
    p.add_argument("--pairs", type=int, default=5)
    p.add_argument("--keep", metavar="FILE", help="write the HTML report (--with-missions) here")
    args = p.parse_args(argv)
    load_before = list(os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="ovm-report-bench-") as tmp:
        folder = Path(tmp)
        build_workspace(folder, args.missions, args.sites)
        ws = load_workspace(folder)
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
    title = ws.title(args.lang)
    made: dict[str, Any] = {}

    def context(mission_reports: bool) -> dict[str, Any]:
        # Drafted afresh, as a new process does: the run keeps recommendations once drafted.
        run._advice.clear()
        return report.comparison_context(
            run, lang=args.lang, title=title, mission_reports=mission_reports
        )

    def candidate() -> None:
        ctx = context(True)
        made["html"] = report.render_html(ctx)
        made["ctx"] = ctx

    def baseline() -> None:
        report.render_json(made["ctx"])

    candidate()  # the baseline serialises the context the candidate made
    pair = paired(
        f"report context + HTML ({args.missions} missions)",
        "JSON of the context",
        lambda: run_inline(baseline),
        lambda: run_inline(candidate),
        args.pairs,
    )
    html = made["html"]
    alone = report.render_html(context(False))
    size, alone_size = len(html.encode()), len(alone.encode())
    json_size = len(report.render_json(made["ctx"]).encode())
    if args.keep:
        Path(args.keep).write_text(html, encoding="utf-8")
    print(
        f"missions: {len(run.scores.scorecards)}, site rows: {ws.observations.sites.height}, "
        f"indicators: {len(ws.rubric.indicators())}"
    )
    print_pair(pair)
    with_missions, self_contained = sections(html), sections(alone)
    print(f"{'bytes by section':<48} {'--with-missions':>16} {'self-contained':>16}")
    for name in dict.fromkeys([*self_contained, *with_missions]):
        a, b = with_missions.get(name, 0), self_contained.get(name, 0)
        print(f"  {name:<46} {a / 1e3:13.1f} KB {b / 1e3:13.1f} KB")
    print(f"  {'total':<46} {size / 1e6:13.2f} MB {alone_size / 1e6:13.2f} MB")
    print(f"JSON context {json_size / 1e6:.2f} MB")
    summary = pair.summary()
    targets = {
        "context + HTML CPU s (median of pairs)": target(summary["ovm_cpu_s"], TARGET_SECONDS),
        "HTML MB (--with-missions)": target(size / 1e6, TARGET_BYTES / 1e6),
    }
    results = {
        "_load_before": load_before,
        "missions": args.missions,
        "sites": args.sites,
        "sensitivity_runs": args.runs,
        "report": summary,
        "html_bytes": size,
        "html_bytes_self_contained": alone_size,
        "json_bytes": json_size,
        "sections_with_missions": with_missions,
        "sections_self_contained": self_contained,
    }
    record("report", results, targets)
    return 0 if all(t["met"] for t in targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
