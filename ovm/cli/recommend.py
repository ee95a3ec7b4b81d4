"""``ovm recommend`` and ``ovm whatif``: a mission's advice and its scores with changed inputs."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ovm.cli.common import (
    EXIT_ERRORS,
    EXIT_OK,
    UsageError,
    command_help,
    run_from,
    workspace_args,
    write_output,
)
from ovm.i18n import LANGUAGES


def _headline(run: Any, mission: str) -> dict[str, Any]:
    """The mission's overall and family figures, as every output gives them."""
    from ovm.pipeline import node_summary

    card = run.scorecard(mission)
    families = {f.id for f in run.rubric.families}
    return {
        "overall": node_summary(card.overall),
        "families": [node_summary(ns) for ns in card.nodes if ns.node in families],
        "rank": run.rank(mission).rank,
    }


def cmd_recommend(args: argparse.Namespace) -> int:
    """Draft the recommendations of one mission."""
    from ovm.comparison.recommend import to_markdown
    from ovm.rubric.model import pick

    _, run = run_from(args, mission=args.mission)
    card = run.scorecard(args.mission)
    recs = run.recommendations(args.mission, args.lang)
    fu = run.follow_up(args.mission)
    if args.format == "json":
        data = {
            "mission": args.mission,
            "lang": args.lang,
            "rubric": {"id": run.rubric.id, "version": run.rubric.version},
            "scores": _headline(run, args.mission),
            "recommendations": [r.as_dict() for r in recs],
            "follow_up": {
                "previous": fu.previous,
                "share": fu.share,
                "items": [i.model_dump(mode="json") for i in fu.items],
            },
        }
        write_output(json.dumps(data, indent=1, ensure_ascii=False) + "\n", args.output)
    else:
        name = card.mission.name
        title = name if isinstance(name, str) else pick(dict(name), args.lang)
        write_output(to_markdown(recs, fu, title, args.lang), args.output)
    return EXIT_OK


def cmd_whatif(args: argparse.Namespace) -> int:
    """Rescore one mission with changed inputs, the cohort step included."""
    from ovm.pipeline import WhatIfError, node_summary, whatif

    changes: dict[str, str] = {}
    for item in args.set or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set takes VARIABLE=VALUE, not {item!r}")
        changes[key.strip()] = value
    _, run = run_from(args, mission=args.mission)
    names = set(run.rubric.nodes) | {v.name for v in run.rubric.variables}
    unknown = [k for k in changes if k not in names]
    if unknown:
        raise UsageError(
            f"--set: {', '.join(unknown)} is neither a variable nor an indicator of {run.rubric.id}"
        )
    try:
        result = whatif(run, args.mission, changes)
    except WhatIfError as exc:
        for problem, code in zip(exc.problems, exc.codes, strict=True):
            print(f"ovm whatif: {problem} [{code}]", file=sys.stderr)
        return EXIT_ERRORS
    moved = result.moved()
    if args.format == "json":
        data = {
            "mission": args.mission,
            "changes": changes,
            "before": node_summary(result.before.overall),
            "after": node_summary(result.after.overall),
            "nodes": [
                {
                    "node": c.node,
                    "before": c.before,
                    "after": c.after,
                    "delta": c.delta,
                    "status_before": c.status_before,
                    "status_after": c.status_after,
                }
                for c in moved
            ],
        }
        write_output(json.dumps(data, indent=1, ensure_ascii=False) + "\n", args.output)
        return EXIT_OK

    def f(x: float | None) -> str:
        return "—" if x is None else f"{x:.1f}"

    lines = [f"{'node':<40} {'before':>8} {'after':>8} {'change':>8}"]
    if not changes:
        ov = result.before.overall
        lines.append(
            f"{'overall':<40} {f(ov.score) if ov.status == 'scored' else ov.status:>8}"
            f" {f(ov.score) if ov.status == 'scored' else ov.status:>8} {'':>8}"
        )
    for c in moved:
        delta = format_change(c.delta)
        after = f(c.after) if c.status_after == "scored" else c.status_after
        before = f(c.before) if c.status_before == "scored" else c.status_before
        lines.append(f"{c.node:<40} {before:>8} {after:>8} {delta:>8}")
    if changes and not moved:
        lines.append("no score changes")
    write_output("\n".join(lines) + "\n", args.output)
    return EXIT_OK


def format_change(delta: float | None) -> str:
    """A change of score to one decimal, signed; a change too small to show at one decimal is
    written ``+<0.1`` / ``-<0.1``, never ``+0.0``, and no change is ``0.0``."""
    if delta is None:
        return "—"
    text = f"{delta:+.1f}"
    if delta == 0:
        return "0.0"
    if text in ("+0.0", "-0.0"):
        return "+<0.1" if delta > 0 else "-<0.1"
    return text


def register(sub: Any) -> None:
    """Add ``recommend`` and ``whatif`` to the command line."""
    r = sub.add_parser("recommend", help=command_help("recommend"))
    workspace_args(r)
    r.add_argument("--mission", required=True, metavar="ID")
    r.add_argument("--lang", default="en", choices=LANGUAGES, help="language of the text")
    r.add_argument("--format", default="md", choices=["md", "json"])
    r.add_argument("-o", "--output")
    r.set_defaults(func=cmd_recommend)

    w = sub.add_parser(
        "whatif",
        help=command_help("whatif"),
    )
    workspace_args(w)
    w.add_argument("--mission", required=True, metavar="ID")
    w.add_argument("--set", action="append", metavar="VARIABLE=VALUE")
    w.add_argument("--format", default="text", choices=["text", "json"])
    w.add_argument("-o", "--output")
    w.set_defaults(func=cmd_whatif)
