"""A mission page explains a group aggregated by a generalised mean with its exponent, in the
report's language (it used to stop ``ovm report --with-missions`` with a traceback)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "generalised mean (p = -1)"), ("es", "media generalizada (p = -1)")]
)
def test_a_generalised_mean_is_explained_with_its_exponent(
    tmp_path: Path, lang: str, said: str
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    rubric = ws / "rubric.yaml"
    text = rubric.read_text(encoding="utf-8")
    old = "    labels: {en: Practice, es: Práctica}\n    weight: 2\n"
    assert old in text
    rubric.write_text(
        text.replace(old, old + "    aggregation: generalised\n    power: -1\n", 1),
        encoding="utf-8",
    )
    out = tmp_path / "out" / "r.html"
    out.parent.mkdir()
    argv = ["report", str(ws), "--with-missions", "--bootstrap", "0", "-q", "--lang", lang]
    assert main([*argv, "-o", str(out)]) == 0
    page = (out.parent / "mission-aaa-2020.html").read_text(encoding="utf-8")
    assert said in page
