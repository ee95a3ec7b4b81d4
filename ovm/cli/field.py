"""Field data commands: ``ovm form`` (an XLSForm checklist), ``ovm template`` (a workbook)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ovm.cli.common import (
    EXIT_OK,
    UsageError,
    command_help,
    guard_output,
    message_lang,
    no_config,
    no_workspace,
    output_failure,
    rubric_spec,
)

if TYPE_CHECKING:
    from ovm.data.observations import Mission


def _output(name: str) -> Path:
    path = Path(name)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(
            f"{name}: the output must be an .xlsx file", key="usage_output_xlsx", path=name
        )
    if not path.parent.exists():
        raise UsageError(
            f"folder {path.parent} does not exist", key="usage_no_folder", path=str(path.parent)
        )
    return path


def _languages(values: list[str] | None, available: tuple[str, ...]) -> list[str] | None:
    if not values:
        return None
    langs = [x.strip() for v in values for x in v.split(",") if x.strip()]
    unknown = [x for x in langs if x not in available]
    if unknown:
        raise UsageError(
            f"language{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} not in the rubric "
            f"({', '.join(available)})",
            key="usage_languages_not_in_rubric",
            n=len(unknown),
            languages=unknown,
            available=list(available),
        )
    return langs


def cmd_form(args: argparse.Namespace) -> int:
    """Write the observer checklist of a rubric, or of a workspace and its plan, as an XLSForm."""
    from ovm.cli.workspace import is_workspace
    from ovm.data.observations import load_missions
    from ovm.data.workspace import resolve_rubric
    from ovm.field.xlsform import build_form, write_form
    from ovm.files import OutputError

    out = _output(args.output)
    missions: list[tuple[str, dict[str, str] | str]] = []
    places: dict[str, Any] = {}
    found: list[Mission] = []
    missions_file: Path | None = None
    source = Path(args.rubric)
    if not args.rubric.startswith("bundled:") and source.exists() and is_workspace(source):
        from ovm.data.workspace import CONFIG_NAME, load_plan, read_config

        if source.is_dir() and not (source / CONFIG_NAME).exists():
            raise UsageError(
                f"no {CONFIG_NAME} in {source}: make one with 'ovm init {source}'",
                key="usage_no_config",
                path=str(source),
            )
        if args.missions:
            raise UsageError(
                "--missions is for a rubric; a workspace's missions are its own",
                key="usage_form_missions",
            )
        base = source if source.is_dir() else source.parent
        config = read_config(source)
        guard_output(args.output, config.input_files(base))
        rubric, found = load_plan(source)
        missions_file = base / config.missions
        # The missions with a plan are those being observed; the others are past missions.
        planned = [m for m in found if m.places] or found
        missions = [(m.id, m.name) for m in planned]
        places = {m.id: m.places for m in planned if m.places}
    else:
        spec = rubric_spec(args.rubric)
        guard_output(
            args.output, [p for p in (spec, args.missions) if p and not p.startswith("bundled:")]
        )
        rubric = resolve_rubric(spec)
        if args.missions:
            if not Path(args.missions).exists():
                raise UsageError(
                    f"no missions file at {args.missions}",
                    key="usage_no_missions_file",
                    path=args.missions,
                )
            from ovm.errors import DataError

            found, issues = load_missions(Path(args.missions), rubric)
            errors = [i for i in issues if i.severity == "error"]
            if errors:
                raise DataError(
                    errors,
                    summary=f"{args.missions}: invalid missions file",
                    key="error_summary_missions_file",
                    path=args.missions,
                )
            missions = [(m.id, m.name) for m in found]
            places = {m.id: m.places for m in found if m.places}
            missions_file = Path(args.missions)
    langs = _languages(args.lang, rubric.languages)
    form = build_form(rubric, languages=langs, missions=missions, places=places)
    try:
        write_form(form, out)
    except OutputError as exc:
        raise output_failure(exc) from None
    from ovm.data.places import plans_too_small

    # A plan the questions' minimum cannot be met on is said before the observers leave.
    for issue in plans_too_small(rubric, found, missions_file):
        print(issue.render(message_lang(args)), file=sys.stderr)
    if not args.quiet:
        from ovm.data.checklists import checklist_questions
        from ovm.i18n import counted, gettext

        lang = message_lang(args)
        n = len(checklist_questions(rubric))
        planned_places = sum(len(v) for v in places.values())
        plan = counted("cli_form_planned", lang, n=planned_places) if planned_places else ""
        said = gettext(
            "cli_wrote_form", lang, path=out, n=n, rubric=rubric.id, version=rubric.version
        )
        print(said + plan, file=sys.stderr)
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    """Write the mission-level data workbook of a workspace."""
    from ovm.data.workspace import read_config, resolve_rubric
    from ovm.field.template import write_template
    from ovm.files import OutputError

    out = _output(args.output)
    ws = Path(args.workspace)
    if not ws.exists():
        raise no_workspace(ws)
    no_config(ws)
    base = ws if ws.is_dir() else ws.parent
    config = read_config(ws)
    # --rubric is a path from where the user stands; ovm.yaml's is relative to the workspace.
    if args.rubric:
        rubric = resolve_rubric(rubric_spec(args.rubric))
    else:
        rubric = resolve_rubric(config.rubric, base)
    langs = _languages(args.lang, rubric.languages)
    inputs = config.input_files(base)
    guard_output(args.output, [*inputs, *([args.rubric] if args.rubric else [])])
    try:
        write_template(ws, out, rubric=rubric, languages=langs)
    except OutputError as exc:
        raise output_failure(exc) from None
    if not args.quiet:
        from ovm.i18n import gettext

        print(gettext("cli_wrote_file", message_lang(args), path=out), file=sys.stderr)
    return EXIT_OK


def register(sub: Any) -> None:
    """Add the ``form`` and ``template`` subcommands to the ``ovm`` parser."""
    f = sub.add_parser("form", help=command_help("form"))
    f.add_argument(
        "rubric",
        metavar="RUBRIC|WORKSPACE",
        help="rubric file or bundled:NAME; or a workspace (folder or ovm.yaml): its rubric, "
        "missions and planned places",
    )
    f.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    f.add_argument(
        "--lang",
        action="append",
        metavar="LANG",
        help="language(s) of the labels (repeat or comma-separate; default: all the rubric's); "
        "the first is that of the messages",
    )
    f.add_argument(
        "--missions",
        metavar="FILE",
        help="with a rubric: offer this missions.yaml's missions (and places) as lists",
    )
    f.add_argument("-q", "--quiet", action="store_true", help="no summary")
    f.set_defaults(func=cmd_form)

    t = sub.add_parser("template", help=command_help("template"))
    t.add_argument("workspace", metavar="WORKSPACE", help="folder holding ovm.yaml")
    t.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    t.add_argument("--rubric", metavar="FILE", help="use this rubric instead of the workspace's")
    t.add_argument(
        "--lang",
        action="append",
        metavar="LANG",
        help="language(s) of the notes and labels, the first one leading, and of the messages "
        "(repeat or comma-separate; default: all the rubric's)",
    )
    t.add_argument("-q", "--quiet", action="store_true", help="no summary")
    t.set_defaults(func=cmd_template)
