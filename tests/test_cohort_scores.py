"""The scorecards after the cohort step are one answer: ``cohort_scores`` (what ``ovm score``
writes) gives exactly the ``scores`` of ``compare`` with the same arguments, and ``ovm score``
writes exactly the scores of a full analysis."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ovm.comparison.cohort import cohort_scores, compare
from ovm.data.observations import Observations
from ovm.data.workspace import load_workspace
from ovm.pipeline import analyse
from ovm.rubric.model import Rubric
from ovm.scoring.engine import score
from ovm.scoring.results import ScoreSet
from ovm.settings import IMPUTATIONS, NORMALISATIONS, ComparisonSettings

Scored = tuple[Rubric, Observations, ScoreSet]
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def scored() -> Scored:
    ws = load_workspace(EXAMPLES)
    return ws.rubric, ws.observations, score(ws.rubric, ws.observations)


@pytest.mark.parametrize("imputation", IMPUTATIONS)
@pytest.mark.parametrize("normalisation", NORMALISATIONS)
def test_cohort_scores_are_the_comparisons_scores(
    scored: Scored, normalisation: str, imputation: str
) -> None:
    rubric, observations, alone = scored
    settings = ComparisonSettings.model_validate(
        {"normalisation": normalisation, "imputation": imputation}
    )
    got = cohort_scores(alone, rubric, settings, observations=observations)
    want = compare(alone, rubric, settings, observations=observations).scores
    assert got == want
    assert got.to_json() == want.to_json()


def test_cohort_scores_refuse_what_compare_refuses(scored: Scored) -> None:
    rubric, observations, alone = scored
    settings = ComparisonSettings.model_validate({"normalise_nodes": ["no-such-node"]})
    with pytest.raises(ValueError) as refused:
        compare(alone, rubric, settings, observations=observations)
    with pytest.raises(ValueError) as also:
        cohort_scores(alone, rubric, settings, observations=observations)
    assert str(also.value) == str(refused.value)


def test_ovm_score_writes_the_analysis_scores(tmp_path: Path) -> None:
    out = tmp_path / "scores.json"
    subprocess.run(
        [sys.executable, "-m", "ovm", "score", str(EXAMPLES), "-q", "-o", str(out)],
        check=True,
        timeout=300,
    )
    want = analyse(EXAMPLES).scores.to_json()
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(want)
    assert out.read_text(encoding="utf-8") == want
