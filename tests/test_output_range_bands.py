"""A comparison's output range moves the scores, not the bands: a mission's band, its rating, the
legend, the workbook's colours and the recommendations' gains follow the scores onto the range
asked for (1-10 puts "Good practice" at 8.2-10), so that no mission changes band with it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from ovm.cli.app import main

EXAMPLES = Path(__file__).parent.parent / "examples"
MINMAX = ["--normalisation", "minmax"]


def _scores(
    capsys: pytest.CaptureFixture[str], *extra: str
) -> dict[tuple[str, str], dict[str, str]]:
    assert main(["score", str(EXAMPLES), "--format", "csv", "-q", *MINMAX, *extra]) == 0
    rows = csv.DictReader(io.StringIO(capsys.readouterr().out))
    return {(r["mission"], r["node"]): r for r in rows}


@pytest.mark.parametrize("span", [("1", "10"), ("-3", "7")])
def test_every_node_keeps_its_band_on_another_output_range(
    capsys: pytest.CaptureFixture[str], span: tuple[str, str]
) -> None:
    plain = _scores(capsys)
    ranged = _scores(capsys, "--output-range", *span)
    kept = {k: (r["status"], r["band"], r["band_label"], r["rating"]) for k, r in plain.items()}
    moved = {k: (r["status"], r["band"], r["band_label"], r["rating"]) for k, r in ranged.items()}
    assert moved == kept
    # The scores did move: the bands were read at their place along the range.
    lo, hi = float(span[0]), float(span[1])
    overall = {m: r for (m, n), r in ranged.items() if n == "overall" and r["status"] == "scored"}
    assert overall
    for mission, r in overall.items():
        before = float(plain[(mission, "overall")]["score"])
        assert float(r["score"]) == pytest.approx(lo + before / 100 * (hi - lo))
    assert {r["band_label"] for r in overall.values()} != {"Serious shortcomings"}


def _report(tmp_path: Path, name: str, *extra: str) -> Path:
    out = tmp_path / name
    assert main(["report", str(EXAMPLES), "-q", *MINMAX, *extra, "-o", str(out)]) == 0
    return out


def test_report_legend_ranking_and_gains_follow_the_output_range(tmp_path: Path) -> None:
    plain = json.loads(_report(tmp_path, "plain.json").read_text("utf-8"))
    ranged = json.loads(_report(tmp_path, "ranged.json", "--output-range", "1", "10").read_text())
    assert [(b["range"], b["min"], b["max"]) for b in ranged["bands"]] == [
        ("1.0–4.6", 1.0, 4.6),
        ("4.6–6.4", 4.6, 6.4),
        ("6.4–8.2", 6.4, 8.2),
        ("8.2–10.0", 8.2, 10.0),
    ]

    def ranking(report: dict[str, object]) -> list[tuple[str, object]]:
        rows = report["ranking"]["rows"]  # type: ignore[index]
        return [(r["mission"]["id"], r["score"].get("band_label")) for r in rows]

    assert ranking(ranged) == ranking(plain)

    def gains(report: dict[str, object]) -> dict[tuple[str, str], float]:
        return {
            (f["mission"]["id"], item["id"]): item["gain_value"]
            for f in report["fixes"]  # type: ignore[attr-defined]
            for item in f["items"]
            if item["gain_on"] == "overall"
        }

    # A gain in overall points is the points to the next band: on 1-10, 9/100 of those on
    # 0-100 (family 7 stays on 0-100, and so do the gains counted there).
    assert gains(plain)
    assert gains(ranged) == {k: pytest.approx(g * 0.09, abs=1e-4) for k, g in gains(plain).items()}


def test_workbook_colours_scores_by_the_bands_along_the_output_range(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_report(tmp_path, "ranged.xlsx", "--output-range", "1", "10"))
    ranges = {
        tuple(rule.formula)
        for sheet in book.worksheets
        for fmt in sheet.conditional_formatting
        for rule in fmt.rules
        if rule.formula
    }
    # (family 7 stays on 0-100: its columns keep the rubric's 0-40...)
    assert {("1.0", "4.6"), ("4.6", "6.4"), ("6.4", "8.2"), ("8.2", "10.0")} <= ranges


def test_a_score_on_the_range_reads_inside_its_band(tmp_path: Path) -> None:
    # 8.1786 on 1-10 is below "Good practice" at 8.2: one decimal would write the next band's
    # figure beside its "Adequate" colour, so it takes the decimals that keep it below.
    ranged = json.loads(_report(tmp_path, "r.json", "--output-range", "1", "10").read_text())
    edges = sorted({b["min"] for b in ranged["bands"]} | {b["max"] for b in ranged["bands"]})
    cells: list[tuple[float, str]] = []

    def walk(x: object) -> None:
        if isinstance(x, dict):
            value, text = x.get("value"), x.get("text")
            if isinstance(value, float) and isinstance(text, str) and x.get("band") is not None:
                cells.append((value, text))
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(ranged)
    # (a place within 1e-9 of an edge is on it, as band_at reads it: 60 on 0-100 is 6.4 on
    # 1-10 even when the arithmetic gives 6.3999999999999995)
    near = [(v, t) for v, t in cells if any(1e-9 < abs(v - e) < 0.05 for e in edges)]
    assert near
    crossed = [(v, t) for v, t in near for e in edges if (v < e) != (float(t.replace(",", "")) < e)]
    assert crossed == []
