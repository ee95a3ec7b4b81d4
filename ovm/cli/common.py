"""What every command shares: exit codes, output, the workspace options and the one Run."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ovm.errors import CheckError, Issue, check_error

if TYPE_CHECKING:
    from ovm.data.workspace import Workspace
    from ovm.files import OutputError
    from ovm.pipeline import Run
    from ovm.scoring.results import ScoreSet
    from ovm.settings import ComparisonSettings, SensitivitySettings, Settings

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2

COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("ovm.cli.rubric", "check rubric files and report every problem"),
    "schema": ("ovm.cli.rubric", "print the JSON Schema of the rubric or scores format"),
    "score": (
        "ovm.cli.score",
        "score every mission of a workspace (after the cohort step: the numbers every other "
        "command shows)",
    ),
    "compare": (
        "ovm.cli.compare",
        "compare the missions of a workspace: rankings, best practice, family 7, trends",
    ),
    "sensitivity": (
        "ovm.cli.compare",
        "Monte Carlo over the methodology's choices: rank intervals and Sobol indices",
    ),
    "report": (
        "ovm.cli.report",
        "write the comparative report (or one mission's) as HTML, PDF, JSON or XLSX",
    ),
    "recommend": ("ovm.cli.recommend", "draft a mission's recommendations from its scores"),
    "whatif": (
        "ovm.cli.recommend",
        "rescore a mission with changed inputs (the cohort step is run again); without --set, "
        "the mission's scores as they are",
    ),
    "form": ("ovm.cli.field", "write the observer checklist as an XLSForm (ODK, Kobo)"),
    "template": ("ovm.cli.field", "write a workbook for the mission-level data"),
    "init": ("ovm.cli.workspace", "write a new workspace: ovm.yaml, missions and empty tables"),
    "check": (
        "ovm.cli.workspace",
        "check a workspace's rubric and every data file, without scoring",
    ),
    "pull": ("ovm.cli.pull", "fetch new submissions from ODK Central or KoboToolbox"),
}
"""Each command: the module adding it through ``register(subparsers)``, and its line in
``ovm --help``, in help order. Only the module of the command being run is imported, so that
``ovm --help`` and a mistyped command answer at once."""


def command_help(name: str) -> str:
    """The line of ``name`` in ``ovm --help``."""
    return COMMANDS[name][1]


class Worded(Exception):
    """A message of the command line said in the user's language.

    ``message`` is the English text; ``key`` names the catalogue entry that words it in
    another language, filled from ``params`` (each written as that language writes it).
    A stable ``code`` (docs/errors.md) ends the message in every language.
    """

    def __init__(
        self, message: str, *, key: str | None = None, code: str | None = None, **params: object
    ) -> None:
        super().__init__(message)
        self.key = key
        self.code = code
        self.params = params

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (English, or a message without its entry, as given)."""
        code = f" [{self.code}]" if self.code else ""
        if lang == "en" or self.key is None:
            return f"{self}{code}"
        from ovm.i18n import gettext, param_text

        # The catalogue's sentence is spaced as the language writes it when it is read; the
        # values filled in are the user's own text and are quoted exactly as typed.
        parts = {k: param_text(v, lang) for k, v in self.params.items()}
        return gettext(self.key, lang, **parts) + code


class Failed(Worded):
    """A command that could not do its work, through no fault of ovm nor of the command line
    (exit status 1): an output the system would not write (a full disk, a closed standard
    output, a link that loops)."""


def output_failure(exc: OutputError) -> Worded:
    """What the command line says of an output that cannot be written: a usage error when the
    output asked for is at fault, else a failure."""
    kind = UsageError if exc.usage else Failed
    return kind(str(exc), key=exc.key, code=exc.code, **exc.params)


class UsageError(Worded):
    """Wrong use of the command line (exit status 2)."""

    @classmethod
    def of(cls, exc: OutputError) -> UsageError:
        """The usage error saying what an output error says, in any language."""
        return cls(str(exc), key=exc.key, code=exc.code, **exc.params)

    parts: tuple[UsageError, ...] = ()
    """The errors a joined one says, one after the other."""

    @classmethod
    def joined(cls, errors: Sequence[UsageError]) -> UsageError:
        """One usage error saying each of ``errors``, separated by semicolons."""
        out = cls("; ".join(str(e) for e in errors))
        out.parts = tuple(errors)
        return out

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (English, or a message without its entry, as given)."""
        if self.parts and lang != "en":
            from ovm.i18n import semicolon

            return f"{semicolon(lang)} ".join(e.text(lang) for e in self.parts)
        return super().text(lang)


class Rejected(Exception):
    """Data rows were rejected and ``--allow-rejected`` was not given (exit status 1)."""


def print_issues(issues: Sequence[Issue], lang: str = "en") -> None:
    """Every issue on standard error, one per line, worded in ``lang``."""
    for issue in issues:
        print(issue.render(lang), file=sys.stderr)


def write_output(text: str | bytes, output: str | None) -> None:
    """Write to ``output`` (atomically), or to standard output for None or ``-``."""
    from ovm.files import OutputError, write_atomic

    if output in (None, "-"):
        write_stdout(text)
        return
    assert output is not None
    try:
        write_atomic(output, text)
    except OutputError as exc:
        raise output_failure(exc) from None


def write_stdout(text: str | bytes) -> None:
    """Write a command's result to standard output and flush it: a result that cannot be
    written there (a full disk, a closed stream) is a :class:`Failed` command, said at once,
    never a result lost without a word. A reader gone (a broken pipe) is not a failure: the
    reader took what it wanted (``ovm score ws | head``)."""
    stream = sys.stdout
    if stream is None:
        raise stdout_closed()
    try:
        if isinstance(text, bytes):
            stream.flush()
            stream.buffer.write(text)
        else:
            stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise stdout_failed(exc) from None


def stdout_closed() -> Failed:
    """The failure of a result for a standard output that was closed when ovm started."""
    return Failed(
        "standard output is closed: give -o FILE for the result",
        key="output_stdout_closed",
    )


def print_out(line: str) -> None:
    """Print a line of a command's answer on standard output (``ovm validate``'s verdict):
    dropped when standard output is closed, as messages are; a :class:`Failed` command when
    standard output would not take it."""
    if sys.stdout is None:
        return
    try:
        print(line)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise stdout_failed(exc) from None


def stdout_failed(exc: OSError) -> Failed:
    """The failure of output that standard output would not take; what the stream still holds
    is discarded, so that it does not fail again at every later flush (the exit's too)."""
    stream = sys.stdout
    if stream is not None:
        _discard(stream)
    reason = str(exc.strerror or exc)
    return Failed(
        f"cannot write to standard output: {reason}",
        key="output_stdout_failed",
        reason=reason,
    )


def _discard(stream: TextIO) -> None:
    """Point a failed standard stream at nothing and let it drop what it holds."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)
    with contextlib.suppress(OSError, ValueError):
        stream.flush()


BINARY_FORMATS = ("parquet", "xlsx", "pdf")
# Suffixes some ovm command writes: an output so named is never silently given another format.
_SAME_FORMAT = {"htm": "html", "markdown": "md", "txt": "text"}
"""File suffixes written for a format under another name."""


def output_format(args: argparse.Namespace, formats: Sequence[str], default: str) -> str:
    """The format asked with ``--format``, else the output file's suffix, else ``default``.

    A binary format is refused on a terminal (usage error): it needs ``-o FILE``. A file named
    for a format the command does not write (``scores.xlsx`` from ``ovm score``) is a usage
    error too, rather than that file holding another format, and so is any suffix no format
    has (``report.docx``); a file without one gets ``default``.
    """
    fmt: str = args.format or ""
    if not fmt:
        written = (
            Path(args.output).suffix.lower().lstrip(".") if args.output not in (None, "-") else ""
        )
        suffix = _SAME_FORMAT.get(written, written)
        # Any other suffix is refused too: a report.docx holding HTML opens in no program.
        if suffix and suffix not in formats:
            # Named as the file has it: "txt", not the format it stands for.
            raise UsageError(
                f"this command does not write {written}: it writes {', '.join(formats)} "
                f"(name the file for one of them, or give --format)",
                key="usage_format_suffix",
                suffix=written,
                formats=list(formats),
            )
        fmt = suffix if suffix in formats else default
    if args.output in (None, "-"):
        if sys.stdout is None:
            # Said before any work, rather than once the result has been made for nothing.
            raise stdout_closed()
        if fmt in BINARY_FORMATS and sys.stdout.isatty():
            raise UsageError(
                f"{fmt} is a binary format: give -o FILE.{fmt}", key="usage_binary", format=fmt
            )
    return fmt


def guard_output(output: str | None, inputs: Sequence[str | Path]) -> None:
    """Refuse, before any work, an output that is one of the run's input files."""
    from ovm.files import OutputError, check_output

    if output in (None, "-"):
        return
    assert output is not None
    try:
        check_output(output, inputs)
    except OutputError as exc:
        raise output_failure(exc) from None


def natural(text: str) -> int:
    """An argparse type: a whole number from 0 to 2**63 - 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative: give 0 or more")
    if value >= 2**63:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 2**63 - 1")
    return value


def replicates(text: str) -> int:
    """An argparse type: a number of bootstrap replicates."""
    value = natural(text)
    if value > 100_000:
        raise argparse.ArgumentTypeError(f"{value} replicates; at most 100000")
    return value


def rubric_spec(spec: str) -> str:
    """A rubric named on the command line (``bundled:NAME`` or a file), refused with a usage
    error when there is no such rubric."""
    if bundled_name(spec) is None and not Path(spec).exists():
        raise UsageError(f"no rubric at {spec}", key="usage_no_rubric", path=spec)
    return spec


def bundled_name(spec: str) -> str | None:
    """The NAME of a ``bundled:NAME`` rubric named on the command line (None for a file),
    refused with a usage error when ovm ships no such rubric."""
    from ovm.rubric.model import BUNDLED

    if not spec.startswith("bundled:"):
        return None
    name = spec.split(":", 1)[1]
    if name not in BUNDLED:
        raise UsageError(
            f"no bundled rubric {spec!r} (bundled: {', '.join(BUNDLED)})",
            key="usage_no_bundled_rubric",
            name=name,
            bundled=list(BUNDLED),
        )
    return name


def mission_ids(values: Sequence[str] | None) -> list[str]:
    """Mission ids from ``--missions a b`` or ``--missions a,b``."""
    out: list[str] = []
    for value in values or []:
        out.extend(x.strip() for x in value.split(",") if x.strip())
    return out


def workspace_args(sp: argparse.ArgumentParser) -> None:
    """The options of every command that analyses a workspace: one set, so that the same
    options give the same Run whichever command reads it."""
    from ovm.settings import IMPUTATIONS, NORMALISATIONS

    sp.add_argument("workspace", metavar="WORKSPACE", help="folder holding ovm.yaml")
    sp.add_argument("--rubric", metavar="FILE", help="score with this rubric instead")
    sp.add_argument(
        "--seed",
        type=natural,
        help="seed of the bootstrap and the sensitivity analysis (default: ovm.yaml)",
    )
    sp.add_argument(
        "--bootstrap",
        type=replicates,
        metavar="N",
        help="bootstrap replicates, 0 to 100000 (0 turns it off)",
    )
    sp.add_argument(
        "--missions",
        nargs="+",
        metavar="ID",
        help="the cohort: analyse only these missions (ids, space or comma "
        "separated; default: all)",
    )
    cmp = sp.add_argument_group(
        "comparison", "how the cohort is compared (same defaults in every command)"
    )
    cmp.add_argument(
        "--normalisation",
        choices=NORMALISATIONS,
        default="none",
        help="cohort normalisation of every indicator (default: only cohort "
        "indicators, by their rule)",
    )
    cmp.add_argument(
        "--output-range",
        nargs=2,
        type=float,
        metavar=("LOW", "HIGH"),
        default=(0.0, 100.0),
        help="range of the scores a bounded --normalisation gives, their bands read at the "
        "same place along it (default 0 100)",
    )
    cmp.add_argument(
        "--aggregation",
        action="append",
        metavar="[NODE=]METHOD",
        help="aggregation method at a group, 'overall', or everywhere: "
        "arithmetic, geometric, harmonic, generalised:P, minimum, sum "
        "(repeatable)",
    )
    cmp.add_argument(
        "--target",
        action="append",
        metavar="NODE=VALUE",
        help="goal of distance_to_target for a node, in the node's own units (repeatable; "
        "default: 100 for a score, the cohort's best for a value a rule normalises)",
    )
    cmp.add_argument(
        "--imputation",
        choices=IMPUTATIONS,
        default="none",
        help="impute missing values (group_mean: by each mission's region)",
    )
    cmp.add_argument(
        "--best-practice-bands",
        type=natural,
        default=2,
        metavar="N",
        help="how many of an indicator's top bands hold a best practice's score "
        "(default 2; 0: any band)",
    )
    sp.add_argument(
        "--allow-rejected",
        action="store_true",
        help="go on when some data rows are rejected (they stay listed)",
    )
    sp.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress; at most one line on what was left out",
    )


def _aggregation(specs: Sequence[str] | None) -> dict[str, str]:
    """``["geometric", "rights=minimum"]`` -> ``{"*": "geometric", "rights": "minimum"}``."""
    out: dict[str, str] = {}
    for spec in specs or ():
        node, sep, method = spec.partition("=")
        key, value = (node.strip(), method.strip()) if sep else ("*", spec.strip())
        if not key or not value:
            raise UsageError(
                f"--aggregation {spec!r}: expected METHOD or NODE=METHOD",
                key="usage_aggregation",
                spec=spec,
            )
        out[key] = value
    return out


def _targets(specs: Sequence[str] | None) -> dict[str, float]:
    """``["rights=80", "procedures.voter_list=95.5"]`` -> ``{"rights": 80.0, ...}``."""
    out: dict[str, float] = {}
    for spec in specs or ():
        node, sep, value = spec.partition("=")
        try:
            goal = float(value.strip()) if sep else math.nan
        except ValueError:
            goal = math.nan
        if not node.strip() or not math.isfinite(goal):
            raise UsageError(
                f"--target {spec!r}: expected NODE=VALUE, the value a number",
                key="usage_target",
                spec=spec,
            )
        out[node.strip()] = goal
    return out


def settings_from(
    args: argparse.Namespace, ws: Workspace, sensitivity: SensitivitySettings | None = None
) -> Settings:
    """The typed settings of the run: ``ovm.yaml``'s, with the command line's on top."""
    from pydantic import ValidationError

    from ovm.settings import Settings

    base = ws.settings
    missions = mission_ids(getattr(args, "missions", None)) or None
    comparison = comparison_from(args)
    try:
        return Settings(
            seed=args.seed if getattr(args, "seed", None) is not None else base.seed,
            bootstrap=(
                args.bootstrap if getattr(args, "bootstrap", None) is not None else base.bootstrap
            ),
            confidence=base.confidence,
            missions=tuple(missions) if missions else None,
            comparison=comparison,
            sensitivity=sensitivity,
        )
    except (ValidationError, CheckError, ValueError) as exc:
        raise _usage_error(exc) from None


def comparison_from(args: argparse.Namespace) -> ComparisonSettings:
    """The comparison settings the command line gives, refused as a usage error when invalid:
    decided from the arguments alone, before any workspace is read."""
    from pydantic import ValidationError

    from ovm.settings import ComparisonSettings

    try:
        return ComparisonSettings(
            normalisation=getattr(args, "normalisation", "none"),
            output_range=tuple(getattr(args, "output_range", (0.0, 100.0))),
            aggregation=_aggregation(getattr(args, "aggregation", None)),
            targets=_targets(getattr(args, "target", None)),
            imputation=getattr(args, "imputation", "none"),
            best_practice_bands=getattr(args, "best_practice_bands", 2),
        )
    except (ValidationError, CheckError, ValueError) as exc:
        raise _usage_error(exc) from None


def _usage_error(exc: Exception) -> UsageError:
    """A setting the validators refuse, as a usage error worded in every language."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        errors = exc.errors(include_url=False)
        checks = [c for c in map(check_error, errors) if c is not None]
        if len(checks) == len(errors):
            # ovm's own checks say why in their own sentences, in every language
            return UsageError.joined([UsageError(str(c), key=c.key, **c.params) for c in checks])
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        # The validator's English stays the message; the option it concerns words it.
        option = {e["loc"][0] for e in errors if e["loc"]}
        if option == {"aggregation"}:
            from ovm.scoring.aggregate import METHODS

            return UsageError(problems, key="usage_aggregation_method", methods=list(METHODS))
        if option == {"output_range"}:
            return UsageError(problems, key="usage_output_range")
        return UsageError(problems)
    if isinstance(exc, CheckError):
        return UsageError(str(exc), key=exc.key, **exc.params)
    return UsageError(str(exc))


def lang_arg(p: argparse.ArgumentParser) -> None:
    """``--lang``: the language of a command's messages on standard error (not of its data)."""
    from ovm.i18n import LANGUAGES

    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help=(
            "language of the messages and of text output; JSON and CSV keep English messages "
            "beside their codes (default: en)"
        ),
    )


def message_lang(args: argparse.Namespace) -> str:
    """The language of a command's messages: its ``--lang`` when it takes one, else English.

    A command writing several languages (``ovm form --lang es,en``) speaks the first."""
    from ovm.i18n import LANGUAGES

    lang = getattr(args, "lang", None)
    if isinstance(lang, list):
        lang = next((x.strip() for v in lang for x in str(v).split(",") if x.strip()), None)
    return lang if isinstance(lang, str) and lang in LANGUAGES else "en"


def check_rejections(ws: Workspace, args: argparse.Namespace) -> None:
    """Print what the data files gave; raise :class:`Rejected` when rows were rejected and
    ``--allow-rejected`` was not given."""
    from ovm.data.workspace import describe_report
    from ovm.i18n import counted, gettext

    rep = ws.observations.report
    wanted = mission_ids(getattr(args, "missions", None))
    known = {m.id for m in ws.observations.missions}
    if wanted and set(wanted) <= known:
        # The rows of the missions left out are counted outside the cohort: their problems
        # are not this run's (a misspelt mission's row stays rejected).
        rep = ws.observations.cohort(wanted).report
    lang = message_lang(args)
    cells = rep.cells_rejected
    stops = bool(rep.rejected or cells) and not getattr(args, "allow_rejected", False)
    warnings = [i for i in rep.issues if i.severity != "error"]
    if getattr(args, "quiet", False) and not stops:
        # The user chose to go on: -q says how much was left out in one line, not each
        # problem again on every command.
        parts = [
            *([counted("cli_rejected_rows", lang, n=len(rep.rejected))] if rep.rejected else []),
            *([counted("cli_rejected_cells", lang, n=cells)] if cells else []),
            # the warnings' codes: one (not-pulled) says the results lack a whole file
            *(
                [f"{counted('cli_n_warnings', lang, n=len(warnings))} [{codes}]"]
                if (codes := ", ".join(dict.fromkeys(i.code for i in warnings)))
                else []
            ),
        ]
        if parts:
            what = ", ".join(parts[:-1])
            what = gettext("cli_and", lang, first=what, second=parts[-1]) if what else parts[-1]
            print(gettext("cli_quiet_counts", lang, root=ws.root, what=what), file=sys.stderr)
        return
    print_issues([i for i in rep.issues if i.severity == "error"], lang)
    _print_warnings(warnings, ws, quiet=getattr(args, "quiet", False), lang=lang)
    for rej in rep.rejected:
        for reason in rej.reasons:
            print(gettext("cli_row_rejected", lang, issue=reason.render(lang)), file=sys.stderr)
    # -q drops the files' summary, but for a run it stops: then the summary says what was lost.
    if not getattr(args, "quiet", False) or stops:
        for line in describe_report(rep, lang):
            print(line, file=sys.stderr)
    if stops:
        # A refused cell loses one datum: the run would score without it, so it stops the run
        # like a refused row unless the user accepts the loss.
        rows = counted("cli_rejected_rows", lang, n=len(rep.rejected))
        lost = counted("cli_rejected_cells", lang, n=cells)
        what = gettext("cli_and", lang, first=rows, second=lost) if rep.rejected else lost
        raise Rejected(gettext("cli_rejected_stop", lang, what=what if cells else rows))


def not_pulled_note(ws: Workspace | None, lang: str) -> str:
    """What a command's final line adds when it went on without a ``pull:`` file not pulled
    yet (`` (without pulled/odk.csv: not pulled yet)``): the warning printed above it is
    easily missed, and the results lack every visit that file will hold."""
    files = [str(i.params["file"]) for i in (ws.warnings if ws else ()) if i.code == "not-pulled"]
    if not files:
        return ""
    from ovm.i18n import gettext

    return gettext("cli_without_not_pulled", lang, files=", ".join(files))


WARNINGS_SHOWN = 5
"""Warnings of one code printed before the rest are counted (ovm check lists them all)."""


def _print_warnings(
    warnings: Sequence[Issue], ws: Workspace, *, quiet: bool, lang: str = "en"
) -> None:
    """Warnings grouped by code: a few of each, then a count; with ``quiet`` only the counts.

    A plausibility check can flag every visit of a large file; the analysing commands say how
    many, and ``ovm check`` lists every one.
    """
    from ovm.errors import workspace_first

    by_code: dict[str, list[Issue]] = {}
    # In ovm check's order, so the few shown of a code are the first it lists.
    for issue in workspace_first(warnings, ws.root):
        by_code.setdefault(issue.code, []).append(issue)
    for code, issues in by_code.items():
        shown = 0 if quiet else WARNINGS_SHOWN
        print_issues(issues[:shown], lang)
        if len(issues) > shown:
            from ovm.i18n import counted

            more = len(issues) - shown
            key = "cli_more_warnings" if shown else "cli_warnings_counted"
            print(counted(key, lang, root=ws.root, n=more, code=code), file=sys.stderr)


def no_workspace(path: Path) -> Worded:
    """The error of a workspace argument that names nothing: wrong usage (exit status 2), but
    a link that leads back to itself is said to be one and fails as an output link loop does
    (exit status 1): "no workspace at" would send the user looking for a missing folder."""
    from ovm.files import loops

    if loops(path):
        return Failed(
            f"{path} is a loop of symbolic links: it leads to no workspace",
            key="usage_workspace_link_loop",
            code="workspace-link-loop",
            path=str(path),
        )
    return UsageError(f"no workspace at {path}", key="usage_no_workspace", path=str(path))


def no_config(path: Path) -> None:
    """Raise the usage error of a folder given as a workspace that has no ovm.yaml: wrong
    usage (exit status 2) as a path that names nothing is, in every command that takes a
    workspace (``ovm check`` and ``ovm validate`` say the same)."""
    from ovm.data.workspace import CONFIG_NAME

    if path.is_dir() and not (path / CONFIG_NAME).exists():
        raise UsageError(
            f"no {CONFIG_NAME} in {path}: make one with 'ovm init {path}'",
            key="usage_no_config",
            path=str(path),
        )


def load(args: argparse.Namespace, meanwhile: Callable[[], object] | None = None) -> Workspace:
    """The workspace the command names, its rejected rows reported; ``meanwhile`` is done
    while its checklist table is read (:func:`~ovm.data.workspace.load_workspace`)."""
    from ovm.data.workspace import load_workspace

    ws_path = Path(args.workspace)
    if not ws_path.exists():
        raise no_workspace(ws_path)
    no_config(ws_path)
    ws = load_workspace(ws_path, rubric=getattr(args, "rubric", None), meanwhile=meanwhile)
    check_rejections(ws, args)
    return ws


def require_missions(ws: Workspace, wanted: Sequence[str]) -> None:
    """Refuse mission ids the workspace does not have, before any scoring, naming the closest."""
    known = sorted(m.id for m in ws.observations.missions)
    unknown = [m for m in wanted if m not in known]
    if not unknown:
        return
    # Only a wrong id needs difflib: imported here, it stays out of every command's start-up.
    import difflib

    hints = []
    closest: list[str] = []
    for m in unknown:
        close = difflib.get_close_matches(m, known, n=1)
        closest += close
        hints.append(f"{m!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    message = f"no mission {', '.join(hints)} in the workspace (missions: {', '.join(known)})"
    if len(unknown) == 1 and closest:
        raise UsageError(
            message,
            key="usage_no_mission_close",
            mission=unknown[0],
            close=closest[0],
            known=known,
        )
    raise UsageError(message, key="usage_no_mission", missions=unknown, known=known)


def progress_line(enabled: bool, lang: str = "en") -> Any:
    """A progress callback drawing ``scoring missions: i/n`` (in ``lang``) on a terminal, else
    None."""
    # A progress line rewritten with \r only makes sense on a terminal, not in a log.
    if not enabled or sys.stderr is None or not sys.stderr.isatty():
        return None
    from ovm.i18n import gettext, param_text

    def report(done: int, total: int) -> None:
        if total >= 20 and (done == total or done % max(1, total // 20) == 0):
            line = gettext(
                "cli_progress_scoring",
                lang,
                done=param_text(done, lang),
                total=param_text(total, lang),
            )
            print(
                f"\r{line}",
                end="" if done < total else "\n",
                file=sys.stderr,
                flush=True,
            )

    return report


def progress_bar(enabled: bool, lang: str = "en") -> Any:
    """A progress callback drawing the sensitivity analysis' bar (labelled in ``lang``) on a
    terminal, else None."""
    if not enabled or sys.stderr is None or not sys.stderr.isatty():
        return None
    from ovm.i18n import format_percent, gettext, param_text

    label = gettext("cli_progress_sensitivity", lang)
    shown = {"pct": -1}

    def report(done: int, total: int) -> None:
        pct = 100 * done // max(total, 1)
        if pct == shown["pct"]:
            return
        shown["pct"] = pct
        bar = "#" * (pct // 4) + "." * (25 - pct // 4)
        # English keeps its figures as they always were; another language writes its own.
        share = f"{pct:3d}%" if lang == "en" else format_percent(pct / 100, lang).rjust(5)
        counts = (
            f"{done}/{total}"
            if lang == "en"
            else f"{param_text(done, lang)}/{param_text(total, lang)}"
        )
        print(
            f"\r{label} [{bar}] {share} {counts}",
            end="\n" if done >= total else "",
            file=sys.stderr,
            flush=True,
        )

    return report


def run_from(
    args: argparse.Namespace,
    sensitivity: SensitivitySettings | None = None,
    *,
    mission: str | None = None,
    meanwhile: Callable[[], object] | None = None,
    sensitivity_apart: bool = False,
) -> tuple[Workspace, Run]:
    """Load the workspace, check ``mission`` and the cohort exist, and analyse it once.

    ``meanwhile`` is done while the workspace's checklist table is read: a command imports
    there what it takes after the load (the analysis is imported after the load for that).
    ``sensitivity_apart`` as :func:`~ovm.pipeline.analyse` takes it: the command then takes
    the analysis' result (``Run.finished``) within :func:`sensitivity_refusals`.
    """
    import warnings

    from ovm.errors import RejectedDataWarning

    ws, settings = _prepared(args, sensitivity, mission, meanwhile)
    from ovm.pipeline import analyse

    quiet = getattr(args, "quiet", False)
    lang = message_lang(args)
    with sensitivity_refusals(), warnings.catch_warnings():
        # The rejected rows were said by check_rejections, and --allow-rejected accepted
        # their loss: analyse() need not warn of them again.
        warnings.simplefilter("ignore", RejectedDataWarning)
        run = analyse(
            ws,
            settings,
            progress=progress_line(not quiet, lang),
            sensitivity_progress=progress_bar(not quiet, lang),
            sensitivity_apart=sensitivity_apart,
        )
    return ws, run


@contextlib.contextmanager
def sensitivity_refusals() -> Iterator[None]:
    """A sensitivity analysis refused as too large for the machine's memory raised as the
    usage error it is (``--sensitivity-runs`` asks for too many runs)."""
    try:
        yield
    except Exception as exc:
        # Only a sensitivity analysis is refused as too large, and its module is imported only
        # when one runs: the commands that run none do without it.
        module = sys.modules.get("ovm.comparison.sensitivity")
        if module is not None and isinstance(exc, module.TooLargeError):
            raise UsageError(str(exc), key=exc.key, **exc.params) from None
        raise


def scores_from(
    args: argparse.Namespace, meanwhile: Callable[[], object] | None = None
) -> tuple[Workspace, ScoreSet]:
    """Load the workspace, check the cohort exists, and give every mission's scorecard after
    the cohort step: what :func:`run_from` would give as ``run.scores``, without comparing.
    ``meanwhile`` as :func:`run_from` takes it."""
    ws, settings = _prepared(args, None, None, meanwhile)
    from ovm.pipeline import cohort_scores_of

    progress = progress_line(not getattr(args, "quiet", False), message_lang(args))
    return ws, cohort_scores_of(ws, settings, progress=progress)


def _prepared(
    args: argparse.Namespace,
    sensitivity: SensitivitySettings | None,
    mission: str | None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[Workspace, Settings]:
    from ovm.runtime import stage_done

    # What the arguments alone decide is refused before the workspace is read: on a large
    # workspace the user would wait for the load, and the usage error would come after its
    # data problems.
    cohort = mission_ids(getattr(args, "missions", None))
    if mission is not None and cohort and mission not in cohort:
        raise UsageError(
            f"--mission {mission} is not in the cohort named by --missions",
            key="usage_mission_cohort",
            mission=mission,
        )
    comparison_from(args)
    ws = load(args, meanwhile)
    stage_done()
    extra = [args.rubric] if getattr(args, "rubric", None) else []
    guard_output(getattr(args, "output", None), [*ws.config.input_files(ws.root), *extra])
    require_missions(
        ws, [*mission_ids(getattr(args, "missions", None)), *([mission] if mission else [])]
    )
    settings = settings_from(args, ws, sensitivity)
    problems = settings.comparison.problem_parts(ws.rubric)
    if problems:
        raise UsageError.joined([UsageError(m, key=k, **p) for m, k, p in problems])
    few_replicates(settings, getattr(args, "lang", "en"))
    return ws, settings


def few_replicates(settings: Settings, lang: str) -> None:
    """Warn when the bootstrap has too few replicates for its confidence level: an interval's
    end is the replicate of rank alpha (B + 1), so below 1 / alpha - 1 replicates the ends are
    the extreme replicates, whatever level the report prints."""
    import math

    from ovm.i18n import colon, format_percent, gettext

    replicates = settings.bootstrap
    alpha = (1 - settings.confidence) / 2
    needed = math.ceil(1 / alpha - 1e-9) - 1
    if 0 < replicates < needed:
        # the level with the decimals it has: 99.5 %, never a rounded 100 %
        digits = next(
            d
            for d in range(6)
            if round(settings.confidence * 100, d) == round(settings.confidence * 100, 6)
        )
        why = gettext(
            "cli_few_replicates",
            lang,
            n=replicates,
            confidence=format_percent(settings.confidence, lang, digits),
            needed=needed,
            steady=max(200, needed),
        )
        print(f"{gettext('severity_warning', lang)}{colon(lang)} {why}", file=sys.stderr)
