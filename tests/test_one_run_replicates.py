"""The sensitivity analysis varies sampling with the replicates of the run that scored."""

from __future__ import annotations

import numpy as np
import pytest

import ovm
import ovm.comparison.sensitivity as sensitivity_module
from ovm.comparison.sensitivity import sensitivity
from ovm.scoring.engine import indicator_replicates, score_with_replicates
from ovm.settings import SensitivitySettings, Settings
from tests.test_sensitivity import _write


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> ovm.Workspace:
    return ovm.load_workspace(_write(tmp_path_factory.mktemp("one") / "ws"))


def test_scoring_keeps_the_replicates_it_draws(workspace: ovm.Workspace) -> None:
    rubric, observations = workspace.rubric, workspace.observations
    scores, kept = score_with_replicates(rubric, observations, seed=3, bootstrap=60)
    assert scores == ovm.score(rubric, observations, seed=3, bootstrap=60)
    again = indicator_replicates(rubric, observations, seed=3, bootstrap=60)
    assert (kept.missions, kept.indicators) == (again.missions, again.indicators)
    assert np.isfinite(kept.values).any()
    np.testing.assert_array_equal(kept.values, again.values)


def test_the_pipeline_scores_once_and_its_analysis_is_unchanged(
    workspace: ovm.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    rubric, observations = workspace.rubric, workspace.observations
    settings = Settings(
        seed=3,
        bootstrap=60,
        sensitivity=SensitivitySettings(runs=40, choices=("weights", "sampling")),
    )
    assert settings.sensitivity is not None
    # Drawn again from the observations, as a caller with only a score set does.
    alone = ovm.score(rubric, observations, seed=3, bootstrap=60)
    redrawn = sensitivity(alone, rubric, settings.sensitivity, seed=3, observations=observations)
    assert redrawn.total_effect["sampling"] > 0

    def second_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the observations were scored a second time")

    monkeypatch.setattr(sensitivity_module, "indicator_replicates", second_run)
    run = ovm.analyse_observations(rubric, observations, settings)
    assert run.alone == alone
    assert run.sensitivity == redrawn
