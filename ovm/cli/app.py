"""The ``ovm`` command line: the parser and the exit statuses."""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import signal
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from ovm import __version__
from ovm.cli.common import (
    COMMANDS,
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    Failed,
    Rejected,
    UsageError,
    message_lang,
    stdout_failed,
)
from ovm.cli.interrupt import EXIT_INTERRUPTED, end_interrupted, interrupted, say_interrupted
from ovm.cli.parser import Parser, lang_after_command, language_of
from ovm.errors import OvmError, WordedWarning, workspace_first
from ovm.runtime import held_collector, idle_blas_threads, stage_done


def build_parser(command: str | None = None, lang: str = "en") -> argparse.ArgumentParser:
    """The argument parser; ``command``'s own options are added (its module imported) when it
    names a command, every other command is listed by name and summary only. argparse's own
    messages (a wrong use, the help's titles) are in ``lang``."""
    p = Parser(
        prog="ovm",
        description="Observe voting abroad: validate rubrics, score missions, compare countries "
        "and write reports.",
        lang=lang,
    )
    worded: dict[str, Any] = {}
    if lang != "en":
        from ovm.i18n import gettext

        worded["help"] = gettext("argparse_version", lang)
    p.add_argument("--version", action="version", version=f"ovm {__version__}", **worded)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    running = COMMANDS[command][0] if command in COMMANDS else None
    for name, (module, summary) in COMMANDS.items():
        if module != running:
            sub.add_parser(name, help=summary, add_help=False)
        elif name not in sub.choices:
            # The module adds all of its commands at once, at its first command's place.
            importlib.import_module(module).register(sub)
    return p


_owned = False
"""Whether ovm runs as the program (:func:`program`) and so owns the process and its signals."""


def owns_process() -> bool:
    """Whether ovm runs as the program (the ``ovm`` script, ``python -m ovm``): its standard
    streams are the process's, and nothing else runs in it."""
    return _owned


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (130 when interrupted with Ctrl-C)."""
    given = sys.argv[1:] if argv is None else list(argv)
    try:
        # argparse's messages are said in the language asked, known before it parses.
        lang = language_of(given)
        return _main(given, lang, program=argv is None and gc.isenabled())
    except KeyboardInterrupt:
        if _owned:
            # The process ends with this Ctrl-C: a second one while it is said adds nothing.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    except Exception:
        # An error raised after a Ctrl-C is that Ctrl-C, worded by a library; any other is
        # the program's own, and is raised.
        if not interrupted():
            raise
    say_interrupted(given)
    return EXIT_INTERRUPTED


def _main(given: list[str], lang: str, *, program: bool) -> int:
    """Parse ``given`` and run its command; ``program`` when ovm owns the process."""
    given = lang_after_command(given)
    # Top-level options take no value (a --lang before the command has just been moved after
    # it), so the first word is the command.
    command = next((a for a in given if not a.startswith("-")), None)
    # Run as the program (not called with arguments, as a test or a script does), the process
    # ends with the command: the collector is held for the whole run, each stage's objects
    # set out of its sight where the stage ends (ovm.runtime.held_collector).
    if program:
        # Before the command's modules bring NumPy in (OpenBLAS reads it as it loads).
        idle_blas_threads()
    with held_collector() if program else contextlib.nullcontext():
        parser = build_parser(command, lang)
        if program:
            # The modules imported now live as long as the process: frozen out of the
            # collector's sight, they are never walked by the collections of the run.
            gc.freeze()
        try:
            args = parser.parse_args(given)
        except SystemExit as done:
            # --help and --version end the parse having written to standard output: a full
            # disk there fails them as it fails a command's result.
            if done.code == EXIT_OK and _flushed(EXIT_OK, lang) != EXIT_OK:
                return EXIT_ERRORS
            raise
        except OSError as exc:
            print(f"ovm: {stdout_failed(exc).text(lang)}", file=sys.stderr)
            return EXIT_ERRORS
        with warnings.catch_warnings():
            # ovm's own warnings (an environment variable ignored) are said as its messages
            # are, in the language asked; any other warning is shown as Python shows it.
            warnings.showwarning = _warning_shower(message_lang(args), warnings.showwarning)
            status = _flushed(_run(args), message_lang(args))
        if program:
            # The process ends with the command. What the last stage leaves alive is set out of
            # the collector's sight as every stage's is: the interpreter's own collections as it
            # exits (where it exits as Python does) would otherwise walk every object of the
            # run once more.
            stage_done()
        return status


def _flushed(status: int, lang: str) -> int:
    """The command's exit status once what it wrote to standard output is flushed: 1, said,
    when standard output would not take it (a full disk)."""
    if sys.stdout is None:
        return status
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away having read what it wanted (ovm ... | head).
        return status
    except OSError as exc:
        print(f"ovm: {stdout_failed(exc).text(lang)}", file=sys.stderr)
        return max(status, EXIT_ERRORS)
    return status


def program() -> NoReturn:
    """``ovm`` as a program (the ``ovm`` script, ``python -m ovm``): run the command line of
    the process, then end the process with the command's exit status."""
    # Standard error closed when the process started is None: messages are discarded rather
    # than going to standard output (print's file=None), mixed into the output. A closed
    # standard output stays None: a result written there fails, never silently lost.
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    global _owned  # set once, by the program, before anything runs
    _owned = True
    status = main()
    if status == EXIT_INTERRUPTED and not _watched():
        end_interrupted()
    _end(status)
    raise SystemExit(status)


def _end(status: int) -> None:
    """End the process now with ``status``, once its output is flushed, without the
    interpreter's teardown.

    What a run leaves alive (the observations, the scorecards, a report's context: hundreds
    of thousands of objects, hundreds of megabytes of arrays) would otherwise be freed object
    by object on the way out, even with nothing left for the exit's collections to walk:
    0.04-0.1 s of ``ovm report`` of 200 missions, the operating system doing the same at once.
    Every file ovm writes is closed by then; only the standard streams may still hold output.
    Returns (the interpreter then ends as usual, saying what it says of the stream) when one of
    them cannot be flushed, and when a profiler or tracer watches the process.
    """
    if _watched():
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return
    os._exit(status)


def _watched() -> bool:
    """Whether a profiler, a tracer or a coverage tool watches the process: they write what
    they found as the interpreter ends (``python -m cProfile -m ovm ...``), so the process
    ends as usual."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return True
    monitoring = getattr(sys, "monitoring", None)
    return monitoring is not None and any(
        monitoring.get_tool(tool) is not None for tool in range(6)
    )


def _warning_shower(lang: str, shown_otherwise: Callable[..., None]) -> Callable[..., None]:
    """A ``warnings.showwarning`` saying an ovm warning in ``lang`` on standard error."""

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if not isinstance(message, WordedWarning):
            shown_otherwise(message, category, filename, lineno, file, line)
            return
        from ovm.i18n import colon, gettext

        label = gettext("severity_warning", lang)
        print(f"ovm: {label}{colon(lang)} {message.text(lang)}", file=file or sys.stderr)

    return show


def _summary(exc: OvmError, args: argparse.Namespace) -> str:
    """The last line of an error: with ``--allow-rejected``, which problems it does not cover
    (the run stopped although the user accepted rejected rows and cells)."""
    lang = message_lang(args)
    blocking = exc.summary_params.get("blocking")
    if not (getattr(args, "allow_rejected", False) and isinstance(blocking, list) and blocking):
        return exc.summary_text(lang)
    from ovm.i18n import counted

    codes = ", ".join(dict.fromkeys(str(c) for c in blocking))
    return counted("error_summary_not_allowed", lang, n=len(blocking), codes=codes)


def _run(args: argparse.Namespace) -> int:
    """Run the command parsed; returns the exit status."""
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"ovm: {exc.text(message_lang(args))}", file=sys.stderr)
        return EXIT_USAGE
    except Failed as exc:
        print(f"ovm: {exc.text(message_lang(args))}", file=sys.stderr)
        return EXIT_ERRORS
    except Rejected as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERRORS
    except OvmError as exc:
        workspace = getattr(args, "workspace", None)
        # A workspace's own files first, as ovm check lists them.
        issues = exc.issues if workspace is None else workspace_first(exc.issues, workspace)
        for issue in issues:
            print(issue.render(message_lang(args)), file=sys.stderr)
        print(_summary(exc, args), file=sys.stderr)
        return EXIT_ERRORS
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    program()
