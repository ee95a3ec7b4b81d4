"""Engine findings read in the report's language."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import ovm
from ovm import i18n
from ovm.reporting.report import report_context

MINI = Path(__file__).parent / "data" / "mini"


def _messages(ctx: object) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []

    def walk(x: object) -> None:
        if isinstance(x, dict):
            if "code" in x and "message" in x and "severity" in x:
                out.append(x)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(ctx)
    return out


def test_engine_findings_are_translated_in_a_spanish_report() -> None:
    ws = ovm.load_workspace(MINI)
    run = ovm.analyse(ws, ovm.Settings(bootstrap=0))
    codes = {f.code for c in run.scores.scorecards for f in c.findings}
    assert {"too-few-answers", "insufficient-coverage", "simulated-data"} <= codes
    ctx = report_context(run, mission="bbb-2021", lang="es")
    found = {
        (m["code"], str(m["message"]["text"]))
        for m in _messages(ctx)  # type: ignore[index]
        if m["code"] in ("too-few-answers", "simulated-data")
    }
    assert (
        "too-few-answers",
        "2 lugares de votación respondieron; se necesitan al menos 3",
    ) in found
    assert (
        "simulated-data",
        "las listas de verificación de esta misión son simuladas, no observadas",
    ) in found
    # Every finding text of the catalogue is translated in every language.
    findings = [k for k in i18n.msgids() if k.startswith("finding_")]
    assert len(findings) > 15
    for lang in i18n.LANGUAGES[1:]:
        assert all(i18n.messages(lang)[k] != i18n.messages("en")[k] for k in findings), lang


def test_a_finding_without_its_parameters_is_shown_as_recorded() -> None:
    ws = ovm.load_workspace(MINI)
    run = ovm.analyse(ws, ovm.Settings(bootstrap=0))
    scores = run.scores
    # As read from a score file written before findings kept their parameters.
    cards = tuple(
        c.model_copy(
            update={"findings": tuple(f.model_copy(update={"params": {}}) for f in c.findings)}
        )
        for c in scores.scorecards
    )
    old = scores.model_copy(update={"scorecards": cards})
    older = dataclasses.replace(run, comparison=run.comparison.model_copy(update={"scores": old}))
    ctx = report_context(older, mission="bbb-2021", lang="es")
    texts = {
        str(m["message"]["text"])
        for m in _messages(ctx)  # type: ignore[index]
        if m["code"] == "too-few-answers"
    }
    assert "2 polling places answered; at least 3 needed" in texts
    assert not any("{" in t for t in texts)
