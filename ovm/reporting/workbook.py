"""A report as a workbook an analyst can sort, filter and compute with.

Every sheet is one table: a bold, frozen header row, an autofilter, columns as wide as their
content. Numbers are stored exactly as the run computed them (a score of 62.4375 stays
62.4375) and shown through number formats: scores with one decimal, ranks as integers, shares
as percentages. Score cells carry the report's band colours as conditional formatting, so a
value typed over keeps its colour right. A score whose band a critical indicator holds at the
lowest (see :mod:`ovm.scoring.critical`) is the exception: no range of numbers gives its band,
so its cell is filled with that band's colour outright, as the band column beside it says.
Sheet names stay the same in every language (scripts find them); headers follow the report's
language. Text that a spreadsheet would run as a formula is stored as text under the
quote-prefix style (:func:`ovm.reporting.tables.sheet_text`);
the workbook holds no formula of its own apart from the conditional formats' comparisons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ovm.i18n import Translator, translator

SCORE = "0.0"
"""Scores, interval bounds and points: one decimal shown, the exact value kept."""
GAIN = "0.00"
INDEX = "0.00"
RANK = "0"
PERCENT = "0%"
SHARE = "0.0%"
"""A node's share of a score: one decimal, as the reports print it."""
DATE = "yyyy-mm-dd"
RANK_MEDIAN = "0.0"

TONE_FILLS = ("F6B5A8", "F9CF9F", "FDE9A9", "E1F0C4", "BFE3D6", "B3D6EE")
"""The band palette of ``report.css`` (``tone-0`` worst .. ``tone-5`` best)."""

MIN_WIDTH, MAX_WIDTH = 6, 60
"""Column widths in characters: at least a short number, at most a readable line."""


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header, its number format, and whether it holds scores of
    ``node`` (a node id, or a function of the row giving it) to colour by band."""

    header: str
    number_format: str | None = None
    scores_of: str | Callable[[Sequence[Any]], str] | None = None


@dataclass(frozen=True)
class Held:
    """A score whose band is not the one its range gives (a critical indicator caps it): its
    cell is filled with the colour of ``tone`` (the band's, ``tone-0``...), not by the
    column's conditional formats."""

    value: Any
    tone: str
    number_format: str | None = None
    """The cell's own number format where the column's would show another figure."""


@dataclass(frozen=True)
class Formatted:
    """A number with the number format it is shown in: in a sheet of free rows, or a score
    whose report text has more decimals than its column shows."""

    value: float
    number_format: str


def _decimals(text: str) -> int:
    """The decimals of a score's text (one at least, as the report writes scores): the
    digits after its last other character, the decimal separator in every language."""
    i = len(text)
    while i > 0 and text[i - 1].isdigit():
        i -= 1
    return len(text) - i


def scored(value: Any, text: str | None) -> Any:
    """A score as a sheet stores it: the value, or a :class:`Formatted` one whose number
    format shows as many decimals as the report's ``text`` where that has more than the
    column's one (39.96 below a band starting at 40: one decimal would show 40.0, the next
    band's figure)."""
    # A text of one decimal has a separator just before its last digit: most cells stop here.
    if text is None or len(text) < 3 or not text[-2].isdigit() or value is None:
        return value
    return Formatted(value, "0." + "0" * _decimals(text))


def held(cell: Mapping[str, Any], text: str = "text") -> Any:
    """A report's score cell as a sheet stores its score: the value (see :func:`scored`; the
    cell's text under ``text``), or a :class:`Held` one when the report marks its band
    capped."""
    value = scored(cell["value"], cell.get(text))
    if "cap" in cell:
        if isinstance(value, Formatted):
            return Held(value.value, str(cell["tone"]), value.number_format)
        return Held(value, str(cell["tone"]))
    return value


def _fill(tone: str) -> Any:
    """The solid fill of a band's tone (``tone-0``...); None for ``tone-none``."""
    from openpyxl.styles import PatternFill

    if tone == "tone-none":
        return None
    colour = TONE_FILLS[int(tone.rsplit("-", 1)[-1])]
    return PatternFill(start_color=colour, end_color=colour, fill_type="solid")


def _text(x: Any) -> Any:
    """A label's text (``{text, lang, fallback}``), anything else as is."""
    if isinstance(x, Mapping) and "text" in x:
        return x["text"]
    return x


def _date(text: str | None) -> dt.date | str | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def _append(ws: Any, row: Sequence[Any]) -> list[Any]:
    """Append a row to a sheet; text a spreadsheet would run as a formula is stored as text
    under the quote-prefix style, as typed. The values appended."""
    from openpyxl.cell import Cell

    from ovm.reporting.tables import sheet_text

    read = [sheet_text(v) for v in row]
    values = [v for v, _ in read]
    cells: list[Any] = []
    for value, formula_like in read:
        if formula_like:
            # Made before the row is appended (finding its row afterwards scans the sheet);
            # openpyxl takes text starting with "=" for a formula: text it is.
            cell = Cell(ws, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            cells.append(cell)
        else:
            cells.append(value)
    ws.append(cells)
    return values


def _shown(value: Any, number_format: str | None) -> str:
    """Roughly what a spreadsheet shows for a cell, to size its column."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "FALSE"
    if isinstance(value, dt.date):
        return "2000-01-01"
    if isinstance(value, int | float):
        if number_format == PERCENT:
            return f"{100 * value:.0f}%"
        if number_format in (SCORE, RANK_MEDIAN):
            return f"{value:.1f}"
        if number_format in (GAIN, INDEX):
            return f"{value:.2f}"
        if number_format is not None and number_format.rstrip("0") == "0.":
            return f"{value:.{len(number_format) - 2}f}"
        return f"{value:.0f}" if float(value).is_integer() else f"{value:.4g}"
    return max(str(value).split("\n"), key=len)


class _Book:
    """The workbook being written, with the report's band thresholds."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        from openpyxl import Workbook

        self.wb = Workbook()
        self.first = True
        self.bands: list[Mapping[str, Any]] = list(context.get("bands", []))
        self.node_bands: Mapping[str, list[Mapping[str, Any]]] = context.get("node_bands", {})
        scale = context.get("scale")
        # Under z-scores or ranks only these nodes keep the 0-100 scores the bands are for.
        self.banded: frozenset[str] | None = None if scale is None else frozenset(scale["kept"])

    def _sheet(self, title: str) -> Any:
        ws = self.wb.active if self.first else self.wb.create_sheet()
        self.first = False
        ws.title = title
        return ws

    def table(self, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> None:
        """A sheet holding one table, header frozen, filtered, band-coloured where it scores."""
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        ws = self._sheet(title)
        _append(ws, [c.header for c in columns])
        bold = Font(bold=True)
        for cell in ws[1]:
            cell.font = bold
        widths = [len(c.header) + 2 for c in columns]  # room for the filter button
        # rows of each band scale per column: contiguous runs become one range of a rule
        coloured: dict[tuple[int, str], list[int]] = {}
        n = 1
        # score cells whose band a critical indicator holds: (row, column, tone), filled outright
        fixed: list[tuple[int, int, str]] = []
        scoring = [j for j, c in enumerate(columns) if c.scores_of is not None]
        for row in rows:
            n += 1
            held_here: list[int] = []
            # a score cell's own number format, where its text has more decimals than the column's
            own: dict[int, str] = {}
            wrapped = [j for j in scoring if isinstance(row[j], Held | Formatted)]
            if wrapped:
                row = list(row)
                for j in wrapped:
                    v = row[j]
                    if isinstance(v, Held):
                        held_here.append(j)
                        fixed.append((n, j, v.tone))
                    if v.number_format is not None:
                        own[j] = v.number_format
                    row[j] = v.value
            values = _append(ws, [_text(v) for v in row])
            for j, (col, value) in enumerate(zip(columns, values, strict=True)):
                if col.number_format is not None and isinstance(value, int | float | dt.date):
                    ws.cell(row=n, column=j + 1).number_format = own.get(j, col.number_format)
                widths[j] = max(widths[j], len(_shown(value, own.get(j, col.number_format))))
                if col.scores_of is not None and j not in held_here:
                    node = col.scores_of if isinstance(col.scores_of, str) else col.scores_of(row)
                    scale = node if node in self.node_bands else ""
                    if self.banded is None or scale or node in self.banded:
                        coloured.setdefault((j, scale), []).append(n)
        for j, w in enumerate(widths):
            ws.column_dimensions[get_column_letter(j + 1)].width = min(
                MAX_WIDTH, max(MIN_WIDTH, w + 1)
            )
        ws.freeze_panes = "A2"
        if n > 1:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n}"
        for (j, scale), rownums in sorted(coloured.items()):
            self._colour(ws, get_column_letter(j + 1), rownums, scale)
        for r, j, tone in fixed:
            fill = _fill(tone)
            if fill is not None:
                ws.cell(row=r, column=j + 1).fill = fill

    def _colour(self, ws: Any, letter: str, rownums: list[int], scale: str) -> None:
        """Band fills on the score cells of a column: the highest band whose minimum the value
        reaches wins (a band holds its minimum, as the engine's do)."""
        from openpyxl.formatting.rule import CellIsRule

        bands = self.node_bands[scale] if scale else self.bands
        runs: list[tuple[int, int]] = []
        for r in rownums:
            if runs and runs[-1][1] == r - 1:
                runs[-1] = (runs[-1][0], r)
            else:
                runs.append((r, r))
        ref = " ".join(f"{letter}{a}:{letter}{b}" for a, b in runs)
        # A band given by its rating or status alone (an index's "Not free") spans no range of
        # scores a cell rule can test: its cells are left unfilled.
        ranged = [b for b in bands if b["min"] is not None and b["max"] is not None]
        for band in sorted(ranged, key=lambda b: -float(b["min"])):
            fill = _fill(str(band["tone"]))
            if fill is None:
                continue
            ws.conditional_formatting.add(
                ref,
                CellIsRule(
                    operator="between",
                    formula=[repr(float(band["min"])), repr(float(band["max"]))],
                    fill=fill,
                    stopIfTrue=True,
                ),
            )

    def pairs(self, title: str, rows: Iterable[Sequence[Any]], widths: Sequence[int]) -> None:
        """A sheet of free rows (the methodology: settings, the rubric tree, references)."""
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        ws = self._sheet(title)
        bold = Font(bold=True)
        for row in rows:
            _append(ws, [v.value if isinstance(v, Formatted) else _text(v) for v in row])
            if len(row) == 1:
                ws.cell(row=ws.max_row, column=1).font = bold
            for j, v in enumerate(row):
                if isinstance(v, Formatted):
                    ws.cell(row=ws.max_row, column=j + 1).number_format = v.number_format
        for j, w in enumerate(widths):
            ws.column_dimensions[get_column_letter(j + 1)].width = w

    def bytes(self, generator: str) -> bytes:
        from ovm.reporting.tables import workbook_bytes

        self.wb.properties.creator = generator
        stamp = dt.datetime(2000, 1, 1)
        self.wb.properties.created = stamp
        self.wb.properties.modified = stamp
        return workbook_bytes(self.wb)


def _node_of(index: int) -> Callable[[Sequence[Any]], str]:
    return lambda row: str(row[index])


SCORE_FIELDS: tuple[tuple[str, str | None, str], ...] = (
    ("score", SCORE, "value"),
    ("band", None, "band_label"),
    ("status", None, "status_text"),
    ("coverage", PERCENT, "coverage_value"),
    ("xlsx_interval_low", SCORE, "interval_low"),
    ("xlsx_interval_high", SCORE, "interval_high"),
)
"""A score as every sheet shows it: (header msgid, number format, key of the report's score
cell). The first column holds the score itself, coloured by band."""


def _score_columns(
    t: Translator,
    scores_of: str | Callable[[Sequence[Any]], str],
    header: str = "score",
) -> list[Column]:
    """The columns of one score (:data:`SCORE_FIELDS`); ``header`` names the score's own."""
    return [
        Column(t(header if i == 0 else msgid), fmt, scores_of=scores_of if i == 0 else None)
        for i, (msgid, fmt, _) in enumerate(SCORE_FIELDS)
    ]


def _score_cells(cell: Mapping[str, Any]) -> list[Any]:
    """The cells of one score (a report's score cell), in the order of :func:`_score_columns`."""
    return [held(cell), *(cell[key] for _, _, key in SCORE_FIELDS[1:])]


def _recommendation_columns(t: Translator, detail: bool) -> list[Column]:
    columns = [
        Column(t("mission")),
        Column(t("xlsx_order"), RANK),
        Column(t("priority")),
        Column(t("addressee")),
        Column(t("node_id")),
        Column(t("indicator")),
        Column(t("xlsx_gain"), GAIN),
        Column(t("xlsx_gain_on")),
        Column(t("xlsx_gain_note")),
        Column(t("recommendation")),
        Column(t("xlsx_reference")),
        Column(t("evidence")),
    ]
    return [*columns, Column(t("xlsx_detail"))] if detail else columns


def _recommendation_row(
    t: Translator, mission: str, order: int, r: Mapping[str, Any], detail: bool
) -> list[Any]:
    # Only a lead in a good band is a best practice: each reference says which it is.
    reference = ""
    if r["best_practice"]:
        heading = t("best_practice") if r.get("best_is_practice") else t("best_performer")
        reference = f"{heading}{t.colon} {r['best_practice']}"
    row = [
        mission,
        order,
        r["priority_text"],
        r["to_text"],
        r["node"] or "",
        r["node_label"],
        r["gain_value"],
        r["gain_on_text"] or "",
        r.get("gain_note") or "",
        r["text"],
        reference,
        "\n".join(r["evidence"]),
    ]
    # The comparison points at each mission's report; a mission workbook is that report.
    return [*row, r["href"]] if detail else row


def _findings(book: _Book, t: Translator, context: Mapping[str, Any]) -> None:
    book.table(
        "findings",
        [
            Column(t("mission")),
            Column(t("node_id")),
            Column(t("severity")),
            Column(t("code")),
            Column(t("message")),
        ],
        (
            [
                f["mission"]["id"] if f["mission"] else "",
                f["node"] or "",
                f["severity_text"],
                f["code"],
                f["message"],
            ]
            for f in context["quality"]["findings"]
        ),
    )


def _number(text: str) -> int | None:
    """A row or column number as the report writes it (empty where unknown)."""
    return int(text) if text else None


def _data_quality(book: _Book, t: Translator, context: Mapping[str, Any]) -> None:
    """The problems the data-quality section lists, one per row: each reason of a rejected
    row, each rejected cell, each warning of the files read; no sheet when there are none
    (the section then lists none either)."""
    q = context["quality"]
    rows: list[list[Any]] = []
    for r in q["rejected"]:
        for x in r["reasons"]:
            where = [r["file"], _number(r["row"]), None, r["mission"]]
            rows.append([t("rejected_rows"), *where, x["code"], x["message"]])
    for key, heading in (("cells", "rejected_cells"), ("warnings", "load_warnings")):
        part = q.get(key)
        if not part:
            continue
        for x in part["items"]:
            where = [x["file"], _number(x["row"]), _number(x["column"]), x["mission"]]
            rows.append([t(heading), *where, x["code"], x["message"]])
        for more in part["more"]:
            said = t(f"{heading}_more", n=more["count"], code=more["code"])
            rows.append([t(heading), "", None, None, "", more["code"], said])
    if not rows:
        return
    book.table(
        "data quality",
        [
            Column(t("xlsx_section")),
            Column(t("file")),
            Column(t("row"), RANK),
            Column(t("column"), RANK),
            Column(t("mission")),
            Column(t("code")),
            Column(t("message")),
        ],
        rows,
    )


def _methodology(book: _Book, t: Translator, context: Mapping[str, Any]) -> None:
    meth = context["methodology"]
    rb = meth["rubric"]
    info: list[list[Any]] = [
        [t("methodology")],
        [t("rubric_id"), rb["id"]],
        [t("rubric_version"), rb["version"]],
        [t("rubric_sha256"), rb["sha256"]],
        [t("data_sha256"), meth["data_sha256"]],
        [t("seed"), int(meth["seed"])],
        [t("bootstrap"), int(meth["bootstrap"])],
    ]
    sens = context.get("ranking", {}).get("sensitivity")
    if sens is not None:
        info.append([t("xlsx_sensitivity_runs"), int(sens["runs"])])
        info.append([t("xlsx_sensitivity_enough_runs"), bool(sens["enough_runs"])])
        if sens["more_runs"]:
            info.append(["", sens["more_runs"]["text"]])
        # How to read the sheet of indices, estimates beyond 0 and 1 included, as the HTML says.
        info.append(["", t("ranking_explain_index")])
    scale = context.get("scale")
    if scale is not None:
        # what the scores of the other sheets are, as the overview's lead says it
        info.append(
            [
                f"{t('comparison_setting')}{t.colon} {t('setting_normalisation')}",
                f"{scale['lead']} {scale['best_practices']}",
            ]
        )
    lead = context.get("overview_lead")
    if scale is None and lead is not None and lead != t("overview_lead"):
        # an output range: the range the other sheets' scores lie on, as the overview says it
        info.append([f"{t('comparison_setting')}{t.colon} {t('setting_output_range')}", lead])
    if "scale_note" in context:
        info.append(
            [
                f"{t('comparison_setting')}{t.colon} {t('setting_normalisation')}",
                context["scale_note"],
            ]
        )
    if meth["critical_rule"]:
        names = ", ".join(str(_text(c["label"])) for c in meth["critical"])
        info.append([t("critical_indicators"), f"{names}{t.colon} {meth['critical_rule']}"])
    info += [
        [],
        [t("xlsx_rubric_tree")],
        [
            t("node_id"),
            t("indicator"),
            t("kind"),
            t("weight"),
            t("weight_share"),
            t("xlsx_counts"),
            t("xlsx_critical"),
            t("aggregation"),
            t("source"),
            t("formula"),
            t("scoring_rule"),
        ],
    ]
    info += [
        [
            n["id"],
            n["label"],
            n["kind_text"],
            n["weight_value"],
            None if n["share_value"] is None else Formatted(n["share_value"], SHARE),
            n["counts"],
            n["critical"],
            n["aggregation"],
            n["source"],
            n["formula"],
            n["rule"],
        ]
        for n in meth["tree"]
    ]
    info += [[], [t("references")]]
    info += [
        [r["id"], r["title"], r["author"], r["publisher"], r["year"], r["url"]]
        for r in meth["references"]
    ]
    book.pairs("methodology", info, (24, 40, 16, 10, 10, 12, 12, 16, 16, 30, 60))


def comparison_workbook(context: Mapping[str, Any]) -> bytes:
    """The workbook of a comparison context: overview, rankings, indicators, best practices,
    recommendations, sensitivity, trends, findings, methodology."""
    t = translator(str(context.get("lang", "en")))
    book = _Book(context)
    heat = context["heatmap"]
    book.table(
        "overview",
        [
            Column(t("mission")),
            Column(t("mission_name")),
            Column(t("country")),
            Column(t("election_date"), DATE),
            Column(t("simulated")),
        ]
        + [Column(str(_text(c["label"])), SCORE, scores_of=c["id"]) for c in heat["columns"]],
        (
            [
                r["mission"]["id"],
                r["mission"]["name"],
                r["mission"]["country_name"],
                _date(r["mission"]["date"]),
                bool(r["mission"]["simulated"]),
            ]
            + [held(c) for c in r["cells"]]
            for r in heat["rows"]
        ),
    )
    book.table(
        "rankings",
        [
            Column(t("rank"), RANK),
            Column(t("xlsx_tied")),
            Column(t("mission")),
            *_score_columns(t, "overall"),
            Column(t("xlsx_rank_low"), RANK),
            Column(t("xlsx_rank_high"), RANK),
            Column(t("rank_median"), RANK_MEDIAN),
            Column(t("xlsx_rank_shift"), RANK_MEDIAN),
            Column(t("rank_unscored"), PERCENT),
            Column(t("xlsx_not_scored")),
        ],
        (
            [
                r["rank_value"],
                bool(r["tied"]),
                r["mission"]["id"],
                *_score_cells(r["score"]),
                r["rank_low"],
                r["rank_high"],
                r["rank_median_value"],
                r["rank_shift_value"],
                r["unscored_value"],
                ", ".join(r["not_scored"]["ids"]) if r["not_scored"] else None,
            ]
            for r in context["ranking"]["rows"]
        ),
    )

    def indicator_rows() -> Iterable[list[Any]]:
        # node by node (a node's missions together), in the rubric's order
        for sec in context["family_sections"]:
            tables = sec["tables"]
            family = {"id": sec["id"], "label": sec["label"], "is_group": True}
            for i, row in enumerate([family, *(tables[0]["rows"] if tables else [])]):
                for table in tables:
                    cells = table["family_cells"] if i == 0 else table["rows"][i - 1]["cells"]
                    for m, c in zip(table["missions"], cells, strict=True):
                        yield [
                            m["id"],
                            sec["id"],
                            row["id"],
                            row["label"],
                            bool(row["is_group"]),
                            *_score_cells(c),
                        ]

    book.table(
        "indicators",
        [
            Column(t("mission")),
            Column(t("family")),
            Column(t("node_id")),
            Column(t("indicator")),
            Column(t("is_group")),
            *_score_columns(t, _node_of(2)),
        ],
        indicator_rows(),
    )
    book.table(
        "best practices",
        [
            Column(t("family")),
            Column(t("node_id")),
            Column(t("indicator")),
            Column(t("xlsx_best")),
            Column(t("score"), SCORE, scores_of=_node_of(1)),
            Column(t("best_practice")),
            Column(t("xlsx_lead_holds")),
            Column(t("xlsx_runner_up")),
            Column(t("xlsx_weakest")),
            Column(t("xlsx_weakest_score"), SCORE, scores_of=_node_of(1)),
            Column(t("xlsx_why_not")),
        ],
        (
            [
                sec["id"],
                b["id"],
                b["label"],
                ", ".join(m["id"] for m in b["missions"]),
                scored(b["score_value"], b["score"]),
                bool(b["best_practice"]),
                b["lead_holds"],
                b["runner_up"]["id"] if b["runner_up"] else "",
                ", ".join(m["id"] for m in b["weakest"]),
                scored(b["weakest_score_value"], b["weakest_score"]),
                b.get("why_not") or "",
            ]
            for sec in context["family_sections"]
            for b in sec["best"]
        ),
    )
    # A column of links only where the mission reports they point to are written.
    detail = bool(context["mission_reports"])
    book.table(
        "recommendations",
        _recommendation_columns(t, detail=detail),
        (
            _recommendation_row(t, f["mission"]["id"], i + 1, r, detail=detail)
            for f in context["fixes"]
            for i, r in enumerate([*f["items"], *f["rest"]])
        ),
    )
    sens = context["ranking"]["sensitivity"]
    book.table(
        "sensitivity",
        [
            Column(t("xlsx_choice")),
            Column(t("xlsx_first_order"), INDEX),
            Column(t("xlsx_first_order_low"), INDEX),
            Column(t("xlsx_first_order_high"), INDEX),
            Column(t("xlsx_total_effect"), INDEX),
            Column(t("xlsx_total_effect_low"), INDEX),
            Column(t("xlsx_total_effect_high"), INDEX),
        ],
        (
            [
                e["choice"],
                e["first_order_value"],
                *(e["first_order_ci"] or (None, None)),
                e["total_effect_value"],
                *(e["total_effect_ci"] or (None, None)),
            ]
            for e in (sens["effects"] if sens else [])
        ),
    )
    book.table(
        "trends",
        [
            Column(t("country")),
            Column(t("xlsx_country_name")),
            Column(t("mission")),
            Column(t("election_date"), DATE),
            Column(t("score"), SCORE, scores_of="overall"),
        ],
        (
            [
                tr["country"],
                tr["country_name"],
                p["mission"]["id"],
                _date(p["mission"]["date"]),
                held(p, "score"),
            ]
            for tr in context["trends"]
            for p in tr["points"]
        ),
    )
    _findings(book, t, context)
    _data_quality(book, t, context)
    _methodology(book, t, context)
    return book.bytes(str(context.get("generator", "ovm")))


def mission_workbook(context: Mapping[str, Any]) -> bytes:
    """The workbook of a mission context: its scores node by node, what pulled the overall
    down, recommendations, follow-up, findings, observers' notes, methodology."""
    t = translator(str(context.get("lang", "en")))
    book = _Book(context)
    m, overall = context["mission"], context["overall"]
    book.table(
        "overview",
        [
            Column(t("mission")),
            Column(t("mission_name")),
            Column(t("country")),
            Column(t("election_date"), DATE),
            Column(t("simulated")),
            *_score_columns(t, "overall", header="overall"),
            Column(t("rank"), RANK),
            Column(t("xlsx_cohort"), RANK),
            Column(t("xlsx_not_scored")),
        ],
        [
            [
                m["id"],
                m["name"],
                m["country_name"],
                _date(m["date"]),
                bool(m["simulated"]),
                *_score_cells(overall),
                context["rank_value"],
                int(context["summary"]["cohort"]),
                ", ".join(context["rank_not_scored"]["ids"])
                if context["rank_not_scored"]
                else None,
            ]
        ],
    )
    book.table(
        "indicators",
        [
            Column(t("family")),
            Column(t("node_id")),
            Column(t("indicator")),
            Column(t("is_group")),
            Column(t("kind")),
            *_score_columns(t, _node_of(1)),
            Column(t("xlsx_value")),
        ],
        (
            [
                fam["id"],
                it["id"],
                it["label"],
                bool(it["is_group"]),
                it["kind_text"],
                *_score_cells(it["score"]),
                it["value"],
            ]
            for fam in context["families"]
            for it in fam["items"]
        ),
    )
    if context["drags"] is not None:
        # No points of the overall are lost where it has no score, or is a headline node.
        book.table(
            "drags",
            [
                Column(t("node_id")),
                Column(t("indicator")),
                Column(t("family")),
                Column(t("score"), SCORE, scores_of=_node_of(0)),
                Column(t("weight_share"), SHARE),
                Column(t("xlsx_points_lost"), SCORE),
            ],
            (
                [
                    d["id"],
                    d["label"],
                    d["family"],
                    scored(d["score"]["value"], d["score"]["text"]),
                    d["share_value"],
                    d["lost_value"],
                ]
                for d in context["drags"]
            ),
        )
    book.table(
        "recommendations",
        _recommendation_columns(t, detail=False),
        (
            _recommendation_row(t, m["id"], i + 1, r, detail=False)
            for i, r in enumerate(context["recommendations"])
        ),
    )
    book.table(
        "follow-up",
        [
            Column(t("xlsx_recommendation_id")),
            Column(t("addressee")),
            Column(t("status")),
            Column(t("recommendation")),
            Column(t("evidence")),
        ],
        (
            [f["id"], f["to_text"], f["status_text"], f["text"], f["evidence"] or ""]
            for f in context["follow_up"]
        ),
    )
    _findings(book, t, context)
    _data_quality(book, t, context)
    book.table(
        "notes",
        [
            Column(t("xlsx_site")),
            Column(t("xlsx_place")),
            Column(t("xlsx_observer")),
            Column(t("xlsx_visited_at")),
            Column(t("xlsx_note")),
        ],
        (
            [n["site"], n["place"], n["observer"], n["visited_at"], n["text"]]
            for n in context["notes"]
        ),
    )
    _methodology(book, t, context)
    return book.bytes(str(context.get("generator", "ovm")))


def render_workbook(context: Mapping[str, Any]) -> bytes:
    """The workbook of a report context, of either kind."""
    if context.get("kind") == "comparison":
        return comparison_workbook(context)
    if context.get("kind") == "mission":
        return mission_workbook(context)
    raise ValueError(f"unknown report kind {context.get('kind')!r}")
