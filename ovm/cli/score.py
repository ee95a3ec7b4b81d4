"""``ovm score``: every mission's scorecard, as the run gives it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ovm.cli.common import (
    EXIT_OK,
    command_help,
    lang_arg,
    message_lang,
    not_pulled_note,
    output_format,
    scores_from,
    workspace_args,
    write_output,
)


def cmd_score(args: argparse.Namespace) -> int:
    """Score a workspace."""
    fmt = output_format(args, ("json", "csv", "parquet"), "json")
    # The scorecards alone: the rankings and best practices of a comparison are not written.
    ws, scores = scores_from(args, meanwhile=_score_modules)
    from ovm.reporting.tables import scores_csv

    if fmt == "parquet":
        from ovm.reporting.frames import parquet_bytes, score_frame

        write_output(parquet_bytes(score_frame(scores)), args.output)
    else:
        write_output(scores.to_json() if fmt == "json" else scores_csv(scores), args.output)
    if not args.quiet:
        from ovm.i18n import gettext

        lang = message_lang(args)
        sims = gettext("cli_includes_simulated_observers", lang) if scores.simulated_sources else ""
        scored = gettext(
            "cli_scored_n",
            lang,
            n=len(scores.scorecards),
            rubric=ws.rubric.id,
            version=ws.rubric.version,
        )
        # "Scored" says the engine ran, not that each mission has an overall: say those that
        # have none (too few polling places, too little data), or a reader takes all as ranked.
        unscored = sum(c.overall.status != "scored" for c in scores.scorecards)
        if unscored and unscored == len(scores.scorecards):
            scored += gettext("cli_scored_none_overall", lang)
        elif unscored:
            scored += gettext("cli_scored_without_overall", lang, n=unscored)
        print(scored + sims + not_pulled_note(ws, lang), file=sys.stderr)
    return EXIT_OK


SCORE_MODULES = (
    "ovm.pipeline",
    "ovm.reporting.tables",
    # Polars loads NumPy's masked arrays when it first makes a Series of an array.
    "numpy.ma",
    "numpy.random",
    "threadpoolctl",
)
"""The modules scoring a workspace and writing its scores import, past those loading it."""


def _score_modules() -> None:
    """Import what scoring the workspace and writing its scores take: done while the
    workspace's checklist table is read, on Polars' threads, instead of before it starts or as
    each is first used."""
    import importlib

    for name in SCORE_MODULES:
        importlib.import_module(name)


def register(sub: Any) -> None:
    """Add ``score``."""
    sc = sub.add_parser(
        "score",
        help=command_help("score"),
    )
    workspace_args(sc)
    sc.add_argument(
        "--format",
        choices=["json", "csv", "parquet"],
        help="output format (default: from the file suffix, else json)",
    )
    sc.add_argument("-o", "--output", help="file to write (default: standard output)")
    lang_arg(sc)
    sc.set_defaults(func=cmd_score)
