"""Under a geometric (or harmonic) mean a score of 0 leaves a mission's overall undefined: the
report's ranking says why beside the mission ("— undefined" with a coverage of 90 % said
nothing), in the report's language, naming the group whose mean it undid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovm import i18n
from ovm.cli.app import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_ranking_says_why_an_overall_is_undefined(tmp_path: Path, lang: str) -> None:
    rows = {}
    for fmt in ("json", "html"):
        out = tmp_path / f"geo.{fmt}"
        argv = ["report", str(EXAMPLES), "-q", "--sensitivity-runs", "0", "--bootstrap", "0"]
        argv += ["--aggregation", "geometric", "--lang", lang, "-o", str(out)]
        assert main(argv) == 0
        rows[fmt] = out.read_text(encoding="utf-8")
    report = json.loads(rows["json"])
    labels = {c["id"]: c["label"]["text"] for c in report["heatmap"]["columns"]}
    mean = i18n.gettext("agg_geometric", lang)
    undefined = [r for r in report["ranking"]["rows"] if r["score"]["status"] == "undefined"]
    assert len(undefined) >= 5
    for r in report["ranking"]["rows"]:
        if r["score"]["status"] != "undefined":
            assert "why" not in r
            continue
        said = [
            i18n.gettext("overall_undefined_why", lang, group=label, mean=mean)
            for label in labels.values()
        ]
        assert r["why"] in said, r["why"]
        assert r["why"] in rows["html"]
    # The default aggregation leaves no overall undefined: no reason, nothing added.
    plain = tmp_path / "plain.json"
    argv = ["report", str(EXAMPLES), "-q", "--sensitivity-runs", "0", "--bootstrap", "0"]
    assert main([*argv, "-o", str(plain)]) == 0
    assert all("why" not in r for r in json.loads(plain.read_text("utf-8"))["ranking"]["rows"])
