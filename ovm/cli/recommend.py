"""``ovm recommend`` and ``ovm whatif``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ovm.cli.app import EXIT_ERRORS, EXIT_OK, UsageError, _check_rejections, _scores, _write


def _comparison(ws: Any, scores: Any) -> Any:
    from ovm.comparison.cohort import compare

    return compare(scores, ws.rubric, observations=ws.observations)


def cmd_recommend(args: argparse.Namespace) -> int:
    """Draft the recommendations of one mission."""
    from ovm.comparison.recommend import recommend, to_markdown
    from ovm.data.followup import follow_up
    from ovm.rubric.model import pick

    ws, scores = _scores(args)
    if scores is None:
        return EXIT_ERRORS
    try:
        card = scores.scorecard(args.mission)
    except KeyError:
        known = ", ".join(c.mission.id for c in scores.scorecards)
        raise UsageError(f"no mission {args.mission!r} (missions: {known})") from None
    mission = ws.observations.mission(args.mission)
    comparison = _comparison(ws, scores)
    recs = recommend(ws.rubric, card, comparison, mission=mission, lang=args.lang)
    fu = follow_up(mission, ws.observations.missions)
    if args.format == "json":
        data = {
            "mission": args.mission,
            "lang": args.lang,
            "rubric": {"id": ws.rubric.id, "version": ws.rubric.version},
            "recommendations": [r.as_dict() for r in recs],
            "follow_up": {
                "previous": fu.previous,
                "share": fu.share,
                "items": [i.model_dump(mode="json") for i in fu.items],
            },
        }
        _write(json.dumps(data, indent=1, ensure_ascii=False) + "\n", args.output)
    else:
        name = card.mission.name
        title = name if isinstance(name, str) else pick(name, args.lang)
        _write(to_markdown(recs, fu, title, args.lang), args.output)
    return EXIT_OK


def cmd_whatif(args: argparse.Namespace) -> int:
    """Rescore one mission with changed inputs."""
    from ovm.comparison.recommend import WhatIfError, whatif
    from ovm.data.workspace import load_workspace

    changes: dict[str, str] = {}
    for item in args.set or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set takes VARIABLE=VALUE, not {item!r}")
        changes[key.strip()] = value
    if not changes:
        raise UsageError("give at least one --set VARIABLE=VALUE")
    ws = load_workspace(args.workspace, rubric=args.rubric)
    if not _check_rejections(ws, args):
        return EXIT_ERRORS
    if args.mission not in {m.id for m in ws.observations.missions}:
        raise UsageError(f"no mission {args.mission!r}")
    names = set(ws.rubric.nodes) | {v.name for v in ws.rubric.variables}
    unknown = [k for k in changes if k not in names]
    if unknown:
        raise UsageError(f"--set: {', '.join(unknown)} is neither a variable nor an indicator "
                         f"of {ws.rubric.id}")
    try:
        result = whatif(ws.rubric, ws.observations, args.mission, changes, seed=ws.settings.seed)
    except WhatIfError as exc:
        print(f"ovm whatif: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    if args.format == "json":
        rows = [
            {
                "node": c.node,
                "before": c.before,
                "after": c.after,
                "delta": c.delta,
                "status_before": c.status_before,
                "status_after": c.status_after,
            }
            for c in result
        ]
        _write(
            json.dumps(
                {"mission": args.mission, "changes": changes, "nodes": rows},
                indent=1,
                ensure_ascii=False,
            )
            + "\n",
            args.output,
        )
        return EXIT_OK

    def f(x: float | None) -> str:
        return "—" if x is None else f"{x:.1f}"

    lines = [f"{'node':<40} {'before':>8} {'after':>8} {'change':>8}"]
    for c in result:
        delta = "—" if c.delta is None else f"{c.delta:+.1f}"
        after = f(c.after) if c.status_after == "scored" else c.status_after
        before = f(c.before) if c.status_before == "scored" else c.status_before
        lines.append(f"{c.node:<40} {before:>8} {after:>8} {delta:>8}")
    if not result:
        lines.append("no score changes")
    _write("\n".join(lines) + "\n", args.output)
    return EXIT_OK


def register(sub: Any, workspace_args: Any) -> None:
    """Add ``recommend`` and ``whatif`` to the command line."""
    r = sub.add_parser("recommend", help="draft a mission's recommendations from its scores")
    workspace_args(r)
    r.add_argument("--mission", required=True, metavar="ID")
    r.add_argument("--lang", default="en", choices=["en", "es"])
    r.add_argument("--format", default="md", choices=["md", "json"])
    r.add_argument("-o", "--output")
    r.set_defaults(func=cmd_recommend)

    w = sub.add_parser("whatif", help="rescore a mission with changed inputs")
    w.add_argument("workspace", metavar="WORKSPACE")
    w.add_argument("--rubric", metavar="FILE")
    w.add_argument("--mission", required=True, metavar="ID")
    w.add_argument("--set", action="append", metavar="VARIABLE=VALUE")
    w.add_argument("--format", default="text", choices=["text", "json"])
    w.add_argument("--allow-rejected", action="store_true",
                   help="go on when some data rows are rejected (they stay listed)")
    w.add_argument("-q", "--quiet", action="store_true", help="no summary of the rows read")
    w.add_argument("-o", "--output")
    w.set_defaults(func=cmd_whatif)
