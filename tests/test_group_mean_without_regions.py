"""`--imputation group_mean` takes each mission's region as its group: when no mission has a
region there is nothing to take a mean over, and the user who asked for imputation is told so,
with the way out, rather than handed the unimputed comparison beside a count of 0."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main

EXAMPLES = Path(__file__).parent.parent / "examples"


def _imputation_lines(
    ws: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, list[str]]:
    code = main(["compare", str(ws), "--imputation", "group_mean", "--format", "csv", *extra])
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line.endswith("[imputation-used]")]


@pytest.fixture
def no_regions(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    missions = ws / "missions.yaml"
    text = missions.read_text(encoding="utf-8")
    missions.write_text(re.sub(r"(?m)^  region: .*\n", "", text), encoding="utf-8")
    return ws


def test_group_mean_without_any_region_warns_with_the_cause_and_the_way_out(
    no_regions: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _imputation_lines(no_regions, capsys) == (
        0,
        [
            "warning: no mission has a region, so no missing value is imputed by group mean: "
            "set `region:` in missions.yaml, or use --imputation mean [imputation-used]"
        ],
    )
    assert _imputation_lines(no_regions, capsys, "--lang", "es") == (
        0,
        [
            "advertencia: ninguna misión tiene región, así que la media del grupo no imputa "
            "ningún valor faltante: ponga `region:` en missions.yaml, o use --imputation mean "
            "[imputation-used]"
        ],
    )


def test_group_mean_with_regions_still_counts_what_it_imputed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    code, lines = _imputation_lines(ws, capsys)
    assert code == 0
    assert len(lines) == 1
    assert re.fullmatch(
        r"(warning|info): \d+ missing values? imputed by group mean \(groups: region\) "
        r"\[imputation-used\]",
        lines[0],
    )
