"""A "change since the previous election" indicator's trace can be recomputed by its reader.

The mission report's annex writes the goalposts that turn the change into a score, names the
family it measures as a label quoted inside the sentence (not capitalised mid-sentence), and
gives the two scores the change is computed from to one precision. mex-2024 of the example
workspace follows mex-2018, so both of its change indicators are measured.
"""

from __future__ import annotations

import re
from pathlib import Path

import html5lib
import pytest

from ovm.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NS = "{http://www.w3.org/1999/xhtml}"

RULES = {
    "en": "change in points on “{label}” since the previous observed election "
    "(-20 scores 0 and 20 scores 100, linear in between)",
    "es": "cambio en puntos de “{label}” desde la elección observada anterior "
    "(-20 puntúa 0 y 20 puntúa 100, lineal entre ambos)",
    "fr": "évolution en points de «\u202f{label}\u202f» depuis l'élection observée précédente "
    "(-20 donne 0 et 20 donne 100, linéaire entre les deux)",
    "pt": "variação em pontos de “{label}” desde a eleição observada anterior "
    "(-20 vale 0 e 20 vale 100, linear entre ambos)",
}


def _text(el: object) -> str:
    return "".join(el.itertext()).strip()  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", sorted(RULES))
def test_change_rule_writes_its_goalposts_and_quotes_the_label(tmp_path: Path, lang: str) -> None:
    out = tmp_path / "m.html"
    args = ["report", str(EXAMPLES), "-q", "--mission", "mex-2024", "--lang", lang]
    assert main([*args, "-o", str(out)]) == 0
    doc = html5lib.parse(out.read_text("utf-8"))
    found = {}
    for details in doc.iter(f"{NS}details"):
        node = details.get("id", "")
        if not node.startswith("node-comparative-change_"):
            continue
        terms = [_text(dt) for dt in details.iter(f"{NS}dt")]
        values = [_text(dd) for dd in details.iter(f"{NS}dd")]
        bold = [_text(b) for b in details.iter(f"{NS}b")]
        score, inputs = bold[0], bold[1:]
        names = [_text(s) for s in details.iter(f"{NS}span") if s.get("class") == "in-name"]
        found[node] = (dict(zip(terms, values, strict=True)), names, inputs, score)
    assert sorted(found) == [
        "node-comparative-change_participation",
        "node-comparative-change_practice",
    ]
    for node, (dl, names, inputs, score) in found.items():
        rule = [v for v in dl.values() if v.startswith(RULES[lang][:8])]
        assert rule == [RULES[lang].format(label=names[0])], node
        assert len(inputs) == 2
        if node.endswith("practice"):
            # mex-2024's practice family is not scored: no change to recompute
            continue
        # the two scores the change is computed from, to the one decimal of every node score
        assert all(re.fullmatch(r"\d+[.,]\d", x) for x in inputs), inputs
        a, b = (float(x.replace(",", ".")) for x in inputs)
        # the value and the goalposts the sentence writes give the score the report shows
        value = float(next(iter(dl.values())).replace(",", "."))
        assert abs(value - (a - b)) <= 0.1 + 1e-9
        recomputed = min(max((value + 20) / 40 * 100, 0.0), 100.0)
        assert score == f"{recomputed:.1f}".replace(".", "." if lang == "en" else ",")
