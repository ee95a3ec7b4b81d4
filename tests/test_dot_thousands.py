"""A number written 12.500 in a column of decimals reads as 12.5, and may be twelve thousand
five hundred as Spanish or Portuguese write it: where no other cell of its column has decimals,
``ovm check`` warns at the cell (the value is kept: 12.500 may be meant), while an ordinary
decimal, a share's 0.125, or a column whose cells have other decimals is read without a word."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovm import load_workspace
from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"
VARIABLES = (
    "  - {name: cost_per_vote, labels: {en: Cost per vote, es: Costo por voto}, unit: USD, "
    "type: number, source: statistics}\n"
    "  - {name: turnout_pct, labels: {en: Turnout, es: Participación}, unit: '%', "
    "type: percent, source: statistics}\n"
)


def _workspace(root: Path, cost: tuple[str, str], turnout: tuple[str, str] = ("", "")) -> Path:
    ws = root / "ws"
    if ws.exists():
        shutil.rmtree(ws)
    shutil.copytree(MINI, ws)
    rubric = ws / "rubric.yaml"
    text = rubric.read_text(encoding="utf-8")
    rubric.write_text(
        text.replace("  - name: turned_away_mean\n", VARIABLES + "  - name: turned_away_mean\n"),
        encoding="utf-8",
    )
    (ws / "statistics.csv").write_text(
        "mission,registered_abroad,votes_abroad,cost_per_vote,turnout_pct\n"
        f"aaa-2020,1000,350,{cost[0]},{turnout[0]}\n"
        f"bbb-2021,2000,,{cost[1]},{turnout[1]}\n",
        encoding="utf-8",
    )
    return ws


def _warned(ws: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> list[str]:
    assert main(["check", str(ws), *extra]) == 0
    err = capsys.readouterr().err.replace(f"{ws}/", "")
    return [line for line in err.splitlines() if "[dot-thousands]" in line]


def test_a_lone_dot_thousands_is_warned_at_its_cell_and_read_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path, ("8", "12.500"))
    assert _warned(ws, capsys) == [
        "statistics.csv:3:4 warning: '12.500' is read as 12.5 with a decimal point: if it means "
        "12500, write the digits together, or grouped by commas [dot-thousands]"
    ]
    assert _warned(ws, capsys, "--lang", "es") == [
        "statistics.csv:3:4 advertencia: “12.500” se lee como 12.5 con punto decimal: si quiere "
        "decir 12500, escriba las cifras juntas (12500) [dot-thousands]"
    ]
    work = load_workspace(ws)
    values = {m.id: m.values["cost_per_vote"].value for m in work.observations.missions}
    assert values == {"aaa-2020": 8.0, "bbb-2021": 12.5}
    assert [
        (Path(i.file).name, i.line, i.column, i.code, i.severity)
        for i in work.observations.report.warnings
        if i.code == "dot-thousands"
    ] == [("statistics.csv", 3, 4, "dot-thousands", "warning")]


@pytest.mark.parametrize(
    ("cost", "turnout"),
    [
        (("0.125", "8"), ("", "")),  # a share's decimals
        (("12.5", "8"), ("", "")),  # an ordinary decimal
        (("12.500", "3.25"), ("", "")),  # the column's other cell has decimals
        (("8", "9"), ("12.500", "")),  # 12500 % was never meant
        (("1200", '"12,500"'), ("", "")),  # thousands grouped by a comma
    ],
)
def test_ordinary_decimals_are_read_without_a_word(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cost: tuple[str, str],
    turnout: tuple[str, str],
) -> None:
    assert _warned(_workspace(tmp_path, cost, turnout), capsys) == []


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.decimals(min_value=0, max_value=999, places=3, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=2),
)
def test_only_three_decimals_after_a_nonzero_whole_part_are_warned(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    x: object,
    cut: int,
) -> None:
    # The same number written with 3, 2 or 1 decimals: only the three-decimal text of a
    # number of at least 1 can be thousands.
    text = f"{x:.3f}"[: len(f"{x:.3f}") - cut].rstrip(".")
    ws = _workspace(tmp_path_factory.mktemp("p"), ("8", text))
    expected = 1 if cut == 0 and not text.startswith("0") else 0
    assert len(_warned(ws, capsys)) == expected
