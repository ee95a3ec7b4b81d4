"""``ovm validate`` and ``ovm schema``: the rubric format."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ovm.cli.common import (
    EXIT_ERRORS,
    EXIT_OK,
    bundled_name,
    command_help,
    lang_arg,
    message_lang,
    print_issues,
    print_out,
    write_output,
)

if TYPE_CHECKING:
    from ovm.rubric.model import Rubric


def _rubric_path(name: str) -> Path:
    """A rubric file named on the command line; ``bundled:NAME`` is the file ovm ships."""
    from importlib import resources

    bundled = bundled_name(name)
    if bundled is None:
        return Path(name)
    return Path(str(resources.files("ovm.rubrics").joinpath(f"{bundled}.yaml")))


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate rubric files; a workspace (folder or ovm.yaml) is checked as ``ovm check``."""
    from ovm.cli.workspace import check_workspace, is_workspace, report_check
    from ovm.rubric.model import check_rubric

    lang = message_lang(args)
    worst = EXIT_OK
    report: list[dict[str, Any]] = []
    for name in args.files:
        if is_workspace(Path(name)):
            found, files = check_workspace(Path(name), None, lang)
            worst = max(worst, report_check(name, found, files, args.format, lang))
            continue
        rubric, issues = check_rubric(_rubric_path(name))
        errors = [i for i in issues if i.severity == "error"]
        ok = rubric is not None and not errors
        if not ok:
            worst = EXIT_ERRORS
        if args.format == "json":
            report.append({"file": name, "valid": ok, "issues": [i.as_dict() for i in issues]})
            continue
        print_issues(issues, lang)
        if ok and rubric is not None:
            print_out(_valid_line(name, rubric, len(issues), lang))
        else:
            from ovm.i18n import counted, gettext

            errs = counted("cli_n_errors", lang, n=len(errors))
            print(gettext("cli_validate_errors", lang, name=name, errors=errs), file=sys.stderr)
    if args.format == "json":
        write_output(json.dumps(report, indent=1, ensure_ascii=False, allow_nan=False) + "\n", None)
    return worst


def _valid_line(name: str, rubric: Rubric, warnings: int, lang: str) -> str:
    """What ``ovm validate`` says of a rubric it can use, in ``lang``."""
    n = len(rubric.indicators())
    from ovm.i18n import counted, gettext

    parts = {
        "name": name,
        "rubric": rubric.id,
        "version": rubric.version,
        "families": counted("cli_n_families", lang, n=len(rubric.families)),
        "indicators": counted("cli_n_indicators", lang, n=n),
    }
    if not warnings:
        return gettext("cli_validate_valid", lang, **parts)
    warned = counted("cli_n_warnings", lang, n=warnings)
    return gettext("cli_validate_valid_warnings", lang, warnings=warned, **parts)


def cmd_schema(args: argparse.Namespace) -> int:
    """Print a JSON Schema."""
    if args.what == "rubric":
        from ovm.rubric.model import rubric_schema

        schema = rubric_schema()
    else:
        from ovm.scoring.scoreschema import schema as scores_schema

        schema = scores_schema()
    write_output(
        json.dumps(schema, indent=1, ensure_ascii=False, allow_nan=False) + "\n", args.output
    )
    return EXIT_OK


def register(sub: Any) -> None:
    """Add ``validate`` and ``schema``."""
    v = sub.add_parser("validate", help=command_help("validate"))
    v.add_argument("files", nargs="+", metavar="FILE")
    v.add_argument("--format", choices=["text", "json"], default="text")
    lang_arg(v)
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("schema", help=command_help("schema"))
    s.add_argument("what", choices=["rubric", "scores"])
    s.add_argument("-o", "--output")
    lang_arg(s)
    s.set_defaults(func=cmd_schema)
