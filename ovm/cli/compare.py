"""``ovm compare`` and ``ovm sensitivity``: the run's comparison and its sensitivity analysis."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ovm.cli.common import (
    EXIT_OK,
    UsageError,
    command_help,
    lang_arg,
    message_lang,
    not_pulled_note,
    output_format,
    run_from,
    workspace_args,
    write_output,
)


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare the missions of a workspace."""
    from ovm.reporting.tables import comparison_csv, comparison_json

    fmt = output_format(args, ("json", "csv", "parquet"), "json")
    _, run = run_from(args)
    result = run.comparison
    if fmt == "parquet":
        from ovm.reporting.frames import parquet_bytes, ranking_frame

        write_output(parquet_bytes(ranking_frame(result)), args.output)
    else:
        write_output(
            comparison_json(result) if fmt == "json" else comparison_csv(result), args.output
        )
    if not args.quiet:
        from ovm.i18n import colon, counted, gettext

        lang = message_lang(args)
        name = run.rubric.namer(lang)
        for f in result.findings:
            where = f" [{f.node}]" if f.node else ""
            severity = gettext(f"severity_{f.severity}", lang)
            said = f.text(lang, name)
            print(f"{severity}{colon(lang)} {said}{where} [{f.code}]", file=sys.stderr)
        top = [e for e in result.rankings["overall"] if e.rank == 1]
        lead = ", ".join(e.mission for e in top) or gettext("cli_compared_nobody", lang)
        sims = (
            gettext("cli_includes_simulated_observers", lang)
            if run.scores.simulated_sources
            else ""
        )
        said = counted("cli_compared_n", lang, n=len(run.missions), lead=lead)
        print(said + sims + not_pulled_note(run.workspace, lang), file=sys.stderr)
    return EXIT_OK


def sensitivity_settings(runs: int, weight_range: float = 0.25, *, option: str = "--runs") -> Any:
    """The sensitivity settings of the command line, refused with a usage error if invalid
    (``option`` names the option giving the runs)."""
    from pydantic import ValidationError

    from ovm.settings import SensitivitySettings

    try:
        return SensitivitySettings(runs=runs, weight_range=weight_range)
    except ValidationError as exc:
        names = {"runs": option, "weight_range": "--weight-range"}
        raise UsageError.joined(
            [_bound_error(names, e) for e in exc.errors(include_url=False)]
        ) from None


_BOUNDS = {
    # pydantic's error type: the catalogue entry, its English sentence and the limit's name
    "greater_than_equal": ("usage_at_least", "must be at least", "ge"),
    "greater_than": ("usage_above", "must be above", "gt"),
    "less_than_equal": ("usage_at_most", "must be at most", "le"),
    "less_than": ("usage_below", "must be below", "lt"),
}


def _bound_error(names: dict[str, str], error: Any) -> UsageError:
    """A setting's error as a usage error naming its option: a bound in every language, any
    other error as the validator says it."""
    option = names.get(str(error["loc"][0]), str(error["loc"][0])) if error["loc"] else ""
    bound = _BOUNDS.get(error["type"])
    limit = (error.get("ctx") or {}).get(bound[2]) if bound else None
    if bound is None or limit is None:
        return UsageError(f"{option}: {error['msg']}")
    value = error["input"]
    return UsageError(
        f"{option} {bound[1]} {limit}, not {value}",
        key=bound[0],
        option=option,
        limit=limit,
        value=value,
    )


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Monte Carlo sensitivity analysis of a workspace's overall ranking."""
    from ovm.comparison.sensitivity import sensitivity_text, sensitivity_to_dict, unsupported

    fmt = output_format(args, ("text", "json"), "text")
    ws, run = run_from(args, sensitivity_settings(args.runs, args.weight_range))
    result = run.sensitivity
    reason = unsupported(run.rubric)
    if reason is not None:
        # The rubric's only reason today: a headline of none, no overall to rank.
        where = _headline_at(args, ws)
        raise UsageError(f"{where} {reason}", key="usage_sensitivity_no_headline", where=where)
    if run.sensitivity_skipped == "comparison_settings":
        from ovm.pipeline import unmodelled

        unmodelled_options = unmodelled(run.comparison, run.settings.sensitivity)
        options = ", ".join(f"--{o}" for o in unmodelled_options)
        raise UsageError(
            "the sensitivity analysis varies the rubric's own methodology and does not model "
            f"{options}: run it without",
            key="usage_sensitivity_comparison_settings",
            options=options,
        )
    if result is None:
        raise UsageError(
            "a sensitivity analysis needs at least two missions with an overall score",
            key="usage_sensitivity_two_missions",
        )
    sources = list(run.scores.simulated_sources)
    if fmt == "json":
        # The files whose observer data are simulated, as the scores file names them.
        data = {**sensitivity_to_dict(result), "simulated_sources": sources}
        text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    else:
        lang = message_lang(args)
        # English says the notes as the JSON records them, ids and all; another language names
        # the nodes they are about by label.
        name = None if lang == "en" else run.rubric.namer(lang)
        text = sensitivity_text(result, lang, name) + simulated_line(sources, lang)
    write_output(text, args.output)
    return EXIT_OK


def simulated_line(sources: list[str], lang: str) -> str:
    """The line ending a text result built from simulated observer data (none otherwise), as
    ``ovm score`` says it of its scores: such a result is never taken for an observed one."""
    if not sources:
        return ""
    from ovm.i18n import gettext

    return gettext("cli_simulated_line", lang) + "\n"


def _headline_at(args: argparse.Namespace, ws: Any) -> str:
    """``file:line:col`` of the rubric's ``headline`` (the file alone where it has no lines)."""
    from pathlib import Path

    from ovm.yamldoc import parse_yaml, read_text

    given = getattr(args, "rubric", None)
    name = given or ws.config.rubric
    path = Path(given) if given else ws.root / ws.config.rubric
    # The run has read this file already; its limits and checks apply to this second look too.
    text, _name, unread = read_text(path, name)
    if unread:
        return f"{name}:"
    doc, _issues = parse_yaml(text, name)
    at = doc.positions.find(("headline",), key=True) if doc is not None else None
    return f"{name}:" if at is None else f"{name}:{at[0]}:{at[1]}"


def register(sub: Any) -> None:
    """Add the ``compare`` and ``sensitivity`` subcommands to the ``ovm`` parser."""
    c = sub.add_parser(
        "compare",
        help=command_help("compare"),
    )
    workspace_args(c)
    c.add_argument(
        "--format",
        choices=["json", "csv", "parquet"],
        help="output format (default: from the file suffix, else json; csv and parquet hold "
        "the rankings)",
    )
    c.add_argument("-o", "--output", help="file to write (default: standard output)")
    lang_arg(c)
    c.set_defaults(func=cmd_compare)

    s = sub.add_parser(
        "sensitivity",
        help=command_help("sensitivity"),
    )
    workspace_args(s)
    s.add_argument(
        "--runs",
        type=int,
        required=True,
        metavar="N",
        help="base sample size: N x 7 methodologies are evaluated",
    )
    s.add_argument(
        "--weight-range",
        type=float,
        default=0.25,
        metavar="R",
        help="weights vary by up to ±R of their value (default 0.25)",
    )
    s.add_argument(
        "--format",
        choices=["text", "json"],
        help="output format (default: from the file suffix, else text)",
    )
    s.add_argument("-o", "--output", help="file to write (default: standard output)")
    lang_arg(s)
    s.set_defaults(func=cmd_sensitivity)
