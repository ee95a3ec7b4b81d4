"""A comparison's output range moves the scores, not the bands: a mission's band, its rating, the
legend, the workbook's colours and the recommendations' gains follow the scores onto the range
asked for (1-10 puts "Good practice" at 8.2-10), so that no mission changes band with it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ovm import ComparisonSettings, Settings, analyse
from ovm.cli.app import main
from ovm.reporting.report import render_html, render_xlsx, report_context
from ovm.reporting.workbook import TONE_FILLS
from ovm.rubric.model import along, default_rubric

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


def _fill_of(sheet: Any, cell: Any) -> str | None:
    """The colour a spreadsheet fills a cell with (RRGGBB): the first of the conditional
    formats over it, by priority, whose range of numbers holds its value, else its own fill."""
    rules = sorted(
        (
            rule
            for fmt in sheet.conditional_formatting
            if cell.coordinate in fmt.sqref
            for rule in fmt.rules
        ),
        key=lambda rule: rule.priority,
    )
    for rule in rules:
        assert rule.operator == "between"
        low, high = (float(f) for f in rule.formula)
        if isinstance(cell.value, int | float) and low <= cell.value <= high:
            return str(rule.dxf.fill.fgColor.rgb)[-6:]
        if rule.stopIfTrue is False:
            continue
    if cell.fill is not None and cell.fill.fill_type == "solid":
        return str(cell.fill.fgColor.rgb)[-6:]
    return None


def _tones(report: dict[str, Any]) -> dict[tuple[str, str], tuple[float, str]]:
    """Each (mission, node)'s score and tone as the report's pages colour it."""
    out: dict[tuple[str, str], tuple[float, str]] = {}

    def put(mission: str, node: str, cell: dict[str, Any]) -> None:
        if cell["value"] is not None:
            got = (cell["value"], cell["tone"])
            assert out.setdefault((mission, node), got) == got

    columns = [c["id"] for c in report["heatmap"]["columns"]]
    for row in report["heatmap"]["rows"]:
        for node, cell in zip(columns, row["cells"], strict=True):
            put(row["mission"]["id"], node, cell)
    for row in report["ranking"]["rows"]:
        put(row["mission"]["id"], "overall", row["score"])
    for section in report["family_sections"]:
        for table in section["tables"]:
            for row in table["rows"]:
                for mission, cell in zip(table["missions"], row["cells"], strict=True):
                    put(mission["id"], row["id"], cell)
    return out


def _workbook_fills(book: Any) -> dict[tuple[str, str, str], tuple[float, str | None]]:
    """Each score cell of the overview, rankings and indicators sheets: (sheet, mission, node)
    -> its value and the colour it is filled with."""
    out: dict[tuple[str, str, str], tuple[float, str | None]] = {}
    for title, node_of in (
        ("overview", None),
        ("rankings", lambda row, head: "overall"),
        ("indicators", lambda row, head: row[head.index("Id")].value),
    ):
        sheet = book[title]
        head = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            mission = row[head.index("Mission")].value
            if title == "overview":
                cells = [
                    (node, row[j]) for j, node in enumerate(head) if j >= head.index("Overall")
                ]
            else:
                cells = [(node_of(row, head), row[head.index("Score")])]
            for node, cell in cells:
                if isinstance(cell.value, int | float):
                    out[(title, mission, str(node))] = (float(cell.value), _fill_of(sheet, cell))
    return out


@pytest.mark.parametrize("method", ["distance_to_best", "minmax", "percentile"])
def test_workbook_fills_every_score_with_the_band_the_pages_give(
    tmp_path: Path, method: str
) -> None:
    # 60 on 0-100 lies on the edge of "Adequate": on 1-10 it is 6.4 (the arithmetic gives
    # 6.3999999999999995), which the pages and the workbook's colours all put in "Adequate".
    args = ["--normalisation", method, "--output-range", "1", "10"]
    for fmt in ("json", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        assert main(["report", str(EXAMPLES), "-q", *args, "-o", str(out)]) == 0
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    tones = _tones(report)
    titles = {
        report["heatmap"]["columns"][j]["label"]["text"]: c["id"]
        for j, c in enumerate(report["heatmap"]["columns"])
    }
    fills = _workbook_fills(book)
    seen, on_edge = 0, 0
    edges = {b["min"] for b in report["bands"]}
    for (title, mission, node), (value, fill) in sorted(fills.items()):
        node = titles.get(node, node)
        value_on_page, tone = tones[(mission, node)]
        # (a workbook keeps 16 significant digits)
        assert value == pytest.approx(value_on_page, rel=1e-15)
        want = None if tone == "tone-none" else TONE_FILLS[int(tone[5:])]
        assert (title, mission, node, value, fill) == (title, mission, node, value, want)
        seen += 1
        on_edge += value in edges
    assert seen > 500
    if method == "distance_to_best":
        assert on_edge >= 7


@settings(max_examples=300, deadline=None)
@given(
    # the bundled rubric's band edges, and any score of six decimals
    score=st.sampled_from([0.0, 40.0, 60.0, 80.0, 100.0])
    | st.integers(0, 100_000_000).map(lambda n: n / 1_000_000),
    low=st.integers(-1000, 1000),
    width=st.integers(1, 1000),
)
def test_a_score_keeps_its_band_at_its_place_on_any_range(
    score: float, low: int, width: int
) -> None:
    # A score of 0-100 (six decimals at most) put on another range keeps its band there, its
    # band edges put there hold it as the legend and the workbook give them, and it comes
    # back to itself.
    rubric = default_rubric()
    span = (float(low), float(low + width))
    placed_on = along(score, (0.0, 100.0), span)
    band = rubric.band_at(None, score)
    assert rubric.band_at(None, placed_on, span) == band
    # as a normalisation's arithmetic puts it there, float residue and all
    raw = (score - 0.0) / 100.0 * width + low
    assert rubric.band_at(None, raw, span) == band
    assert band is not None
    low_edge, high_edge = along(band.low, (0.0, 100.0), span), along(band.high, (0.0, 100.0), span)
    assert low_edge <= placed_on <= high_edge
    assert placed_on < high_edge or band.high == 100.0
    assert along(placed_on, span, (0.0, 100.0)) == pytest.approx(score, abs=1e-6)


def test_a_node_normalised_alone_is_banded_along_the_range_beside_a_legend_on_0_100(
    tmp_path: Path,
) -> None:
    # normalise_nodes puts one family on 1-10 while the overall stays on 0-100: the legend
    # gives each band's edges on both, the family's cells write their band, and the workbook
    # colours the family's scores by the edges along 1-10, as the pages do.
    settings = Settings(
        bootstrap=0,
        comparison=ComparisonSettings(
            normalisation="minmax", normalise_nodes=("rights",), output_range=(1.0, 10.0)
        ),
    )
    context = report_context(analyse(EXAMPLES, settings))
    assert [(b["range"], b["min"], b["max"], b.get("along")) for b in context["bands"]] == [
        ("0–40", 0.0, 40.0, ["1.0–4.6 on the output range 1–10"]),
        ("40–60", 40.0, 60.0, ["4.6–6.4 on the output range 1–10"]),
        ("60–80", 60.0, 80.0, ["6.4–8.2 on the output range 1–10"]),
        ("80–100", 80.0, 100.0, ["8.2–10.0 on the output range 1–10"]),
    ]
    assert context["node_bands"] == {
        "rights": [
            {"min": 1.0, "max": 4.6, "tone": "tone-0"},
            {"min": 4.6, "max": 6.4, "tone": "tone-2"},
            {"min": 6.4, "max": 8.2, "tone": "tone-3"},
            {"min": 8.2, "max": 10.0, "tone": "tone-5"},
        ]
    }
    html = render_html(context)
    assert "(60–80; 6.4–8.2 on the output range 1–10; rating 3)" in html
    named = {
        s["id"]: (
            s["tables"][0]["family_legend_bands"],
            {r["legend_bands"] for r in s["tables"][0]["rows"]},
        )
        for s in context["family_sections"]
    }
    # the family on 1-10 writes its band; its indicators, on 0-100, are named by the legend
    assert named["rights"] == (False, {True})
    assert {k: v for k, v in named.items() if k != "rights"} == {
        k: (True, {True}) for k in named if k != "rights"
    }
    rights = [
        c["value"] for row in context["heatmap"]["rows"] for c in row["cells"][1:2] if c["scored"]
    ]
    assert rights and all(1.0 <= v <= 10.0 for v in rights)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(context)))
    tones = _tones(context)
    titles = {c["label"]["text"]: c["id"] for c in context["heatmap"]["columns"]}
    fills = {
        (mission, titles.get(node, node)): fill
        for (title, mission, node), (_, fill) in _workbook_fills(book).items()
    }
    assert {k: fills[k] for k in tones if k in fills} == {
        k: None if tone == "tone-none" else TONE_FILLS[int(tone[5:])]
        for k, (_, tone) in tones.items()
        if k in fills
    }
    assert sum(node == "rights" for _, node in fills) >= 10


def test_family_kept_on_0_100_beside_a_legend_on_the_range_gets_its_edges(tmp_path: Path) -> None:
    # Family 7 (comparative indicators) keeps its scores on 0-100 while the overall and the
    # other families lie on 1-10: the legend gives each band's edges on 0-100 too, and the
    # overview's lead names both ranges.
    settings = Settings(
        bootstrap=0,
        comparison=ComparisonSettings(normalisation="minmax", output_range=(1.0, 10.0)),
    )
    context = report_context(analyse(EXAMPLES, settings))
    assert [(b["range"], b["min"], b["max"], b.get("along")) for b in context["bands"]] == [
        ("1.0–4.6", 1.0, 4.6, ["0–40 on the scale 0–100"]),
        ("4.6–6.4", 4.6, 6.4, ["40–60 on the scale 0–100"]),
        ("6.4–8.2", 6.4, 8.2, ["60–80 on the scale 0–100"]),
        ("8.2–10.0", 8.2, 10.0, ["80–100 on the scale 0–100"]),
    ]
    kept = next(f for f in default_rubric().families if not f.contributes)
    title = kept.labels["en"]
    assert context["overview_lead"] == (
        "Scores from 1 to 10 (the comparison's output range) of every mission on each family "
        "of indicators. The colour follows the band; the number and the band are always "
        f"written in the cell. Scores of {title}: from 0 to 100."
    )
    html = render_html(context)
    assert "(6.4–8.2; 60–80 on the scale 0–100; rating 3)" in html
    assert "Scores from 1 to 10 (the comparison&#39;s output range)" in html
    assert "Scores from 0 to 100 of every mission" not in html
    # the JSON context the CLI writes says the same
    written = json.loads(_report(tmp_path, "r.json", "--output-range", "1", "10").read_text())
    assert [b.get("along") for b in written["bands"]] == [b["along"] for b in context["bands"]]
    assert written["overview_lead"] == context["overview_lead"]
    # and the workbook's methodology sheet, where the other sheets' scores are said
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(context)))
    said = [
        tuple(v for v in row if v is not None)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        if context["overview_lead"] in row
    ]
    assert said == [("Comparison: output range", context["overview_lead"])]


def test_overview_lead_on_0_100_is_as_before(tmp_path: Path) -> None:
    context = report_context(analyse(EXAMPLES, Settings(bootstrap=0)))
    assert context["overview_lead"] == (
        "Scores from 0 to 100 of every mission on each family of indicators. The colour "
        "follows the band; the number and the band are always written in the cell."
    )
    assert all("along" not in b for b in context["bands"])
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(context)))
    cells = {
        v for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
    }
    assert "Comparison: output range" not in cells


@settings(max_examples=300, deadline=None)
@given(
    score=st.sampled_from([0.0, 40.0, 60.0, 80.0, 100.0])
    | st.integers(0, 100_000_000).map(lambda n: n / 1_000_000),
    low=st.integers(-1000, 1000),
    exponent=st.integers(-12, 6),
    mantissa=st.sampled_from([1.0, 1.7, 3.0, 9.0]),
)
def test_every_band_keeps_its_scores_on_a_range_of_any_width(
    score: float, low: int, exponent: int, mantissa: float
) -> None:
    # A range of width 1e-12 holds the bands as one of width 1e6 does: a score keeps its band,
    # each band's edges put there stay apart (none empty), and they hold the score.
    rubric = default_rubric()
    span = (float(low), float(low) + mantissa * 10.0**exponent)
    band = rubric.band_at(None, score)
    assert band is not None
    placed_on = along(score, (0.0, 100.0), span)
    assert rubric.band_at(None, placed_on, span) == band
    raw = score / 100.0 * (span[1] - span[0]) + span[0]
    assert rubric.band_at(None, raw, span) == band
    edges = [along(e, (0.0, 100.0), span) for e in (0.0, 40.0, 60.0, 80.0, 100.0)]
    assert edges == sorted(set(edges))
    low_edge, high_edge = along(band.low, (0.0, 100.0), span), along(band.high, (0.0, 100.0), span)
    assert low_edge <= placed_on <= high_edge
    assert placed_on < high_edge or band.high == 100.0


def test_a_tiny_output_range_keeps_four_bands_in_the_legend() -> None:
    settings = Settings(
        bootstrap=0,
        comparison=ComparisonSettings(normalisation="minmax", output_range=(0.0, 1e-9)),
    )
    context = report_context(analyse(EXAMPLES, settings))
    assert [(b["min"], b["max"]) for b in context["bands"]] == [
        (0.0, 4e-10),
        (4e-10, 6e-10),
        (6e-10, 8e-10),
        (8e-10, 1e-9),
    ]
    assert len({b["range"] for b in context["bands"]}) == 4
