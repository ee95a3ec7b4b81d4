"""The registry of issue codes is whole, and docs/errors.md is what it says."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ovm.codes import CODES, main, render
from ovm.rubric.checks import all_codes

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")
# Kebab-case strings of the code base that are no issue codes.
NOT_CODES = {
    "utf-8",
    "utf-8-sig",
    "iso3166-1",
    "deco-voting-abroad",
    "constrained-str",
    "min-max",
    "runner-up",
    "z-score",
    "what-if",
    "follow-up",
    "tone-none",
    "yyyy-mm-dd",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
}


def kebab_strings() -> dict[str, set[str]]:
    """Every kebab-case string constant in the package, with the files holding it."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "ovm").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE.fullmatch(node.value)
            ):
                found.setdefault(node.value, set()).add(path.name)
    return found


def test_every_code_the_package_can_give_is_registered() -> None:
    found = kebab_strings()
    unregistered = {c: sorted(f) for c, f in found.items() if c not in CODES and c not in NOT_CODES}
    assert unregistered == {}


def test_every_registered_code_is_given_somewhere() -> None:
    found = kebab_strings()
    assert sorted(c for c in CODES if c not in found or found[c] == {"codes.py"}) == []


def test_the_rubric_checks_declare_only_registered_codes() -> None:
    declared = {c for codes in all_codes().values() for c in codes}
    assert sorted(declared - set(CODES)) == []


def test_each_example_ends_as_its_message_would() -> None:
    for code, entry in CODES.items():
        assert entry.example and entry.fix.endswith("."), code
        assert entry.severity in ("error", "warning", "note"), code


def test_docs_errors_md_is_generated_from_the_registry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert page == render(), "run `python -m ovm.codes --write`"
    assert main([]) == 0
    assert capsys.readouterr().out == page
    for code in CODES:
        assert f"| `{code}`" in page
