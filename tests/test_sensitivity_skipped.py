"""A sensitivity analysis asked for and not run is said, on the terminal and in the report.

``ovm report --sensitivity-runs N`` on a rubric whose headline is ``none`` (nothing to rank by)
and on a cohort with a single scored mission: a warning in the report's language on standard
error, and the reason in the report's ranking and methodology, where the analysis would be.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from test_annual_index import HERE, missions

from ovm.cli.app import main
from ovm.i18n import gettext
from tests.examples_said import examples_warned

SKIPPED = {
    "en": "warning: --sensitivity-runs 8: no sensitivity analysis, as the rubric's headline",
    "es": "advertencia: --sensitivity-runs 8: no hay análisis de sensibilidad",
    "fr": "avertissement\u202f: --sensitivity-runs 8\u202f: pas d'analyse de sensibilité",
    "pt": "aviso: --sensitivity-runs 8: sem análise de sensibilidade",
}


def _workspace(root: Path, headline: str, ids: tuple[str, ...]) -> Path:
    root.mkdir()
    rubric = (HERE / "rubric.yaml").read_text(encoding="utf-8")
    (root / "rubric.yaml").write_text(
        rubric.replace("headline: status\n", f"headline: {headline}\n"), encoding="utf-8"
    )
    chosen = [m for m in missions() if m["id"] in ids]
    (root / "missions.yaml").write_text(
        yaml.safe_dump({"missions": chosen}, sort_keys=False), encoding="utf-8"
    )
    (root / "ovm.yaml").write_text("rubric: rubric.yaml\nmissions: missions.yaml\n", "utf-8")
    return root


def _report(ws: Path, out: Path, *extra: str) -> tuple[int, str]:
    err = io.StringIO()
    argv = ["report", str(ws), "--bootstrap", "0", "-o", str(out), *extra]
    with contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_a_rubric_without_overall_gets_a_warning_and_a_note_instead_of_the_analysis(
    tmp_path: Path, lang: str
) -> None:
    ws = _workspace(tmp_path / "ws", "none", ("xaa", "xah", "xad"))
    out = tmp_path / "r.html"
    code, err = _report(ws, out, "--sensitivity-runs", "8", "--lang", lang)
    assert code == 0
    warnings = [line for line in err.splitlines() if "--sensitivity-runs" in line]
    assert len(warnings) == 1 and warnings[0].startswith(SKIPPED[lang]), err
    html = out.read_text("utf-8")
    note = gettext("sensitivity_skipped_no_overall", lang).replace("'", "&#39;")
    # in the ranking, and in the methodology where the analysis' method would be
    assert html.count(note) == 2
    assert 'id="sensitivity-method"' in html


def test_a_cohort_with_one_overall_says_there_is_nothing_to_rank(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws", "status", ("xaa",))
    code, err = _report(ws, tmp_path / "r.html", "--sensitivity-runs", "8", "-q")
    assert code == 0
    assert err == (
        "warning: --sensitivity-runs 8: no sensitivity analysis, as fewer than two missions "
        "have an overall score to rank\n"
    )
    html = (tmp_path / "r.html").read_text("utf-8")
    assert html.count(gettext("sensitivity_skipped_too_few_scored", "en")) == 2


def test_no_warning_when_the_analysis_runs_or_was_not_asked_for(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws", "status", ("xaa", "xah", "xad"))
    for extra in (("--sensitivity-runs", "8"), ()):
        code, err = _report(ws, tmp_path / "r.html", "-q", *extra)
        assert (code, err) == (0, "")
        html = (tmp_path / "r.html").read_text("utf-8")
        assert "sensitivity-method" in html or not extra
        assert gettext("sensitivity_skipped_no_overall", "en") not in html
    shutil.rmtree(ws)


def test_a_report_of_one_mission_by_default_says_why_without_claiming_it_was_asked_for(
    tmp_path: Path,
) -> None:
    # ovm report runs the analysis by default: a one-mission cohort made without the option
    # gets no warning, and its note says what happened, not that the user asked for it.
    ws = _workspace(tmp_path / "ws", "status", ("xaa",))
    code, err = _report(ws, tmp_path / "r.html", "-q")
    assert (code, err) == (0, "")
    html = (tmp_path / "r.html").read_text("utf-8")
    note = "No sensitivity analysis was run: fewer than two missions have an overall score to rank."
    assert html.count(note) == 2


EXAMPLES = Path(__file__).parent.parent / "examples"
DEPARTURES = [
    (["--imputation", "mean"], "--imputation"),
    (["--aggregation", "overall=minimum"], "--aggregation"),
    (["--aggregation", "rights=geometric"], "--aggregation"),
    (["--imputation", "mean", "--normalisation", "rank"], "--imputation"),
]


@pytest.mark.parametrize(("options", "named"), DEPARTURES)
def test_a_comparison_that_departs_from_the_rubric_gets_no_contradicting_rank_intervals(
    tmp_path: Path, options: list[str], named: str
) -> None:
    # The runs vary the rubric's own methodology: around an imputed, re-aggregated or
    # normalised ranking their intervals contradicted the ranks printed beside them.
    out = tmp_path / "r.html"
    code, err = _report(EXAMPLES, out, *options, "-q")
    # No warning of the analysis left out: the examples' own two warnings alone.
    assert (code, err) == (0, f"{examples_warned(EXAMPLES)}\n")
    note = gettext("sensitivity_skipped_comparison_settings", "en", options=named)
    html = out.read_text("utf-8")
    assert html.count(note.replace("'", "&#39;")) == 2
    assert "rank interval" not in html.lower()
    code, err = _report(EXAMPLES, out, *options, "--sensitivity-runs", "8", "--lang", "es")
    assert code == 0
    assert (
        "advertencia: --sensitivity-runs 8: no hay análisis de sensibilidad, pues varía la "
        f"metodología propia de la rúbrica y no modela {named}\n"
    ) in err
    err_io = io.StringIO()
    with contextlib.redirect_stderr(err_io):
        code = main(["sensitivity", str(EXAMPLES), "--runs", "8", "-q", *options])
    assert (code, err_io.getvalue()) == (
        2,
        f"{examples_warned(EXAMPLES)}\n"
        "ovm: the sensitivity analysis varies the rubric's own methodology and does not model "
        f"{named}: run it without\n",
    )


def test_the_library_refuses_a_sensitivity_analysis_around_a_departing_comparison() -> None:
    import ovm
    from ovm.settings import ComparisonSettings, SensitivitySettings, Settings

    ws = ovm.load_workspace(EXAMPLES)
    settings = Settings(
        bootstrap=0,
        comparison=ComparisonSettings(imputation="mean"),
        sensitivity=SensitivitySettings(runs=8),
    )
    run = ovm.analyse(ws, settings)
    assert (run.sensitivity, run.sensitivity_skipped) == (None, "comparison_settings")
    with pytest.raises(ValueError, match="do not reproduce the comparison's imputation"):
        ovm.sensitivity(
            run.alone, ws.rubric, SensitivitySettings(runs=8), comparison=run.comparison
        )
    # The rubric's own methodology is analysed as before.
    plain = ovm.analyse(ws, settings.model_copy(update={"comparison": ComparisonSettings()}))
    assert plain.sensitivity is not None and plain.sensitivity_skipped is None


@pytest.mark.parametrize(
    ("options", "first"),
    [
        (["--normalisation", "minmax"], {"normalisation": "minmax", "aggregation": "rubric"}),
        (["--aggregation", "*=geometric"], {"normalisation": "none", "aggregation": "geometric"}),
    ],
)
def test_the_runs_start_from_the_normalisation_and_aggregation_the_comparison_uses(
    tmp_path: Path, options: list[str], first: dict[str, str]
) -> None:
    out = tmp_path / "s.json"
    argv = ["sensitivity", str(EXAMPLES), "--runs", "40", "-q", "-o", str(out), *options]
    assert main(argv) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {k: v[0] for k, v in data["alternatives"].items() if k in first} == first
    compared = tmp_path / "c.json"
    assert main(["compare", str(EXAMPLES), "-q", "-o", str(compared), *options]) == 0
    ranking = json.loads(compared.read_text(encoding="utf-8"))["rankings"]["overall"]
    assert {r["mission"]: r["nominal"] for r in data["ranks"]} == {
        e["mission"]: e["rank"] for e in ranking
    }
