"""A sentence in Spanish, French or Portuguese names an aggregation method and a node of the
rubric in that language: the method by the catalogue's word for it ("media geométrica
ponderada", not ``geometric``), a family, group or indicator by its label, not by its id.

The findings, notes and warnings keep the ids in their parameters (the scores file and the
JSON outputs are data); each output words them where it says the sentence in its language.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import ovm
from ovm import i18n
from ovm.cli.app import main
from ovm.comparison.sensitivity import SensitivityNote
from ovm.countries import region_name

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TRANSLATED = ("es", "fr", "pt")
CODES = ("[aggregation-undefined]", "[undefined-child]")
METHOD_IDS = ("arithmetic", "geometric", "harmonic", "generalised", "minimum")


@pytest.fixture(scope="module")
def rubric() -> ovm.Rubric:
    return ovm.load_workspace(EXAMPLES).rubric


def _label(rubric: ovm.Rubric, node: str, lang: str) -> str:
    if node == "overall":
        return i18n.gettext("overall", lang)
    return i18n.punctuate(rubric.node(node).labels[lang], lang)


def _ids(rubric: ovm.Rubric) -> re.Pattern[str]:
    """Any node id or aggregation method id, as a word of its own."""
    words = [p.node.id for p in rubric.walk()] + ["overall", *METHOD_IDS]
    return re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, words)) + r")(?![\w.])")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_comparison_names_the_undefined_means_and_their_groups_in_the_language_asked(
    lang: str, rubric: ovm.Rubric, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "c.json"
    argv = ["compare", str(EXAMPLES), "--aggregation", "geometric", "--bootstrap", "0"]
    assert main([*argv, "--lang", lang, "-o", str(out)]) == 0
    said = [line for line in capsys.readouterr().err.splitlines() if line.endswith(CODES)]
    findings = json.loads(out.read_text("utf-8"))["findings"]
    mean = i18n.gettext("agg_geometric", lang)
    expected = []
    for f in findings:
        p = f["params"]
        key = f"finding_{f['code']}_{p['variant']}"
        words = {"group": _label(rubric, p["group"], lang), "n": int(p["n"])}
        if f["code"] == "aggregation-undefined":
            words["method"] = mean
        severity = i18n.gettext(f"severity_{f['severity']}", lang)
        text = i18n.gettext(key, lang, **words)
        expected.append(f"{severity}{i18n.colon(lang)} {text} [{f['node']}] [{f['code']}]")
    assert {f["code"] for f in findings} == {"aggregation-undefined", "undefined-child"}
    assert said == expected


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_report_says_its_findings_without_ids(
    lang: str, rubric: ovm.Rubric, tmp_path: Path
) -> None:
    out = tmp_path / "r.json"
    argv = ["report", str(EXAMPLES), "-q", "--sensitivity-runs", "0", "--bootstrap", "20"]
    assert main([*argv, "--aggregation", "geometric", "--lang", lang, "-o", str(out)]) == 0
    findings = json.loads(out.read_text("utf-8"))["quality"]["findings"]
    worded = {
        f["code"]: f["message"]["text"]
        for f in findings
        if f["code"] in ("aggregation-undefined", "undefined-child", "interval-undefined")
    }
    assert set(worded) == {"aggregation-undefined", "undefined-child", "interval-undefined"}
    ids = _ids(rubric)
    said = [(f["code"], f["message"]["text"]) for f in findings]
    assert [(code, text) for code, text in said if ids.search(text)] == []
    mean = i18n.gettext("agg_geometric", lang)
    assert mean in worded["aggregation-undefined"]
    assert mean in worded["interval-undefined"]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_check_names_what_reads_a_variable_not_given_by_its_label(
    lang: str, rubric: ovm.Rubric, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(EXAMPLES), "--lang", lang]) == 0
    ends = [
        line.rsplit(i18n.colon(lang) + " ", 1)[1]
        for line in capsys.readouterr().err.splitlines()
        if line.endswith("[variable-not-given]")
    ]
    assert ends == [
        f"{_label(rubric, 'participation.trust_emb', lang)} [variable-not-given]",
        f"{_label(rubric, 'comparative.followup', lang)} [variable-not-given]",
    ]


def test_english_check_and_comparison_keep_the_ids_they_record(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", str(EXAMPLES)]) == 0
    said = capsys.readouterr().err
    assert "so what reads it is missing for every mission: participation.trust_emb [" in said


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_sensitivity_notes_name_the_nodes_they_are_about_by_label(
    lang: str, rubric: ovm.Rubric
) -> None:
    name = rubric.namer(lang)
    readers = SensitivityNote(
        code="formula_readers", params={"nodes": "participation.trust_emb, legal.basis"}
    )
    headline = SensitivityNote(code="headline", params={"variant": "lowest", "node": "legal"})
    trust, basis, legal = (
        _label(rubric, n, lang) for n in ("participation.trust_emb", "legal.basis", "legal")
    )
    assert readers.text(lang, name) == i18n.gettext(
        "sens_note_formula_readers", lang, nodes=f"{trust}, {basis}"
    )
    assert headline.text(lang, name) == i18n.gettext("sens_note_headline_lowest", lang, node=legal)
    # Without names (the English notes of the JSON outputs) the ids stay as recorded.
    assert readers.text("en") == i18n.gettext(
        "sens_note_formula_readers", "en", nodes="participation.trust_emb, legal.basis"
    )


@pytest.mark.parametrize("lang", ["en", *TRANSLATED])
def test_a_generalised_mean_is_named_with_its_exponent_in_the_language(lang: str) -> None:
    word = i18n.gettext("agg_generalised", lang)
    sep = i18n.decimal_separator(lang)
    assert i18n.method_words("generalised (p=-0.5)", lang) == f"{word} (p = -0{sep}5)"
    assert i18n.method_words("minmax", lang) == i18n.gettext("norm_minmax", lang)
    assert i18n.method_words("nope", lang) == "nope"


@pytest.mark.parametrize("lang", ["en", *TRANSLATED])
def test_an_imputation_names_its_group_of_missions_as_readers_know_it(
    lang: str, tmp_path: Path
) -> None:
    out = tmp_path / "r.json"
    argv = ["report", str(EXAMPLES), "-q", "--sensitivity-runs", "0", "--bootstrap", "0"]
    assert main([*argv, "--imputation", "group_mean", "--lang", lang, "-o", str(out)]) == 0
    said = [
        f["message"]["text"]
        for f in json.loads(out.read_text("utf-8"))["quality"]["findings"]
        if f["code"] == "imputed-value"
    ]
    assert said
    assert not [s for s in said if "south-america" in s or "central-america" in s]
    assert any(region_name("south-america", lang) in s for s in said)
