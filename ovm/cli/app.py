"""The ``ovm`` command line."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ovm import __version__
from ovm.errors import Issue, OvmError

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Wrong use of the command line (exit status 2)."""


def _print_issues(issues: Sequence[Issue], fmt: str = "text") -> None:
    if fmt == "json":
        return
    for issue in issues:
        print(str(issue), file=sys.stderr)


def _write(text: str | bytes, output: str | None) -> None:
    if output in (None, "-"):
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        return
    assert output is not None
    path = Path(output)
    if path.parent and not path.parent.exists():
        raise UsageError(f"folder {path.parent} does not exist")
    try:
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate rubric files."""
    from ovm.rubric.model import check_rubric

    worst = EXIT_OK
    report: list[dict[str, Any]] = []
    for name in args.files:
        path = Path(name)
        rubric, issues = check_rubric(path)
        errors = [i for i in issues if i.severity == "error"]
        ok = rubric is not None and not errors
        if not ok:
            worst = EXIT_ERRORS
        if args.format == "json":
            report.append({"file": name, "valid": ok, "issues": [i.as_dict() for i in issues]})
            continue
        _print_issues(issues)
        if ok and rubric is not None:
            n = len(rubric.indicators())
            warn = len(issues)
            extra = f", {warn} warning(s)" if warn else ""
            print(
                f"{name}: valid ({rubric.id} {rubric.version}, {len(rubric.families)} "
                f"families, {n} indicators{extra})"
            )
        else:
            print(f"{name}: {len(errors)} error(s)", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(report, indent=1, ensure_ascii=False))
    return worst


def cmd_schema(args: argparse.Namespace) -> int:
    """Print a JSON Schema."""
    if args.what == "rubric":
        from ovm.rubric.model import rubric_schema

        schema = rubric_schema()
    else:
        from ovm.scoring.results import ScoreSet

        schema = ScoreSet.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = "ovm scores"
    _write(json.dumps(schema, indent=1, ensure_ascii=False) + "\n", args.output)
    return EXIT_OK


def _progress(enabled: bool) -> Any:
    # A progress line rewritten with \r only makes sense on a terminal, not in a log.
    if not enabled or not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        if total >= 20 and (done == total or done % max(1, total // 20) == 0):
            print(
                f"\rscoring missions: {done}/{total}",
                end="" if done < total else "\n",
                file=sys.stderr,
                flush=True,
            )

    return report


def _load(args: argparse.Namespace) -> Any:
    from ovm.data.workspace import load_workspace

    ws_path = Path(args.workspace)
    if not ws_path.exists():
        raise UsageError(f"no workspace at {ws_path}")
    return load_workspace(ws_path, rubric=getattr(args, "rubric", None))


def _check_rejections(ws: Any, args: argparse.Namespace) -> bool:
    from ovm.data.workspace import describe_report

    rep = ws.observations.report
    for issue in rep.issues:
        print(str(issue), file=sys.stderr)
    for rej in rep.rejected:
        for reason in rej.reasons:
            print(f"{reason} (row rejected)", file=sys.stderr)
    if not getattr(args, "quiet", False) or rep.rejected:
        for line in describe_report(rep):
            print(line, file=sys.stderr)
    if rep.rejected and not getattr(args, "allow_rejected", False):
        print(
            f"{len(rep.rejected)} row(s) rejected; fix them or pass --allow-rejected",
            file=sys.stderr,
        )
        return False
    return True


def _scores(args: argparse.Namespace) -> Any:
    from ovm.scoring.engine import score

    ws = _load(args)
    if not _check_rejections(ws, args):
        return ws, None
    s = ws.settings
    seed = args.seed if getattr(args, "seed", None) is not None else s.seed
    boot = args.bootstrap if getattr(args, "bootstrap", None) is not None else s.bootstrap
    scores = score(
        ws.rubric,
        ws.observations,
        seed=seed,
        bootstrap=boot,
        confidence=s.confidence,
        progress=_progress(not args.quiet),
    )
    return ws, scores


def cmd_score(args: argparse.Namespace) -> int:
    """Score a workspace."""
    from ovm.reporting.tables import scores_csv

    ws, scores = _scores(args)
    if scores is None:
        return EXIT_ERRORS
    fmt = args.format or ("csv" if args.output and args.output.endswith(".csv") else "json")
    text = scores.to_json() if fmt == "json" else scores_csv(scores)
    _write(text, args.output)
    if not args.quiet:
        sims = " (includes SIMULATED observer data)" if scores.simulated_sources else ""
        if any(f.code == "needs-cohort" for c in scores.scorecards for f in c.findings):
            print("note: indicators scored against the cohort (family 7, cohort rules) are "
                  "left out of these overall scores; ovm compare and ovm report include them",
                  file=sys.stderr)
        print(
            f"scored {len(scores.scorecards)} missions against {ws.rubric.id} "
            f"{ws.rubric.version}{sims}",
            file=sys.stderr,
        )
    return EXIT_OK


def _natural(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 2**63 - 1")
    return value


def _replicates(text: str) -> int:
    value = _natural(text)
    if value > 100_000:
        raise argparse.ArgumentTypeError(f"{value} replicates; at most 100000")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    p = argparse.ArgumentParser(
        prog="ovm",
        description="Observe voting abroad: validate rubrics, score missions, compare countries "
        "and write reports.",
    )
    p.add_argument("--version", action="version", version=f"ovm {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    v = sub.add_parser("validate", help="check rubric files and report every problem")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.add_argument("--format", choices=["text", "json"], default="text")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("schema", help="print the JSON Schema of the rubric or scores format")
    s.add_argument("what", choices=["rubric", "scores"])
    s.add_argument("-o", "--output")
    s.set_defaults(func=cmd_schema)

    def workspace_args(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("workspace", metavar="WORKSPACE", help="folder holding ovm.yaml")
        sp.add_argument("--rubric", metavar="FILE", help="score with this rubric instead")
        sp.add_argument("--seed", type=_natural, help="seed of the bootstrap (default: ovm.yaml)")
        sp.add_argument(
            "--bootstrap",
            type=_replicates,
            metavar="N",
            help="bootstrap replicates, 0 to 100000 (0 turns it off)",
        )
        sp.add_argument(
            "--allow-rejected",
            action="store_true",
            help="go on when some data rows are rejected (they stay listed)",
        )
        sp.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")

    sc = sub.add_parser("score", help="score every mission of a workspace")
    workspace_args(sc)
    sc.add_argument("--format", choices=["json", "csv"])
    sc.add_argument("-o", "--output", help="file to write (default: standard output)")
    sc.set_defaults(func=cmd_score)

    for name in _EXTENSIONS:
        importlib.import_module(name).register(sub, workspace_args)
    return p


_EXTENSIONS = ("ovm.cli.compare", "ovm.cli.field", "ovm.cli.recommend", "ovm.cli.report")
"""Modules adding subcommands through ``register(subparsers, workspace_args)``."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"ovm: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OvmError as exc:
        for issue in exc.issues:
            print(str(issue), file=sys.stderr)
        print(str(exc).splitlines()[0], file=sys.stderr)
        return EXIT_ERRORS
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
