"""``ovm report``: the comparative report of a workspace, or the report on one mission."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ovm.cli.app import EXIT_ERRORS, EXIT_OK, UsageError, _scores, _write
from ovm.i18n import LANGUAGES

FORMATS = ("html", "json", "xlsx")


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.output).suffix.lower() if args.output not in (None, "-") else ""
    if suffix == ".pdf":
        raise UsageError("ovm writes HTML: print it to PDF from a browser (A4 styles included)")
    return {".json": "json", ".xlsx": "xlsx"}.get(suffix, "html")


def _ids(values: list[str] | None) -> list[str]:
    """Mission ids from ``--missions a b`` or ``--missions a,b``."""
    out: list[str] = []
    for value in values or []:
        out.extend(x.strip() for x in value.split(",") if x.strip())
    return out


def cmd_report(args: argparse.Namespace) -> int:
    """Write a report: comparison of the cohort, or one mission with ``--mission``."""
    import jinja2

    from ovm.reporting.report import render, report_context

    fmt = _format(args)
    missions = _ids(args.missions)
    if args.mission and missions:
        raise UsageError("--mission (one mission's report) and --missions (a comparison of "
                         "some missions) cannot be used together")
    if fmt == "xlsx" and args.mission:
        raise UsageError("--format xlsx writes the comparison workbook; drop --mission")
    if fmt == "xlsx" and args.output in (None, "-") and sys.stdout.isatty():
        raise UsageError("a workbook is binary: give -o FILE.xlsx")
    if args.templates is not None and not Path(args.templates).is_dir():
        raise UsageError(f"--templates: no folder at {args.templates}")
    if args.sensitivity_runs < 0 or args.sensitivity_runs == 1:
        raise UsageError("--sensitivity-runs must be 0 (off) or at least 2")
    ws, scores = _scores(args)
    if scores is None:
        return EXIT_ERRORS
    known = [c.mission.id for c in scores.scorecards]
    unknown = [m for m in ([args.mission] if args.mission else missions) if m not in known]
    if unknown:
        raise UsageError(f"no mission {', '.join(map(repr, unknown))} in the workspace "
                         f"(missions: {', '.join(known)})")
    context = report_context(
        scores, ws.rubric, lang=args.lang, mission=args.mission, missions=missions or None,
        observations=ws.observations, title=args.title or (None if args.mission
                                                          else ws.title(args.lang)),
        sensitivity_runs=args.sensitivity_runs, root=ws.root)
    try:
        output: str | bytes = render(context, fmt, templates=args.templates)
    except jinja2.TemplateError as exc:
        if args.templates is None:
            raise
        where = f"{exc.name}:{exc.lineno}: " if isinstance(exc, jinja2.TemplateSyntaxError) \
            else ""
        print(f"ovm report: template error in {args.templates}: {where}{exc}", file=sys.stderr)
        return EXIT_ERRORS
    _write(output, args.output)
    if not args.quiet:
        print(_summary(context, fmt, args.output), file=sys.stderr)
    return EXIT_OK


def _summary(context: dict[str, Any], fmt: str, output: str | None) -> str:
    where = "standard output" if output in (None, "-") else output
    if context["kind"] == "mission":
        what = f"report on mission {context['mission']['id']}"
    else:
        what = f"comparison of {len(context['missions'])} missions"
    sim = " (includes SIMULATED data)" if context["simulated"]["any"] else ""
    return f"wrote {fmt} {what} to {where}{sim}"


def register(sub: Any, workspace_args: Any) -> None:
    """Add the ``report`` subcommand to the ``ovm`` parser."""
    p = sub.add_parser(
        "report", help="write the comparative report (or one mission's) as HTML, JSON or XLSX",
        description="Score a workspace, compare its missions and write a self-contained HTML "
                    "report (CSS and charts inline, nothing loaded from the network), the "
                    "report's data as JSON, or the comparison as an XLSX workbook.")
    workspace_args(p)
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.add_argument("--format", choices=FORMATS,
                   help="output format (default: from the file suffix, else html)")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="report language")
    p.add_argument("--missions", nargs="+", metavar="ID",
                   help="compare only these missions (ids, space or comma separated)")
    p.add_argument("--mission", metavar="ID", help="write the report on this mission instead")
    p.add_argument("--templates", metavar="DIR",
                   help="folder of templates overriding the packaged ones, file by file")
    p.add_argument("--title", help="title of the report (default: the workspace title)")
    p.add_argument("--sensitivity-runs", type=int, default=300, metavar="N",
                   help="runs of the sensitivity analysis behind rank intervals (0: skip)")
    p.set_defaults(func=cmd_report)
