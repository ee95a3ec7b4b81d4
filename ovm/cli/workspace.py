"""``ovm init`` (a workspace skeleton) and ``ovm check`` (every data problem, no scoring)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ovm.cli.common import (
    EXIT_ERRORS,
    EXIT_OK,
    UsageError,
    command_help,
    message_lang,
    mission_ids,
    no_config,
    no_workspace,
    output_failure,
    print_out,
    rubric_spec,
    write_output,
)
from ovm.errors import Issue, OvmError, workspace_first
from ovm.files import link_loop, loops, write_failed
from ovm.i18n import LANGUAGES

if TYPE_CHECKING:
    from ovm.data.reader import FileReport


def check_workspace(
    path: Path, rubric: str | None = None, lang: str = "en"
) -> tuple[list[Issue], list[FileReport]]:
    """Every problem of a workspace (rubric, ovm.yaml, missions, every data file) without
    scoring it, and what each data file gave (rows read, used, rejected). Raises UsageError
    for no workspace. ``lang`` is kept for callers that pass it; the issues word themselves
    in any language when rendered."""
    from ovm.data.workspace import ConfigRefused, load_workspace, read_config
    from ovm.rubric.model import check_rubric

    if not path.exists():
        raise no_workspace(path)
    no_config(path)
    base = path if path.is_dir() else path.parent
    refused: ConfigRefused | None = None
    try:
        config = read_config(path, rubric_named=rubric is None)
    except ConfigRefused as exc:
        # The rest of ovm.yaml still names a rubric to check (its default where the name is
        # refused, never read then).
        config, refused = exc.config, exc
    except OvmError as exc:
        return list(exc.issues), []
    issues: list[Issue] = []
    spec = rubric if rubric is not None else config.rubric
    # A rubric file ovm.yaml names but that is not there is reported at the line naming it.
    if not spec.startswith("bundled:") and (rubric is not None or (base / spec).is_file()):
        # A file rubric is checked as 'ovm validate' checks it: its warnings too.
        rubric_path = Path(spec) if rubric is not None else base / spec
        found, rubric_issues = check_rubric(rubric_path)
        issues += rubric_issues
        if found is None or any(i.severity == "error" for i in rubric_issues):
            return [*(refused.issues if refused else ()), *issues], []
    if refused is not None and not refused.files_readable:
        # Tables read without the rubric or missions ovm.yaml refuses would be said wrong
        # for it.
        return [*refused.issues, *issues], []
    try:
        ws = load_workspace(path, rubric=rubric)
    except ConfigRefused as exc:
        if exc.workspace is None:
            return [*issues, *exc.issues], []
        ws = exc.workspace
        issues += exc.refused
    except OvmError as exc:
        return [*issues, *exc.issues], []
    rep = ws.observations.report
    # (A variable or a question nothing gives is among the workspace's own warnings.)
    issues += rep.issues
    issues += [i for r in rep.rejected for i in r.reasons]
    return issues, list(rep.files)


def cmd_check(args: argparse.Namespace) -> int:
    """Check a workspace's rubric and data without scoring."""
    lang = message_lang(args)
    issues, files = check_workspace(Path(args.workspace), getattr(args, "rubric", None), lang)
    return report_check(args.workspace, issues, files, getattr(args, "format", "text"), lang)


def report_check(
    name: str, issues: list[Issue], files: list[FileReport], fmt: str, lang: str = "en"
) -> int:
    """Print a check's issues and what each data file gave (text, or JSON whose messages stay
    in English beside their codes and parameters, and whose files are counts as in the scores
    file); the exit status: 1 when any is an error."""
    from ovm.data.workspace import describe_report

    ordered = workspace_first(issues, name)
    errors = [i for i in ordered if i.severity == "error"]
    if fmt == "json":
        report = {
            "workspace": name,
            "valid": not errors,
            "files": [_file_counts(f) for f in files],
            "issues": [i.as_dict() for i in ordered],
        }
        write_output(json.dumps(report, indent=1, ensure_ascii=False, allow_nan=False) + "\n", None)
        return EXIT_ERRORS if errors else EXIT_OK
    from ovm.i18n import counted, gettext

    for issue in ordered:
        print(issue.render(lang), file=sys.stderr)
    from ovm.data.observations import LoadReport

    for line in describe_report(LoadReport(files=tuple(files)), lang):
        print(line, file=sys.stderr)
    warnings = counted("cli_n_warnings", lang, n=len(ordered) - len(errors))
    if errors:
        n_errors = counted("cli_n_errors", lang, n=len(errors))
        print(
            gettext("cli_check_errors", lang, name=name, errors=n_errors, warnings=warnings),
            file=sys.stderr,
        )
        return EXIT_ERRORS
    print_out(gettext("cli_check_valid", lang, name=name, warnings=warnings))
    return EXIT_OK


def _file_counts(f: FileReport) -> dict[str, Any]:
    """One data file's account, named as in the scores file's ``files`` (its refused cells are
    among the check's issues, each at its place)."""
    return {
        "file": f.file,
        "kind": f.kind,
        "rows_read": f.rows_read,
        "rows_used": f.rows_used,
        "rows_rejected": f.rows_rejected,
        "rows_excluded": f.rows_excluded,
        "cells_rejected": f.cells_rejected,
        "simulated": f.simulated,
        "unmatched_columns": list(f.unmatched_columns),
    }


def is_workspace(path: Path) -> bool:
    """Whether ``ovm validate`` was given a workspace (a folder, or its ovm.yaml)."""
    from ovm.files import CONFIG_NAME

    return path.is_dir() or path.name == CONFIG_NAME


# --- ovm init --------------------------------------------------------------------------------

_CONFIG = """\
# {workspace}
title: {{{title}}}
rubric: {rubric}
missions: missions.yaml
statistics: [statistics.csv]
answers: [answers.csv]
checklists:
  - path: checklists.csv
  # {export}
  # - {{path: kobo.csv, layout: kobo}}
  # {pulled}
  # - path: pulled/odk.csv
  #   layout: odk
  #   pull: {{server: odk, url: "https://central.example.org", project: 1, form: {form_id}}}
places: [places.csv]
settings: {{seed: 20261128, bootstrap: 200}}
"""

_EXAMPLE = """\
# {missions}
# {example}
# - id: col-2026                  # {id}
#   country: COL                  # {country}
#   name: {{{names}}}
#   election: {{type: presidential, date: 2026-05-31, round: 1}}
#   voting_abroad: {{from: 2026-05-25, to: 2026-05-31}}   # {voting_abroad}
#   answers: {{}}                   # {answers}
"""
"""The skeleton's files; their comments are ``init_yaml_*`` catalogue entries (named by the
placeholders), so that they read in the language of ``ovm init --lang``."""


def _languages(lang: str) -> tuple[str, ...]:
    """The languages of the titles and names the skeleton writes: English and Spanish (OAS
    missions in Latin America write Spanish first), and the language of ``ovm init --lang``."""
    return ("en", "es") if lang in ("en", "es") else ("en", "es", lang)


def _per_language(lang: str, text: str) -> str:
    """The inside of a map of the skeleton's languages to ``text`` (a title, a name)."""
    return ", ".join(f"{x}: {text}" for x in _languages(lang))


def _example_names(lang: str) -> str:
    """The example mission's name in each of the skeleton's languages, one a line."""
    from ovm.i18n import gettext

    names = (f'{x}: "{gettext("init_example_name", x)}"' for x in _languages(lang))
    return ",\n#          ".join(names)


def _comments(lang: str, *names: str) -> dict[str, str]:
    from ovm.i18n import gettext

    return {name: gettext(f"init_yaml_{name}", lang) for name in names}


def _yaml_text(text: str) -> str:
    """``text`` as a YAML scalar that reads back as this very text: quoted where YAML would
    read a number, a date, a yes/no or null (a mission of Norway written ``no`` would be
    False, ``2026`` a number, and ovm check would refuse the workspace just made)."""
    import yaml

    return text if yaml.safe_load(text) == text else json.dumps(text)


def _mission_entry(mid: str, lang: str = "en") -> str:
    from ovm.data.plan import country_code

    said = _comments(lang, "check_country", "add_country", "check_date")
    code = mid.split("-")[0].upper()
    if country_code(code) == code and len(code) == 3:
        place = f"    country: {code}           # {said['check_country']}\n"
    else:
        # An id that does not start with a country code names an entity of the mission's
        # own; a made-up country code would be refused by ovm check.
        place = f"    entity: {_yaml_text(mid.split('-')[0])}   # {said['add_country']}\n"
    # The election's year wherever the id has one: per-2021.1 (a round) and 2021ecu too.
    found = re.search(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])", mid)
    year = found.group(0) if found else "2026"
    return (
        f"  - id: {_yaml_text(mid)}\n"
        f"{place}"
        f"    name: {{{_per_language(lang, json.dumps(mid))}}}\n"
        f"    election: {{type: general, date: {year}-01-01}}   # {said['check_date']}\n"
    )


def _csv_line(cells: list[str]) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def init_workspace(
    root: Path,
    rubric_spec: str,
    missions: list[str],
    *,
    copy_rubric: bool = False,
    lang: str = "en",
) -> list[Path]:
    """Write a workspace skeleton that ``ovm check`` accepts, its comments in ``lang``;
    returns the files written."""
    from importlib import resources

    from ovm.data.answers import qualitative_indicators, template_variables
    from ovm.data.checklists import checklist_questions
    from ovm.data.observations import SITE_COLUMNS
    from ovm.data.places import PLACE_COLUMNS
    from ovm.data.workspace import resolve_rubric

    rubric = resolve_rubric(rubric_spec)
    written: dict[str, str] = {}
    spec = rubric_spec
    if copy_rubric:
        if rubric_spec.startswith("bundled:"):
            name = rubric_spec.split(":", 1)[1]
            text = resources.files("ovm.rubrics").joinpath(f"{name}.yaml").read_text("utf-8")
            # Edited under the bundled id and version, it would publish as that methodology.
            said = _comments(lang, "copied_rubric")["copied_rubric"]
            text = re.sub(r"^id:", f"# {said}\nid:", text, count=1, flags=re.MULTILINE)
        else:
            text = Path(rubric_spec).read_text(encoding="utf-8")
        written["rubric.yaml"] = text
        spec = "rubric.yaml"
    elif not rubric_spec.startswith("bundled:"):
        spec = str(Path(rubric_spec).resolve())
    # The form id is the one 'ovm form' gives the XLSForm of this rubric.
    written["ovm.yaml"] = _CONFIG.format(
        title=_per_language(lang, json.dumps(root.name)),
        rubric=spec,
        form_id=f"ovm-{rubric.id}",
        **_comments(lang, "workspace", "export", "pulled"),
    )
    entries = "".join(_mission_entry(m, lang) for m in missions)
    example = _comments(lang, "missions", "example", "id", "country", "voting_abroad", "answers")
    written["missions.yaml"] = _EXAMPLE.format(names=_example_names(lang), **example) + (
        "missions:\n" + entries if missions else "missions: []\n"
    )
    written["statistics.csv"] = _csv_line(
        ["mission", *(v.name for v in template_variables(rubric))]
    )
    written["answers.csv"] = _csv_line(["mission", *(n.id for n in qualitative_indicators(rubric))])
    written["checklists.csv"] = _csv_line(
        [*SITE_COLUMNS, *(q.id for q in checklist_questions(rubric))]
    )
    written["places.csv"] = _csv_line(list(PLACE_COLUMNS))
    taken = [root / name for name in written if os.path.lexists(root / name)]
    if taken:
        # The user's own statistics.csv beside no ovm.yaml yet is data, never a skeleton's.
        raise UsageError(
            f"{taken[0]} exists already: ovm init never overwrites",
            key="usage_init_exists",
            path=str(taken[0]),
        )
    return _write_new(root, written)


def _write_new(root: Path, written: dict[str, str]) -> list[Path]:
    """Write each new file of ``written`` in ``root``, never over one that exists; a write
    that fails or is interrupted takes back the files it made: no half a workspace."""
    out: list[Path] = []
    path = root
    try:
        root.mkdir(parents=True, exist_ok=True)
        for name, text in written.items():
            path = root / name
            # "x": a file made meanwhile by someone else is not overwritten either.
            with open(path, "x", encoding="utf-8") as fh:
                out.append(path)
                fh.write(text)
    except BaseException as exc:
        for made in out:
            made.unlink(missing_ok=True)
        if not isinstance(exc, OSError):
            raise
        raise output_failure(write_failed(path, exc)) from None
    return out


def cmd_init(args: argparse.Namespace) -> int:
    """Write a workspace skeleton."""
    import re

    from ovm.data.workspace import CONFIG_NAME

    root = Path(args.folder)
    if (root / CONFIG_NAME).exists():
        raise UsageError(
            f"{root / CONFIG_NAME} exists already: ovm init never overwrites",
            key="usage_init_exists",
            path=str(root / CONFIG_NAME),
        )
    if loops(root):
        raise output_failure(link_loop(root))
    if root.exists() and not root.is_dir():
        raise UsageError(
            f"{root} is a file, not a folder", key="usage_not_a_folder", path=str(root)
        )
    spec = args.rubric
    if spec.startswith("bundled:"):
        rubric_spec(spec)
    elif not Path(spec).is_file():
        raise UsageError(f"no rubric at {spec}", key="usage_no_rubric", path=spec)
    missions = mission_ids(args.missions)
    bad = [m for m in missions if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", m)]
    if bad:
        raise UsageError(
            f"mission ids are lowercase letters, digits, '.', '_' or '-': "
            f"{', '.join(map(repr, bad))}",
            key="usage_init_ids",
            ids=[repr(b) for b in bad],
        )
    if len(set(missions)) != len(missions):
        raise UsageError("a mission id is given twice", key="usage_init_twice")
    lang = message_lang(args)
    files = init_workspace(root, spec, missions, copy_rubric=args.copy_rubric, lang=lang)
    if not args.quiet:
        from ovm.i18n import gettext

        for f in files:
            print(gettext("cli_wrote_file", lang, path=f), file=sys.stderr)
        print(
            gettext("cli_init_next", lang, missions=root / "missions.yaml", root=root),
            file=sys.stderr,
        )
    return EXIT_OK


def register(sub: Any) -> None:
    """Add ``init`` and ``check``."""
    i = sub.add_parser("init", help=command_help("init"))
    i.add_argument("folder", metavar="DIR")
    i.add_argument(
        "--rubric",
        default="bundled:deco-voting-abroad",
        help="bundled:NAME or a rubric file (default: bundled:deco-voting-abroad)",
    )
    i.add_argument("--missions", nargs="+", metavar="ID", help="mission ids to start with")
    i.add_argument(
        "--copy-rubric", action="store_true", help="copy the rubric into the workspace, to edit it"
    )
    i.add_argument("-q", "--quiet", action="store_true")
    i.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="language of the messages and of the files' comments; the title and the mission "
        "names are written in it too, besides English and Spanish (default: en)",
    )
    i.set_defaults(func=cmd_init)

    c = sub.add_parser("check", help=command_help("check"))
    c.add_argument("workspace", metavar="WORKSPACE")
    c.add_argument("--rubric", metavar="FILE", help="check against this rubric instead")
    c.add_argument("--format", choices=["text", "json"], default="text")
    c.add_argument(
        "--lang", choices=LANGUAGES, default="en", help="language of the messages (default: en)"
    )
    c.set_defaults(func=cmd_check)
