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
    output_format,
    run_from,
    workspace_args,
    write_output,
)
from ovm.i18n import LANGUAGES, format_number, translator


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

    fmt = output_format(args, ("md", "json"), "md")
    _, run = run_from(args, mission=args.mission)
    card = run.scorecard(args.mission)
    recs = run.recommendations(args.mission, args.lang)
    fu = run.follow_up(args.mission)
    if fmt == "json":
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
            **_simulated(run, card),
        }
        write_output(
            json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n", args.output
        )
    else:
        name = card.mission.name
        title = name if isinstance(name, str) else pick(dict(name), args.lang)
        from ovm.cli.compare import simulated_line

        said = simulated_line(_simulated(run, card)["simulated_sources"], args.lang)
        text = to_markdown(recs, fu, title, args.lang)
        write_output(text + ("\n" + said if said else ""), args.output)
    return EXIT_OK


def cmd_whatif(args: argparse.Namespace) -> int:
    """Rescore one mission with changed inputs, the cohort step included."""
    from ovm.pipeline import WhatIfError, node_summary, whatif

    changes: dict[str, str] = {}
    for item in args.set or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(
                f"--set takes VARIABLE=VALUE, not {item!r}", key="usage_set_syntax", item=item
            )
        changes[key.strip()] = value
    fmt = output_format(args, ("text", "json"), "text")
    _, run = run_from(args, mission=args.mission)
    names = set(run.rubric.nodes) | {v.name for v in run.rubric.variables}
    unknown = [k for k in changes if k not in names]
    if unknown:
        raise UsageError(
            f"--set: {', '.join(unknown)} is neither a variable nor an indicator of "
            f"{run.rubric.id}",
            key="usage_set_unknown",
            names=unknown,
            rubric=run.rubric.id,
        )
    try:
        result = whatif(run, args.mission, changes)
    except WhatIfError as exc:
        for text, code in zip(exc.texts(args.lang), exc.codes, strict=True):
            print(f"ovm whatif: {text} [{code}]", file=sys.stderr)
        return EXIT_ERRORS
    moved = result.moved()
    if fmt == "json":
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
            **_simulated(run, run.scorecard(args.mission)),
        }
        write_output(
            json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n", args.output
        )
        return EXIT_OK

    t = translator(args.lang)

    def f(x: float | None) -> str:
        return "—" if x is None else format_number(x, args.lang, 1)

    def shown(score: float | None, status: str) -> str:
        if status == "scored":
            return f(score)
        return t(f"status_{status}") if t.has(f"status_{status}") else status

    head = [t(f"cli_whatif_{k}") for k in ("node", "before", "after", "change")]
    rows = []
    if not changes:
        ov = result.before.overall
        score = shown(ov.score, ov.status)
        rows.append(("overall", score, score, ""))
    for c in moved:
        rows.append(
            (
                c.node,
                shown(c.before, c.status_before),
                shown(c.after, c.status_after),
                format_change(c.delta, args.lang),
            )
        )
    # Each column as wide as its widest cell: a status in words ("datos insuficientes") is
    # wider than any number.
    widths = [max(len(r[i]) for r in [tuple(head), *rows]) for i in range(len(head))]
    widths[0] = max(40, widths[0])
    widths[1:] = [max(8, w) for w in widths[1:]]

    def row(*cells: str) -> str:
        first, *rest = cells
        return " ".join(
            [first.ljust(widths[0])] + [c.rjust(w) for c, w in zip(rest, widths[1:], strict=True)]
        )

    lines = [row(*head), *(row(*r) for r in rows)]
    if changes and not moved:
        lines.append(t("cli_whatif_no_change"))
    from ovm.cli.compare import simulated_line

    said = simulated_line(
        _simulated(run, run.scorecard(args.mission))["simulated_sources"], args.lang
    )
    write_output("\n".join(lines) + "\n" + said, args.output)
    return EXIT_OK


def _simulated(run: Any, card: Any) -> dict[str, Any]:
    """Whether one mission's results rest on simulated observer data, by the rule its report
    applies (a mission without a simulated visit has none, whatever other missions have), and
    the files whose observer data are simulated, as the scores file names them: none where the
    mission's results do not rest on them."""
    from ovm.reporting.tables import shows_simulated

    simulated = shows_simulated(run.scores, [card])
    return {
        "simulated": simulated,
        "simulated_sources": list(run.scores.simulated_sources) if simulated else [],
    }


def format_change(delta: float | None, lang: str = "en") -> str:
    """A change of score to one decimal, signed, in ``lang``'s number format; a change too small
    to show at one decimal is written ``+<0.1`` / ``-<0.1``, never ``+0.0``, and no change is
    ``0.0``."""
    if delta is None:
        return "—"
    zero = format_number(0.0, lang, 1)
    if delta == 0:
        return zero
    size = format_number(abs(delta), lang, 1)
    if size == zero:
        size = "<" + format_number(0.1, lang, 1)
    return ("+" if delta > 0 else "-") + size


def register(sub: Any) -> None:
    """Add ``recommend`` and ``whatif`` to the command line."""
    r = sub.add_parser("recommend", help=command_help("recommend"))
    workspace_args(r)
    r.add_argument("--mission", required=True, metavar="ID")
    r.add_argument("--lang", default="en", choices=LANGUAGES, help="language of the text")
    r.add_argument(
        "--format",
        choices=["md", "json"],
        help="output format (default: from the file suffix, else md)",
    )
    r.add_argument("-o", "--output")
    r.set_defaults(func=cmd_recommend)

    w = sub.add_parser(
        "whatif",
        help=command_help("whatif"),
    )
    workspace_args(w)
    w.add_argument("--mission", required=True, metavar="ID")
    w.add_argument(
        "--set",
        action="append",
        metavar="VARIABLE=VALUE",
        help="an input changed: a variable's value or an indicator's answer; --set again for"
        " each other one",
    )
    w.add_argument("--lang", default="en", choices=LANGUAGES, help="language of the table")
    w.add_argument(
        "--format",
        choices=["text", "json"],
        help="output format (default: from the file suffix, else text)",
    )
    w.add_argument("-o", "--output")
    w.set_defaults(func=cmd_whatif)
