"""A Kobo export writes a select_multiple answer twice: the combined column and one 1/0 column
per choice. Where the two disagree (a data desk edited one), the answer is unknown: it is
refused at its cell (``conflicting-answers``), never read from one column in silence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main
from ovm.data.workspace import load_workspace

ROOT = Path(__file__).parent.parent


def _text(text: str) -> str:
    """A text in each language of the bundled rubric."""
    return "{" + ", ".join(f'{lang}: "{text}"' for lang in ("en", "es", "fr", "pt")) + "}"


QUESTION = f"""\
      - id: practice.materials_missing
        kind: checklist
        source: checklist
        labels: {_text("No essential item missing")}
        unit: {_text("% of observer visits")}
        question: {_text("Which essential items were missing?")}
        answer_type: select_multiple
        choices:
          - {{name: none, label: {_text("Nothing missing")}}}
          - {{name: ballots, label: {_text("Ballots")}}}
          - {{name: seals, label: {_text("Seals")}}}
        accept: [none]
        rule: {{type: goalposts, low: 50, high: 100, direction: higher}}
"""
Q = "practice/practice.materials_missing"


def _workspace(tmp_path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(ROOT / "examples" / "missions.yaml", ws / "missions.yaml")
    rubric = (ROOT / "ovm" / "rubrics" / "deco-voting-abroad.yaml").read_text(encoding="utf-8")
    anchor = "      - id: practice.id_checked\n"
    assert rubric.count(anchor) == 1
    (ws / "rubric.yaml").write_text(rubric.replace(anchor, QUESTION + anchor), encoding="utf-8")
    (ws / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n"
        "checklists: [{path: kobo.csv, layout: kobo}]\n",
        encoding="utf-8",
    )
    header = ["mission", "site", Q, f"{Q}/none", f"{Q}/ballots", f"{Q}/seals", "_uuid"]
    lines = [";".join(header)]
    lines += [
        ";".join(["col-2022", f"s{k}", combined, none, ballots, seals, f"u{k}"])
        for k, (combined, none, ballots, seals) in enumerate(rows)
    ]
    (ws / "kobo.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ws


def test_a_combined_answer_its_choice_columns_contradict_is_refused_at_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(
        tmp_path,
        [
            ("none", "1", "0", "0"),  # agree
            ("none", "0", "1", "0"),  # edited: the combined column says nothing was missing
            ("ballots seals", "0", "1", "1"),  # agree
            ("", "0", "0", "1"),  # a tick without a combined answer
            ("Nothing missing", "1", "0", "0"),  # a label: the same answer
            ("seals", "", "", ""),  # choice columns left blank say nothing
        ],
    )
    assert main(["check", str(ws)]) == 1
    said = [
        line for line in capsys.readouterr().err.splitlines() if "[conflicting-answers]" in line
    ]
    assert said == [
        f"{ws}/kobo.csv:3:3 practice.materials_missing is 'none' in '{Q}' but 'ballots' in its "
        "choice columns [conflicting-answers]",
        f"{ws}/kobo.csv:5:3 practice.materials_missing is '' in '{Q}' but 'seals' in its "
        "choice columns [conflicting-answers]",
    ]
    # Accepted, the refused answers leave the question unanswered at those visits only.
    sites = load_workspace(ws).observations.sites.sort("site")
    assert sites.get_column("practice.materials_missing").to_list() == [
        True,
        None,
        False,
        None,
        True,
        False,
    ]
