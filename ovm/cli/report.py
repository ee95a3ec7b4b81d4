"""``ovm report``: the comparative report of a run, or the report on one of its missions."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from ovm.cli.common import (
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    command_help,
    not_pulled_note,
    output_format,
    run_from,
    workspace_args,
    write_output,
)
from ovm.i18n import LANGUAGES
from ovm.runtime import stage_done

FORMATS = ("html", "json", "xlsx", "pdf")
SENSITIVITY_RUNS = 300
"""Runs of the sensitivity analysis behind a comparison's rank intervals unless
``--sensitivity-runs`` says otherwise."""


def _date(text: str) -> dt.date:
    if text == "today":
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_report(args: argparse.Namespace) -> int:
    """Write a report: comparison of the cohort, or one mission with ``--mission``."""
    from ovm.cli.compare import sensitivity_settings

    fmt = output_format(args, FORMATS, "html")
    if args.with_missions and (args.mission or fmt != "html" or args.output in (None, "-")):
        raise UsageError(
            "--with-missions writes each mission's HTML report beside a comparison: "
            "give -o FILE.html and no --mission",
            key="usage_with_missions",
        )
    if args.with_missions:
        args.output = _beside(args.output)
    if args.templates is not None and not Path(args.templates).is_dir():
        raise UsageError(
            f"--templates: no folder at {args.templates}",
            key="usage_templates",
            path=str(args.templates),
        )
    runs = SENSITIVITY_RUNS if args.sensitivity_runs is None else args.sensitivity_runs
    if runs < 0 or runs == 1:
        raise UsageError(
            "--sensitivity-runs must be 0 (off) or at least 2", key="usage_sensitivity_runs"
        )
    # A mission report shows no rank interval: no sensitivity analysis for it.
    sens = (
        sensitivity_settings(runs, option="--sensitivity-runs")
        if runs and not args.mission
        else None
    )
    _, run = run_from(
        args,
        sens,
        mission=args.mission,
        meanwhile=lambda: _meanwhile(args, fmt, sensitivity=sens is not None),
        # The analysis runs on another core while the report's context is made. Only where
        # ovm is the program: a child process draws its progress on the process's standard
        # error, which a program calling ovm (a notebook, a test) may have replaced.
        sensitivity_apart=_owns_process(),
    )
    if run.sensitivity_skipped is not None and args.sensitivity_runs is not None:
        from ovm.i18n import colon, gettext

        # Asked for and not run: said here and in the report, never skipped in silence. Not
        # asked for (the default), there is no ranking to give intervals to (one mission
        # scored, or a rubric without an overall): nothing was expected, the report says why
        # its ranks have none, and a warning would name an option the user never gave.
        warning = gettext("severity_warning", args.lang)
        from ovm.pipeline import unmodelled

        unmodelled_options = unmodelled(run.comparison, run.settings.sensitivity)
        options = ", ".join(f"--{o}" for o in unmodelled_options)
        why = gettext(
            f"cli_sensitivity_skipped_{run.sensitivity_skipped}",
            args.lang,
            runs=runs,
            options=options,
        )
        print(f"{warning}{colon(args.lang)} {why}", file=sys.stderr)
    from ovm.cli.common import sensitivity_refusals
    from ovm.reporting.pdf import PdfError
    from ovm.reporting.report import comparison_page, report_context

    page = None
    with sensitivity_refusals():
        if fmt == "html" and args.templates is None and args.mission is None:
            # The page is rendered while the sensitivity analysis runs apart.
            context, page = comparison_page(
                run,
                lang=args.lang,
                title=args.title,
                date=args.date,
                mission_reports=bool(args.with_missions),
            )
        else:
            context = report_context(
                run,
                lang=args.lang,
                mission=args.mission,
                title=args.title,
                date=args.date,
                mission_reports=bool(args.with_missions),
            )
    stage_done()
    try:
        output: str | bytes = _render(args, context, fmt) if page is None else page
    except PdfError as exc:
        # No Chromium to print with is a usage error (exit 2), as a missing option would be.
        if exc.missing:
            print(f"ovm: {exc.text(args.lang)}", file=sys.stderr)
            return EXIT_USAGE
        print(f"ovm report: {exc.text(args.lang)}", file=sys.stderr)
        return EXIT_ERRORS
    except _TemplateFailed:
        return EXIT_ERRORS
    write_output(output, args.output)
    if not args.quiet:
        left_out = not_pulled_note(run.workspace, str(context.get("lang", "en")))
        print(_summary(context, fmt, args.output) + left_out, file=sys.stderr)
    if args.with_missions:
        try:
            _write_mission_reports(args, run)
        except _TemplateFailed:
            return EXIT_ERRORS
    return EXIT_OK


REPORT_MODULES = (
    "ovm.pipeline",
    "ovm.comparison.recommend",
    "ovm.reporting.report",
    # Polars loads NumPy's masked arrays when it first makes a Series of an array.
    "numpy.ma",
    "numpy.random",
    "threadpoolctl",
    "babel.dates",
    "babel.numbers",
    "pycountry",
)
"""The modules analysing a workspace and reporting on it import, past those loading it."""


def _meanwhile(args: argparse.Namespace, fmt: str, *, sensitivity: bool) -> None:
    """What writing the report takes whatever the workspace holds, done while its checklist
    table is read on Polars' threads, instead of before the reading starts or as each is
    first used: the modules that analyse the workspace and report on it (the ``sensitivity``
    analysis when one runs), then the report language's texts and formats and the packaged
    templates of a page (:func:`~ovm.reporting.report.warm_up`)."""
    import importlib

    for name in (*REPORT_MODULES, *(("ovm.comparison.sensitivity",) if sensitivity else ())):
        importlib.import_module(name)
    from ovm.reporting.report import warm_up

    page = "mission" if args.mission else "comparison"
    warm_up(
        args.lang,
        page if fmt in ("html", "pdf") and args.templates is None else None,
        apart=sensitivity and fmt == "html" and _owns_process(),
    )


def _owns_process() -> bool:
    from ovm.cli.app import owns_process

    return owns_process()


def _beside(output: str) -> str:
    """Where a comparison with its mission pages goes: ``output``, or the file it names when
    it is a link, resolved once.

    The comparison links to its mission pages by name, beside it; a link written through
    would otherwise put the comparison where the link points and its pages beside the link,
    and neither folder would hold a comparison whose links work. A device or a pipe has no
    folder to put pages beside."""
    import os
    import stat

    given = Path(output)
    try:
        mode = given.stat().st_mode
    except OSError:
        mode = None
    streams = any(str(step).startswith(("/dev/", "/proc/")) for step in _links(given))
    if streams or (mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)):
        # /dev/stdout names whatever the shell opened: no folder of the user's.
        raise UsageError(
            f"--with-missions writes each mission's HTML report beside the comparison: "
            f"{output} is no file to write them beside; give -o FILE.html",
            key="usage_with_missions_file",
            path=output,
        )
    return os.path.realpath(given) if given.is_symlink() else output


def _links(path: Path) -> list[Path]:
    """``path`` and each path its links lead to in turn (absolute), a loop cut short."""
    import os

    chain = [Path(os.path.abspath(path))]
    while chain[-1].is_symlink() and len(chain) < 40:
        chain.append(Path(os.path.abspath(chain[-1].parent / os.readlink(chain[-1]))))
    return chain


class _TemplateFailed(Exception):
    """A template of ``--templates`` failed; the message is printed."""


def _render(args: argparse.Namespace, context: dict[str, Any], fmt: str) -> str | bytes:
    """A report rendered; an error in the user's ``--templates`` is printed as the usual
    one-line message (file:line) and raised as :class:`_TemplateFailed`."""
    import jinja2

    from ovm.reporting.report import render

    try:
        return render(context, fmt, templates=args.templates)
    except (jinja2.TemplateError, *TEMPLATE_EXPRESSION_ERRORS) as exc:
        # A user's template may compute what Python refuses ({{ 1 // 0 }}); ovm's own
        # templates doing so is a fault of ovm, with its traceback.
        if args.templates is None:
            raise
        print(f"ovm report: {template_error(exc, args.templates, args.lang)}", file=sys.stderr)
        raise _TemplateFailed from None


TEMPLATE_EXPRESSION_ERRORS = (ArithmeticError, LookupError, TypeError, ValueError, AttributeError)
"""What an expression of a template can raise besides Jinja's own errors."""


def template_error(exc: Exception, folder: str, lang: str = "en") -> str:
    """What went wrong in a template of the user's ``folder``, in ``lang``: the sentence
    translated, what Jinja said quoted as it said it."""
    import jinja2

    detail = str(exc)
    params: dict[str, object] = {}
    line = _template_line(exc, folder)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.name}:{exc.lineno}"
        english = f"template error in {folder}: {where}: {detail}"
        key, params["where"] = "report_template_syntax", where
    elif isinstance(exc, jinja2.TemplateNotFound):
        english = f"template error in {folder}: {detail}"
        key, params["name"] = "report_template_missing", str(exc.name)
    elif line is not None:
        english = f"template error in {folder}: {line}: {detail}"
        key, params["where"] = "report_template_syntax", line
    else:
        english = f"template error in {folder}: {detail}"
        key = "report_template_error"
    if lang == "en":
        return english
    from ovm.i18n import gettext

    return gettext(key, lang, folder=folder, detail=detail, **params)


def _template_line(exc: Exception, folder: str) -> str | None:
    """``name:line`` of the template line an error was raised at, as Jinja puts it in the
    traceback (the deepest template frame), named relative to the user's ``folder`` when the
    template is one of theirs; None when no template frame is in it."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return None
    path = Path(found[0])
    with contextlib.suppress(ValueError):
        path = path.resolve().relative_to(Path(folder).resolve())
    return f"{path.as_posix()}:{found[1]}"


def _write_mission_reports(args: argparse.Namespace, run: Any) -> None:
    """Each mission's report, from the same run, where the comparison's links expect it."""
    from ovm.cli.common import guard_output
    from ovm.reporting.report import MISSION_REPORT_FILE, mission_report_contexts

    folder = Path(args.output).parent
    inputs = run.workspace.config.input_files(run.workspace.root) if run.workspace else []
    targets = {m: str(folder / MISSION_REPORT_FILE.format(id=m)) for m in run.missions}
    for target in targets.values():
        guard_output(target, inputs)
    contexts = mission_report_contexts(
        run, targets, lang=args.lang, title=args.title, date=args.date
    )
    for target, context in zip(targets.values(), contexts, strict=True):
        write_output(_render(args, context, "html"), target)
        stage_done(garbage=True)
    if not args.quiet:
        from ovm.i18n import counted

        print(
            counted("cli_wrote_missions_n", args.lang, n=len(targets), folder=folder),
            file=sys.stderr,
        )


def _summary(context: dict[str, Any], fmt: str, output: str | None) -> str:
    from ovm.i18n import gettext

    lang = str(context.get("lang", "en"))
    where = gettext("cli_stdout", lang) if output in (None, "-") else output
    key = "cli_wrote_mission" if context["kind"] == "mission" else "cli_wrote_comparison_n"
    text = gettext(
        key,
        lang,
        format=fmt,
        id=context["mission"]["id"] if context["kind"] == "mission" else "",
        n=len(context["missions"]) if context["kind"] != "mission" else 0,
        where=where,
    )
    return text + (gettext("cli_includes_simulated", lang) if context["simulated"]["any"] else "")


def register(sub: Any) -> None:
    """Add the ``report`` subcommand to the ``ovm`` parser."""
    p = sub.add_parser(
        "report",
        help=command_help("report"),
        description="Analyse a workspace, compare its missions and write a self-contained HTML "
        "report (CSS and charts inline, nothing loaded from the network), the same "
        "printed to an A4 PDF by a headless Chromium (OVM_CHROMIUM, else chromium on the "
        "PATH), the report's data as JSON, or its tables as an XLSX workbook.",
    )
    workspace_args(p)
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.add_argument(
        "--format", choices=FORMATS, help="output format (default: from the file suffix, else html)"
    )
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="report language")
    p.add_argument("--mission", metavar="ID", help="write the report on this mission instead")
    p.add_argument(
        "--with-missions",
        action="store_true",
        help="also write each mission's HTML report beside the comparison "
        "(mission-ID.html, where the comparison's links point)",
    )
    p.add_argument(
        "--templates",
        metavar="DIR",
        help="folder of templates overriding the packaged ones, file by file",
    )
    p.add_argument("--title", help="title of the report (default: the workspace title)")
    p.add_argument(
        "--date",
        nargs="?",
        const="today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="print a generation date (today without a value; default: no date, so "
        "the same run gives the same bytes)",
    )
    p.add_argument(
        "--sensitivity-runs",
        type=int,
        metavar="N",
        help="runs of the sensitivity analysis behind rank intervals (0: skip)",
    )
    p.set_defaults(func=cmd_report)
