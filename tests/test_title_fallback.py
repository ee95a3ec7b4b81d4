"""A workspace title ovm.yaml lacks in the report's language is shown in English and marked as
every other text in another language is: ``lang="en"`` and its language badge."""

from __future__ import annotations

import json
from pathlib import Path

import html5lib
import pytest

from ovm.cli.app import main
from tests.test_finding_words import CHECKLISTS, MISSIONS, RUBRIC


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import write_workspace

    ws = write_workspace(
        tmp_path_factory.mktemp("title"), rubric=RUBRIC, missions=MISSIONS, checklists=CHECKLISTS
    )
    config = ws / "ovm.yaml"
    title = 'title: {en: "Andes test mission", es: "Misión de prueba andina"}\n'
    config.write_text(title + config.read_text("utf-8"), encoding="utf-8")
    return ws


def _heading(page: Path) -> tuple[str, list[tuple[str | None, str]]]:
    """The page's h1 as text, and each element in it with its lang and text."""
    tree = html5lib.parse(page.read_text("utf-8"), namespaceHTMLElements=False)
    h1 = next(tree.iter("h1"))
    return "".join(h1.itertext()), [(e.get("lang"), "".join(e.itertext())) for e in h1.iter()][1:]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("es", ("Misión de prueba andina", [])),
        ("en", ("Andes test mission", [])),
        (
            "fr",
            (
                "Andes test missionEN",
                [("en", "Andes test missionEN"), (None, "EN")],
            ),
        ),
        ("pt", ("Andes test missionEN", [("en", "Andes test missionEN"), (None, "EN")])),
    ],
)
def test_a_title_in_another_language_is_marked(
    workspace: Path, tmp_path: Path, lang: str, expected: tuple[str, list[tuple[str | None, str]]]
) -> None:
    page = tmp_path / "r.html"
    assert main(["report", str(workspace), "-q", "--lang", lang, "-o", str(page)]) == 0
    assert _heading(page) == expected
    data = tmp_path / "r.json"
    assert main(["report", str(workspace), "-q", "--lang", lang, "-o", str(data)]) == 0
    context = json.loads(data.read_text("utf-8"))
    assert context.get("title_lang") == ("en" if lang in ("fr", "pt") else None)


def test_a_title_given_on_the_command_line_is_not_marked(workspace: Path, tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    args = ["report", str(workspace), "-q", "--lang", "fr", "--title", "Mission", "-o", str(page)]
    assert main(args) == 0
    assert _heading(page) == ("Mission", [])
