"""The ``ovm compare`` and ``ovm sensitivity`` commands (registered by :mod:`ovm.cli`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from ovm.cli.app import EXIT_ERRORS, EXIT_OK, UsageError, _scores, _write
from ovm.comparison.cohort import IMPUTATIONS, NORMALISATIONS

WorkspaceArgs = Callable[[argparse.ArgumentParser], None]


def _aggregation_overrides(specs: list[str] | None) -> dict[str, str] | None:
    """``["geometric", "rights=minimum"]`` -> ``{"*": "geometric", "rights": "minimum"}``."""
    if not specs:
        return None
    out: dict[str, str] = {}
    for spec in specs:
        node, sep, method = spec.partition("=")
        key, value = (node.strip(), method.strip()) if sep else ("*", spec.strip())
        if not key or not value:
            raise UsageError(f"--aggregation {spec!r}: expected METHOD or NODE=METHOD")
        out[key] = value
    return out


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare the missions of a workspace."""
    from ovm.comparison.cohort import compare, comparison_csv, comparison_json

    ws, scores = _scores(args)
    if scores is None:
        return EXIT_ERRORS
    try:
        result = compare(scores, ws.rubric, observations=ws.observations,
                         normalisation=args.normalisation,
                         output_range=(args.output_range[0], args.output_range[1]),
                         aggregation=_aggregation_overrides(args.aggregation),
                         imputation=args.imputation)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    fmt = args.format or ("csv" if args.output and args.output.endswith(".csv") else "json")
    _write(comparison_json(result) if fmt == "json" else comparison_csv(result), args.output)
    if not args.quiet:
        for f in result.findings:
            where = f" [{f.node}]" if f.node else ""
            print(f"{f.severity}: {f.message}{where} [{f.code}]", file=sys.stderr)
        top = [e for e in result.rankings["overall"] if e.rank == 1]
        lead = ", ".join(e.mission for e in top) or "nobody (no overall score)"
        print(f"compared {len(scores.scorecards)} missions; first overall: {lead}",
              file=sys.stderr)
    return EXIT_OK


def _progress_bar(enabled: bool) -> Any:
    # A progress bar rewritten with \r only makes sense on a terminal, not in a log.
    if not enabled or not sys.stderr.isatty():
        return None
    shown = {"pct": -1}

    def report(done: int, total: int) -> None:
        pct = 100 * done // max(total, 1)
        if pct == shown["pct"]:
            return
        shown["pct"] = pct
        bar = "#" * (pct // 4) + "." * (25 - pct // 4)
        print(f"\rsensitivity [{bar}] {pct:3d}% {done}/{total}", end="\n" if done >= total else "",
              file=sys.stderr, flush=True)

    return report


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Monte Carlo sensitivity analysis of a workspace's overall ranking."""
    import json

    from ovm.comparison.cohort import compare
    from ovm.comparison.sensitivity import sensitivity, sensitivity_text, sensitivity_to_dict

    if args.runs < 2:
        raise UsageError("--runs must be at least 2")
    if not 0 <= args.weight_range < 1:
        raise UsageError("--weight-range must be in [0, 1)")
    ws, scores = _scores(args)
    if scores is None:
        return EXIT_ERRORS
    seed = args.seed if args.seed is not None else ws.settings.seed
    nominal = compare(scores, ws.rubric, observations=ws.observations)
    result = sensitivity(scores, ws.rubric, runs=args.runs, seed=seed,
                         weight_range=args.weight_range, comparison=nominal,
                         progress=_progress_bar(not args.quiet))
    fmt = args.format or ("json" if args.output and args.output.endswith(".json") else "text")
    text = (json.dumps(sensitivity_to_dict(result), indent=1, ensure_ascii=False) + "\n"
            if fmt == "json" else sensitivity_text(result))
    _write(text, args.output)
    return EXIT_OK


def register(sub: Any, workspace_args: WorkspaceArgs) -> None:
    """Add the ``compare`` and ``sensitivity`` subcommands to the ``ovm`` parser."""
    c = sub.add_parser("compare", help="compare the missions of a workspace: rankings, best "
                       "practice, family 7, trends")
    workspace_args(c)
    c.add_argument("--normalisation", choices=NORMALISATIONS, default="none",
                   help="cohort normalisation of every indicator (default: only cohort "
                        "indicators, by their rule)")
    c.add_argument("--output-range", nargs=2, type=float, metavar=("LOW", "HIGH"),
                   default=(0.0, 100.0), help="range of normalised scores (default 0 100)")
    c.add_argument("--aggregation", action="append", metavar="[NODE=]METHOD",
                   help="aggregation method at a group, 'overall', or everywhere: arithmetic, "
                        "geometric, harmonic, generalised:P, minimum, sum (repeatable)")
    c.add_argument("--imputation", choices=IMPUTATIONS, default="none",
                   help="impute missing values (group_mean: by each mission's region)")
    c.add_argument("--format", choices=["json", "csv"])
    c.add_argument("-o", "--output", help="file to write (default: standard output)")
    c.set_defaults(func=cmd_compare)

    s = sub.add_parser("sensitivity", help="Monte Carlo over the methodology's choices: rank "
                       "intervals and Sobol indices")
    workspace_args(s)
    for action in s._actions:
        if action.dest == "seed":
            # One seed drives both the engine's bootstrap and the Monte Carlo design.
            action.help = "seed of the bootstrap and of the Monte Carlo (default: ovm.yaml)"
    s.add_argument("--runs", type=int, required=True, metavar="N",
                   help="base sample size: N x 7 methodologies are evaluated")
    s.add_argument("--weight-range", type=float, default=0.25, metavar="R",
                   help="weights vary by up to +-R of their value (default 0.25)")
    s.add_argument("--format", choices=["json", "text"])
    s.add_argument("-o", "--output", help="file to write (default: standard output)")
    s.set_defaults(func=cmd_sensitivity)
