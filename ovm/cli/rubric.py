"""``ovm validate`` and ``ovm schema``: the rubric format."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ovm.cli.common import (
    EXIT_ERRORS,
    EXIT_OK,
    UsageError,
    command_help,
    print_issues,
    write_output,
)


def _rubric_path(name: str) -> Path:
    """A rubric file named on the command line; ``bundled:NAME`` is the file ovm ships."""
    from importlib import resources

    from ovm.rubric.model import BUNDLED

    if not name.startswith("bundled:"):
        return Path(name)
    bundled = name.split(":", 1)[1]
    if bundled not in BUNDLED:
        raise UsageError(f"no bundled rubric {name!r} (bundled: {', '.join(BUNDLED)})")
    return Path(str(resources.files("ovm.rubrics").joinpath(f"{bundled}.yaml")))


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate rubric files; a workspace (folder or ovm.yaml) is checked as ``ovm check``."""
    from ovm.cli.workspace import check_workspace, is_workspace, report_check
    from ovm.rubric.model import check_rubric

    worst = EXIT_OK
    report: list[dict[str, Any]] = []
    for name in args.files:
        if is_workspace(Path(name)):
            found, lines = check_workspace(Path(name))
            worst = max(worst, report_check(name, found, lines, args.format))
            continue
        rubric, issues = check_rubric(_rubric_path(name))
        errors = [i for i in issues if i.severity == "error"]
        ok = rubric is not None and not errors
        if not ok:
            worst = EXIT_ERRORS
        if args.format == "json":
            report.append({"file": name, "valid": ok, "issues": [i.as_dict() for i in issues]})
            continue
        print_issues(issues)
        if ok and rubric is not None:
            n = len(rubric.indicators())
            extra = f", {len(issues)} warning(s)" if issues else ""
            print(
                f"{name}: valid ({rubric.id} {rubric.version}, {len(rubric.families)} "
                f"families, {n} indicators{extra})"
            )
        else:
            print(f"{name}: {len(errors)} error(s)", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(report, indent=1, ensure_ascii=False, allow_nan=False))
    return worst


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
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("schema", help=command_help("schema"))
    s.add_argument("what", choices=["rubric", "scores"])
    s.add_argument("-o", "--output")
    s.set_defaults(func=cmd_schema)
