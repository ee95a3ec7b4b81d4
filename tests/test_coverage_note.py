"""A mission report's header shows the overall's coverage (the share of the indicators' weight
scored) beside the rule that scores the overall (the share of the families' weight scored): a
coverage of 44 % beside a minimum of 50 % read as a contradiction without it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"


def _coverage(page: str, label: str) -> str:
    found = re.findall(rf"<dt>{label}</dt><dd>(.*?)</dd>", page)
    assert len(found) == 1, found
    return html.unescape(found[0])


@pytest.mark.parametrize(
    ("lang", "label", "said"),
    [
        (
            "en",
            "Coverage",
            '75% <small class="note">(share of all the indicators\' weight that has a '
            "score; the overall score needs 50% of the families' weight scored, a family "
            "counting as scored with only part of its indicators)</small>",
        ),
        (
            "fr",
            "Couverture",
            '75\u00a0% <small class="note">(part du poids de tous les indicateurs qui a une '
            "note\u202f; la note globale demande 50\u00a0% du poids des familles notées, une "
            "famille comptant comme notée avec une partie seulement de ses indicateurs)</small>",
        ),
    ],
)
def test_the_mission_header_says_what_coverage_and_the_minimum_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, label: str, said: str
) -> None:
    out = tmp_path / "m.html"
    assert main(["report", str(MINI), "--mission", "aaa-2020", "-o", str(out), "--lang", lang]) == 0
    capsys.readouterr()
    assert _coverage(out.read_text(encoding="utf-8"), label) == said
