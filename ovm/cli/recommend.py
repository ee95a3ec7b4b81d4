"""``ovm recommend`` and ``ovm whatif``: a mission's advice and its scores with changed inputs."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from ovm.pipeline import WhatIf
    from ovm.rubric.model import Rubric


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
    if fmt == "json":
        moved = result.moved()
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

    lines = whatif_table(result, run.rubric, args.lang)
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


TABLE_WIDTH = 100
"""Terminal columns ``ovm whatif``'s table keeps within: its labels wrap to fit, its numbers
never do."""

_NARROWEST_LABEL = 20
"""Columns a label keeps however wide the statuses are: a table a little wider than
:data:`TABLE_WIDTH` reads better than labels cut every few letters."""


def whatif_table(
    result: WhatIf, rubric: Rubric, lang: str = "en", width: int = TABLE_WIDTH
) -> list[str]:
    """The lines of ``ovm whatif``'s table in ``lang``: a header, then each node that moves,
    named by its label in ``lang`` (the overall by the catalogue's word for it, as the reports
    name it), with its scores before and after (a status in words where it has none) and the
    change; or, with changes that move nothing, a line saying so.

    A line holds within ``width`` terminal columns, wide characters counted as two: a label
    too long for its column wraps between words onto lines of its own, indented, and the
    numbers stay whole on its first line.
    """
    t = translator(lang)
    label = rubric.namer(lang)

    def shown(score: float | None, status: str) -> str:
        if status != "scored":
            return t(f"status_{status}")
        return "—" if score is None else format_number(score, lang, 1)

    head = [t(f"cli_whatif_{k}") for k in ("node", "before", "after", "change")]
    rows = []
    moved = result.moved()
    if not result.changes:
        ov = result.before.overall
        score = shown(ov.score, ov.status)
        rows.append([label(ov.node), score, score, ""])
    for c in moved:
        rows.append(
            [
                label(c.node),
                shown(c.before, c.status_before),
                shown(c.after, c.status_after),
                format_change(c.delta, lang),
            ]
        )
    table = [head, *rows]
    # Each figure column as wide as its widest cell: a status in words ("datos
    # insuficientes") is wider than any number.
    figures = [max(8, *(_columns(r[i]) for r in table)) for i in (1, 2, 3)]
    room = width - sum(figures) - len(figures)
    widest = max(_columns(r[0]) for r in table)
    first = max(min(widest, room), _NARROWEST_LABEL)

    def line(cells: list[str]) -> list[str]:
        name, *rest = cells
        head_line, *more = _wrap(name, first, first - len(_HANG))
        numbers = " ".join(_pad(c, w, right=True) for c, w in zip(rest, figures, strict=True))
        return [_pad(head_line, first) + " " + numbers] + [_HANG + m for m in more]

    lines = [out for r in table for out in line(r)]
    if result.changes and not moved:
        lines.append(t("cli_whatif_no_change"))
    return lines


_HANG = "  "
"""What a wrapped label's further lines start with, so they read as its continuation."""


def _columns(text: str) -> int:
    """Terminal columns ``text`` takes: two for a wide character (East Asian scripts), none
    for a combining mark or an invisible format character, one for any other."""
    import unicodedata

    total = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def _pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` filled with spaces to ``width`` terminal columns, on the left when ``right``."""
    fill = " " * max(0, width - _columns(text))
    return fill + text if right else text + fill


def _wrap(text: str, width: int, rest: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns, then ``rest`` for the lines
    after the first, cut between words; a word longer than a whole line (a compound, a
    script written without spaces) is cut between its characters, a combining mark kept with
    the letter it sits on."""
    lines: list[str] = []
    current = ""

    def room() -> int:
        return max(2, width if not lines else rest)

    for word in text.split():
        joined = f"{current} {word}" if current else word
        if _columns(joined) <= room():
            current = joined
            continue
        if current:
            lines.append(current)
            current = ""
        while _columns(word) > room():
            cut = _fit(word, room())
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    lines.append(current)
    return lines


def _fit(word: str, width: int) -> int:
    """How many characters of ``word`` its first ``width`` terminal columns hold (one at
    least, so that a cut always moves on)."""
    used = 0
    for k, ch in enumerate(word):
        used += _columns(ch)
        if used > width:
            return max(1, k)
    return len(word)


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
