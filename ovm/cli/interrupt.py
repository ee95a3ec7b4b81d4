"""A Ctrl-C during a command: said in one line, the process ended by the signal."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType

EXIT_INTERRUPTED = 128 + signal.SIGINT
"""The exit status of a command interrupted (Ctrl-C), as the shell gives it."""


_interrupted = False


def catch_interrupts() -> None:
    """Answer Ctrl-C as Python does (a KeyboardInterrupt), but ignore every later one from the
    first on, and remember that it came (:func:`interrupted`).

    A user often presses Ctrl-C twice: a second one while the first is being answered would
    break off the answer with a traceback. A process started with Ctrl-C ignored (``nohup``,
    a background job) keeps ignoring it."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_interrupt)


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    global _interrupted  # set once, by the first Ctrl-C
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _interrupted = True
    raise KeyboardInterrupt


def interrupted() -> bool:
    """Whether a Ctrl-C came (once :func:`catch_interrupts` watches for it): an error raised
    after it is the interruption as a library worded it (a serialiser that wraps every
    exception of the code it calls), not a failure of the command."""
    return _interrupted


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
