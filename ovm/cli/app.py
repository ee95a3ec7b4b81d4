"""The ``ovm`` command line: the parser and the exit statuses."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ovm import __version__
from ovm.cli.common import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, Rejected, UsageError
from ovm.errors import OvmError

COMMANDS = (
    "ovm.cli.rubric",
    "ovm.cli.score",
    "ovm.cli.compare",
    "ovm.cli.report",
    "ovm.cli.recommend",
    "ovm.cli.field",
    "ovm.cli.workspace",
    "ovm.cli.pull",
)
"""Modules adding their subcommands through ``register(subparsers)``, in help order."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    p = argparse.ArgumentParser(
        prog="ovm",
        description="Observe voting abroad: validate rubrics, score missions, compare countries "
        "and write reports.",
    )
    p.add_argument("--version", action="version", version=f"ovm {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"ovm: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Rejected as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERRORS
    except OvmError as exc:
        for issue in exc.issues:
            print(str(issue), file=sys.stderr)
        print(str(exc).splitlines()[0], file=sys.stderr)
        return EXIT_ERRORS
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
