"""A Ctrl-C during a command: said in one line, the process ended by the signal."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Sequence

EXIT_INTERRUPTED = 128 + signal.SIGINT
"""The exit status of a command interrupted (Ctrl-C), as the shell gives it."""


def say_interrupted(given: Sequence[str]) -> None:
    """Say on standard error, in the language ``given`` asks for, that the command stopped.

    What was being written is gone with its temporary file (:func:`ovm.files.write_atomic`):
    nothing half-written is left, nothing more to say."""
    from ovm.cli.parser import language_of
    from ovm.i18n import gettext

    text = f"ovm: {gettext('cli_interrupted', language_of(list(given)))}"
    if sys.stderr is None:
        return
    # Standard error gone too (a full disk): nothing can be said.
    with contextlib.suppress(OSError, ValueError):
        print(text, file=sys.stderr, flush=True)


def end_interrupted() -> None:
    """End the process as Ctrl-C ends a program, by the signal itself rather than an exit
    status. The shell shows status 130 either way; but a shell running ovm in a loop or a
    script stops at the Ctrl-C only when ovm died of it: one that exited 130 looks as if it
    had handled the Ctrl-C, and the loop runs on. Returns where there is no such signal."""
    if os.name != "posix":
        return
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)
