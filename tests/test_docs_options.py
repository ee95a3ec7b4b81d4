"""Every ``ovm COMMAND --option`` the documentation names is an option of that command: a
reader who copies it from README.md, CHANGELOG.md or docs/*.md is not told "unrecognized
arguments"."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ovm.cli.app import build_parser
from ovm.cli.common import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
# A command in code: `ovm check ws --format json`, or a line of a shell example.
SPAN = re.compile(r"`(ovm [^`\n]+)`|^\s*\$?\s*(ovm [^\n#]+)", re.MULTILINE)


def _options(command: str) -> set[str]:
    parser = build_parser(command)
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {s for a in subs.choices[command]._actions for s in a.option_strings}


def test_every_option_the_docs_name_is_one_of_its_command() -> None:
    unknown = []
    for page in PAGES:
        for match in SPAN.finditer(page.read_text(encoding="utf-8")):
            words = (match.group(1) or match.group(2)).split()
            if len(words) < 2 or words[1] not in COMMANDS:
                continue
            options = _options(words[1])
            for word in words[2:]:
                option = word.split("=")[0].rstrip(",.;:)]|")
                if option.startswith("--") and option not in options:
                    unknown.append((page.name, " ".join(words)))
    assert unknown == []
