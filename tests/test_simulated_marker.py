"""Every output built from simulated observer data says so (README), not only ``ovm score``'s:
the rankings of ``ovm compare`` (CSV, Parquet, its summary), ``ovm sensitivity``,
``ovm whatif`` and ``ovm recommend``, text and JSON. And the score and ranking tables mean the
same by the same column name in CSV and Parquet (``band`` the band's number, ``band_label`` its
label)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from ovm.cli.app import main

MINI = Path(__file__).resolve().parent / "data" / "mini"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MARK = "(includes SIMULATED observer data)"
LINE = "Includes SIMULATED observer data: these results were not observed."


def _mini(root: Path, *, simulated: bool) -> Path:
    shutil.copytree(MINI, root)
    if not simulated:
        config = root / "ovm.yaml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("    simulated: true\n", ""), encoding="utf-8")
    return root


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("simulated", [True, False])
def test_compare_and_whatif_say_when_they_rest_on_simulated_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], simulated: bool
) -> None:
    ws = _mini(tmp_path / "ws", simulated=simulated)
    assert main(["compare", str(ws), "--format", "csv", "-o", str(tmp_path / "c.csv")]) == 0
    assert (MARK in capsys.readouterr().err) is simulated
    rows = _csv(tmp_path / "c.csv")
    assert {r["simulated"] for r in rows} == {"yes" if simulated else "no"}
    assert main(["compare", str(ws), "-q", "-o", str(tmp_path / "c.parquet")]) == 0
    frame = pl.read_parquet(tmp_path / "c.parquet")
    assert set(frame["simulated"].to_list()) == {simulated}

    assert main(["recommend", str(ws), "--mission", "aaa-2020", "-q"]) == 0
    assert capsys.readouterr().out.endswith(("\n" + LINE + "\n") if simulated else "\n")
    assert main(["recommend", str(ws), "--mission", "aaa-2020", "-q", "--format", "json"]) == 0
    recommended = json.loads(capsys.readouterr().out)["simulated_sources"]
    assert recommended == ([str(ws / "checklists.csv")] if simulated else [])
    assert main(["whatif", str(ws), "--mission", "aaa-2020", "-q"]) == 0
    assert (LINE in capsys.readouterr().out) is simulated
    assert main(["whatif", str(ws), "--mission", "aaa-2020", "-q", "--lang", "es"]) == 0
    assert ("datos de observación SIMULADOS" in capsys.readouterr().out) is simulated
    assert main(["whatif", str(ws), "--mission", "aaa-2020", "-q", "--format", "json"]) == 0
    sources = json.loads(capsys.readouterr().out)["simulated_sources"]
    assert sources == ([str(ws / "checklists.csv")] if simulated else [])


def test_sensitivity_says_it_rests_on_simulated_data(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["sensitivity", str(EXAMPLES), "-q", "--runs", "8", "--bootstrap", "0"]
    assert main(args) == 0
    assert capsys.readouterr().out.endswith(LINE + "\n")
    assert main([*args, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["simulated_sources"] == [
        str(EXAMPLES / "checklists.csv")
    ]


@pytest.mark.parametrize("command", ["score", "compare"])
def test_a_column_means_the_same_in_csv_and_parquet(tmp_path: Path, command: str) -> None:
    ws = _mini(tmp_path / "ws", simulated=True)
    assert main([command, str(ws), "-q", "-o", str(tmp_path / "t.csv")]) == 0
    assert main([command, str(ws), "-q", "-o", str(tmp_path / "t.parquet")]) == 0
    rows = _csv(tmp_path / "t.csv")
    frame = pl.read_parquet(tmp_path / "t.parquet")
    # The CSV's value holds the frame's value and value_text alike: one cell, number or text.
    assert list(rows[0]) == [c for c in frame.columns if c != "value_text"]
    assert any(r["band_label"] for r in rows)
    for row, record in zip(rows, frame.to_dicts(), strict=True):
        assert row["band"] == ("" if record["band"] is None else str(record["band"]))
        assert row["band_label"] == (record["band_label"] or "")
        assert row["simulated"] == ("yes" if record["simulated"] else "no")
