"""The ``ovm`` command line: one module per group of commands.

This package loads nothing more until a command runs, so that a Ctrl-C while the command line
loads is answered as one during the command is (:func:`program`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn

from ovm.cli.interrupt import (
    EXIT_INTERRUPTED,
    catch_interrupts,
    end_interrupted,
    say_interrupted,
)

__all__ = ["main", "program"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (:func:`ovm.cli.app.main`)."""
    from ovm.cli.app import main as run

    return run(argv)


def program() -> NoReturn:
    """``ovm`` as a program (the ``ovm`` script, ``python -m ovm``): the command line of the
    process run, then the process ended with the command's exit status
    (:func:`ovm.cli.app.program`). A Ctrl-C while the command line loads ends it as one
    during the command does."""
    catch_interrupts()
    try:
        from ovm.cli.app import program as run
    except KeyboardInterrupt:
        say_interrupted(sys.argv[1:])
        end_interrupted()
        raise SystemExit(EXIT_INTERRUPTED) from None
    run()
