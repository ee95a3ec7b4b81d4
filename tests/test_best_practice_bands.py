"""``--best-practice-bands N``: a best practice needs a score in one of the indicator's N top
bands (2 by default, whatever the number of bands)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovm.cli.app import main
from tests.test_imputed_values import MISSIONS, RUBRIC


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import write_workspace

    return write_workspace(tmp_path_factory.mktemp("bands"), rubric=RUBRIC, missions=MISSIONS)


def _best(workspace: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, object]:
    assert main(["compare", str(workspace), "-q", *extra]) == 0
    got = json.loads(capsys.readouterr().out)
    return {
        node: (lead["missions"], lead["why_not"])
        for node, lead in got["leaders"].items()
        if node in ("legal.a", "rights.f")
    }


def test_the_bands_a_best_practice_needs_are_set_on_the_command_line(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # aaa-2020 leads legal.a with 100 (Strong) and rights.f with 75 (Fair of Weak, Fair, Strong).
    default = _best(workspace, capsys)
    assert default == {"legal.a": (["aaa-2020"], None), "rights.f": (["aaa-2020"], None)}
    assert _best(workspace, capsys, "--best-practice-bands", "2") == default
    assert _best(workspace, capsys, "--best-practice-bands", "1") == {
        "legal.a": (["aaa-2020"], None),
        "rights.f": (["aaa-2020"], "band"),
    }


def test_a_count_of_bands_that_is_no_whole_number_is_wrong_usage(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["compare", str(workspace), "-q", "--best-practice-bands", "top"])
    assert exit_.value.code == 2
    assert "--best-practice-bands: 'top' is not a whole number" in capsys.readouterr().err
