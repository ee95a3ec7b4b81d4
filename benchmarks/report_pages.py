"""Printed length of the example comparison: how many A4 pages, and where the summary ends.

The bundled example workspace (16 missions) is analysed as ``ovm report examples`` does, its
comparative report rendered and printed to PDF by headless Chromium (as ``ovm report --format
pdf``), and the PDF read back with pypdf. The summary a mission chief reads (overview, ranking,
best practices, what each country should fix) ends where the first family's detail begins (it
starts a new printed page).

Target: the summary in the first 5 pages. The total is printed for information. Exit status 1
when the target is missed, 2 without Chromium or pypdf.
Run: ``python benchmarks/report_pages.py [WORKSPACE] [--lang en|es|fr|pt] [--keep FILE.pdf]``.

With ``--mission ID`` the mission's report is measured instead: where its summary (score,
what pulled it down, recommendations) ends, i.e. where the scores by family begin, and its
length; the annex of how each indicator was scored follows the observer notes.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import unicodedata
from pathlib import Path

from ovm.data.workspace import load_workspace
from ovm.pipeline import analyse
from ovm.reporting import report
from ovm.reporting.pdf import PdfError, html_to_pdf
from ovm.reporting.report import DEFAULT_SENSITIVITY_RUNS
from ovm.settings import SensitivitySettings, Settings

TARGET_SUMMARY_PAGES = 5
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _lines(page: object) -> list[str]:
    text = unicodedata.normalize("NFKC", page.extract_text())  # type: ignore[attr-defined]
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]


def main(argv: list[str] | None = None) -> int:
    """Measure and print; exit status 1 when the summary is longer than the target."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workspace", nargs="?", default=str(EXAMPLES))
    ap.add_argument("--lang", default="en")
    ap.add_argument("--keep", metavar="FILE.pdf", help="also write the PDF here")
    ap.add_argument("--mission", metavar="ID", help="measure this mission's report")
    args = ap.parse_args(argv)
    try:
        import pypdf
    except ImportError:
        print("pypdf is needed: pip install pypdf", file=sys.stderr)
        return 2
    # as `ovm report WORKSPACE` runs it: the workspace's settings, rank intervals from 300 runs
    ws = load_workspace(args.workspace)
    base = ws.settings
    settings = Settings(
        seed=base.seed,
        bootstrap=base.bootstrap,
        confidence=base.confidence,
        sensitivity=SensitivitySettings(runs=DEFAULT_SENSITIVITY_RUNS),
    )
    run = analyse(ws, settings)
    context = report.report_context(run, lang=args.lang, mission=args.mission)
    try:
        pdf = html_to_pdf(report.render_html(context))
    except PdfError as exc:
        print(f"report_pages: {exc}", file=sys.stderr)
        return 2
    if args.keep:
        Path(args.keep).write_bytes(pdf)
    pages = [_lines(p) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]

    def starts(heading: str, anywhere: bool = False) -> int | None:
        # a section's heading is a line of its own; a long one may wrap (anywhere: joined)
        heading = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", heading))
        for number, lines in enumerate(pages, start=1):
            if heading in lines or (anywhere and heading in " ".join(lines)):
                return number
        return None

    t = report.translator(args.lang)
    if args.mission:
        for name in ("summary", "drags", "recommendations", "mission_families", "findings"):
            page = starts(t(name))
            print(f"{name:>16}: starts on page {page if page is not None else '—'}")
        annex = starts(t("mission_detail"))
        print(f"{'annex':>16}: starts on page {annex if annex is not None else '—'}")
        print(f"{'whole report':>16}: {len(pages)} A4 pages")
        return 0
    marks = {
        "overview": t("overview"),
        "ranking": t("ranking"),
        "best practices": t("best_practices") if t.has("best_practices") else None,
        "what to fix": t("fixes"),
    }
    for name, heading in marks.items():
        page = starts(heading) if heading else None
        print(f"{name:>16}: starts on page {page if page is not None else '—'}")
    first = context["family_sections"][0]
    family = starts(f"{t('family_n', n=first['number'])}{t.colon} {first['label']['text']}", True)
    if family is None:
        print("the first family's heading was not found in the PDF", file=sys.stderr)
        return 1
    summary = family - 1
    print(f"{'summary':>16}: pages 1-{summary} (target: at most {TARGET_SUMMARY_PAGES})")
    print(f"{'whole report':>16}: {len(pages)} A4 pages")
    return 0 if summary <= TARGET_SUMMARY_PAGES else 1


if __name__ == "__main__":
    sys.exit(main())
