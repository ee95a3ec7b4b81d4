"""Tables never lose or pad a cell in silence."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from ovm.cli.app import main
from ovm.data.tables import ROW, read_table

MINI = Path(__file__).parent / "data" / "mini"


def _issues(path: Path) -> list[tuple[int | None, int | None, str]]:
    return [(i.line, i.column, i.code) for i in read_table(path)[1]]


def test_short_and_long_csv_rows_are_reported_not_padded(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text("mission,a,b\nm1,1,2\nm2,1\nm3,1,2,3\n", encoding="utf-8")
    assert _issues(plain) == [(3, None, "ragged-row"), (4, None, "ragged-row")]
    # Short rows alone: Polars reads the file without complaint, padding them.
    short = tmp_path / "short.csv"
    short.write_text("mission,a,b\nm1,1,2\nm2,1\nm3,,\nm4\n", encoding="utf-8")
    assert _issues(short) == [(3, None, "ragged-row"), (5, None, "ragged-row")]
    # Polars takes one extra empty field on a last line without a line break: its separator
    # must not hide a short row elsewhere.
    for sep, suffix in ((",", "csv"), ("\t", "tsv")):
        hidden = tmp_path / f"hidden.{suffix}"
        hidden.write_text(
            sep.join(["mission", "a", "b"])
            + "\r\n"
            + sep.join(["m1", "1"])
            + "\r\n"
            + sep.join(["m2", "1", "2", ""]),
            encoding="utf-8",
        )
        assert _issues(hidden) == [(2, None, "ragged-row"), (3, None, "ragged-row")]
    # A blank line is a row of empty cells, not a short row, whichever way the file is read;
    # it is no data and left out, the rows after it keeping their numbers.
    blank = tmp_path / "blank.csv"
    blank.write_text("mission,a,b\r\nm1,1,2\r\n\r\nm2,1,2\r\n\r\n", encoding="utf-8")
    assert _issues(blank) == []
    df, _ = read_table(blank)
    assert df is not None and df.select("mission", ROW).rows() == [("m1", 2), ("m2", 4)]
    blank.write_text("mission,a,b\r\nm1,1,2\r\n\r\nm2,1\r\n", encoding="utf-8")
    assert _issues(blank) == [(4, None, "ragged-row")]
    df, _ = read_table(blank)
    assert df is not None and df.rows() == [("m1", "1", "2", 2), ("m2", "1", None, 4)]
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('mission,a,b\n"m1","1, with comma","2"\n"m2","1"\n', encoding="utf-8")
    assert _issues(quoted) == [(3, None, "ragged-row")]
    good = tmp_path / "good.csv"
    good.write_text('\ufeffmission,a,b\n"m1","x, y",2\n', encoding="utf-8")
    df, issues = read_table(good)
    assert issues == []
    assert df is not None and sorted(df.columns) == ["_row", "a", "b", "mission"]
    assert df.select("mission", "a", "b", "_row").rows() == [("m1", "x, y", "2", 2)]


def test_verbatim_columns_of_many_texts_are_read_whole_as_categories(tmp_path: Path) -> None:
    # Answers are a few texts a column; free text in a verbatim column may hold more
    # distinct texts than a byte numbers, and is read as categories all the same.
    path = tmp_path / "many.csv"
    rows = [("m1", "yes" if i % 2 else " No", f"text {i}") for i in range(300)]
    path.write_text(
        "mission,a,b\n" + "".join(",".join(r) + "\n" for r in rows) + "m2,,\n", encoding="utf-8"
    )
    df, issues = read_table(path, verbatim={"a", "b"})
    assert issues == [] and df is not None
    assert [type(df.schema[c]) for c in ("a", "b")] == [pl.Categorical, pl.Categorical]
    got = df.select("mission", pl.col("a", "b").cast(pl.String), "_row").rows()
    assert got == [(*r, i) for i, r in enumerate(rows, start=2)] + [("m2", None, None, 302)]
    # A ragged row is reported as in a file read without verbatim columns.
    path.write_text("mission,a,b\n" + "".join(f"m{i},x{i},y\n" for i in range(300)) + "m,1\n")
    assert [(i.line, i.code) for i in read_table(path, verbatim={"a"})[1]] == [(302, "ragged-row")]


def test_xlsx_value_without_header_is_reported(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["mission", "a"])
    ws.append(["m1", 1])
    ws.append(["m2", 2, None, "stray"])
    wb.save(tmp_path / "t.xlsx")
    assert _issues(tmp_path / "t.xlsx") == [(3, 4, "cell-without-header")]


def test_a_damaged_workbook_is_an_issue(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert _issues(bad) == [(None, None, "unreadable-table")]


def test_blank_cells_beyond_the_header_are_not_values(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["mission", "a"])
    ws.append(["m1", 1, "   "])
    wb.save(tmp_path / "t.xlsx")
    df, issues = read_table(tmp_path / "t.xlsx")
    assert issues == [] and df is not None and df.height == 1


def test_lines_ended_by_a_lone_carriage_return_are_rows(tmp_path: Path) -> None:
    # Excel's "CSV (Macintosh)": Polars reads such a file as one long header line.
    unix = tmp_path / "unix.csv"
    unix.write_text('mission,a,b\nm1,"1, 5",2\nm2,3,\n', encoding="utf-8")
    mac = tmp_path / "mac.csv"
    mac.write_bytes(unix.read_bytes().replace(b"\n", b"\r"))
    (want, _), (got, issues) = read_table(unix), read_table(mac)
    assert issues == [] and want is not None and got is not None
    cols = ["mission", "a", "b", "_row"]
    assert (
        got.select(cols).rows()
        == want.select(cols).rows()
        == [("m1", "1, 5", "2", 2), ("m2", "3", None, 3)]
    )
    mac.write_bytes(b"mission,a,b\rm1,1\rm2,3,4\r")
    assert _issues(mac) == [(2, None, "ragged-row")]


def test_column_names_are_trimmed_as_in_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("mission , a,b\t\nm1,1,2\n", encoding="utf-8")
    df, issues = read_table(path)
    assert issues == [] and df is not None and sorted(df.columns) == ["_row", "a", "b", "mission"]
    path.write_text("mission,a,a \nm1,1,2\n", encoding="utf-8")
    assert _issues(path) == [(1, 3, "duplicate-column")]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
@pytest.mark.parametrize("body", [["m1,1,2", "m2,3,4"], ["m1,1,2", "m2,3"]])
def test_a_column_named_as_the_row_numbers_is_refused_in_every_format(
    tmp_path: Path, suffix: str, body: list[str]
) -> None:
    # Readers number rows in a column of that name: a table's own would be overwritten.
    rows = [["mission", "a", " _row"], *(line.split(",") for line in body)]
    path = tmp_path / f"t{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    elif suffix == ".xlsx":
        wb = Workbook()
        sheet = wb.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        wb.save(path)
    else:
        width = len(rows[0])
        padded = [r + [""] * (width - len(r)) for r in rows[1:]]
        pl.DataFrame({h: [r[j] for r in padded] for j, h in enumerate(rows[0])}).write_parquet(path)
    df, issues = read_table(path)
    assert df is None
    assert [(i.line, i.column, i.code, i.params) for i in issues] == [
        (1, 3, "reserved-column", {"name": "_row"})
    ]


def test_a_file_that_is_not_utf8_is_located_with_what_to_do(tmp_path: Path) -> None:
    # Windows-1252 from an older Excel: the first non-ASCII letter is on line 3.
    path = tmp_path / "cp1252.csv"
    lines = ["mission,site,notes", "m1,s1,ok"] + [f"m1,s{i},fine" for i in range(2, 3000)]
    lines.insert(2, "m1,s9,Bogot\u00e1")
    path.write_bytes("\n".join(lines).encode("cp1252"))
    df, issues = read_table(path)
    assert df is None
    assert [(i.line, i.column, i.code) for i in issues] == [(3, 12, "invalid-encoding")]
    assert "not UTF-8 (byte 0xe1): save the file as 'CSV UTF-8'" in issues[0].message
    header = tmp_path / "header.csv"
    header.write_bytes("misi\u00f3n,a\nm1,1\n".encode("latin-1"))
    assert [(i.line, i.column, i.code) for i in read_table(header)[1]] == [
        (1, 5, "invalid-encoding")
    ]


def test_a_semicolon_separated_csv_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "es.csv"
    path.write_text("mission;registered_abroad;turnout_pct\nm1;12.500;63,1\n", encoding="utf-8")
    df, issues = read_table(path)
    assert df is None and [(i.line, i.column, i.code) for i in issues] == [
        (1, 1, "wrong-separator")
    ]
    assert issues[0].message == (
        "the header is separated by ';' (Excel in a Spanish or European locale): save the file "
        "as XLSX (under that locale Excel writes ';' and decimal commas in its CSV files too)"
    )


def test_a_quote_never_closed_is_refused_at_the_line_it_opens(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text(
        'mission,site,notes\naaa,s1,ok\naaa,s2,"late start\naaa,s3,x\naaa,s4,y\n', encoding="utf-8"
    )
    df, issues = read_table(p)
    assert df is None
    assert [(i.line, i.code) for i in issues] == [(3, "stray-quote")]


def test_a_fault_of_the_program_while_parsing_is_raised_even_beside_a_stray_quote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Polars' own errors on such a file are explained by the quote; a fault of the program
    # (here a wrong argument, as a mistake in the reader would give) is not swallowed by it.
    p = tmp_path / "t.csv"
    p.write_text('mission,site,notes\naaa,s1,"late start\naaa,s2,x\n', encoding="utf-8")

    def faulty(*args: object, **kwargs: object) -> pl.DataFrame:
        raise TypeError("read_csv() got an unexpected keyword argument")

    monkeypatch.setattr(pl, "read_csv", faulty)
    with pytest.raises(TypeError, match="unexpected keyword"):
        read_table(p)


def test_the_cell_limit_counts_characters_not_bytes(tmp_path: Path) -> None:
    from ovm.data.tables import MAX_CELL_CHARS

    p = tmp_path / "t.csv"
    # Two bytes a character: the first cell is over the limit in bytes only.
    p.write_text(
        f"mission,notes\naaa,{'é' * MAX_CELL_CHARS}\nbbb,{'é' * (MAX_CELL_CHARS + 1)}\n",
        encoding="utf-8",
    )
    df, issues = read_table(p)
    assert df is not None
    assert len(df["notes"][0]) == MAX_CELL_CHARS and df["notes"][1] is None
    assert [(i.line, i.column, i.code) for i in issues] == [(3, 2, "cell-too-large")]


def test_a_verbatim_cell_over_the_limit_is_refused_beside_short_ones(tmp_path: Path) -> None:
    from ovm.data.tables import MAX_CELL_CHARS

    # Verbatim columns have categories each: the short texts of one column clear it, the
    # long text of another is found and left out.
    p = tmp_path / "t.csv"
    p.write_text(
        f"mission,a,b,c\naaa,yes,{'y' * (MAX_CELL_CHARS + 1)},x\n"
        f"bbb,no,no,{'é' * MAX_CELL_CHARS}\n",
        encoding="utf-8",
    )
    df, issues = read_table(p, verbatim={"a", "b", "c"})
    assert df is not None
    got = df.select("mission", pl.col("a", "b").cast(pl.String), pl.col("c").cast(pl.String))
    assert got.rows() == [("aaa", "yes", None, "x"), ("bbb", "no", "no", "é" * MAX_CELL_CHARS)]
    assert [(i.line, i.column, i.code) for i in issues] == [(2, 3, "cell-too-large")]


@pytest.mark.parametrize("quoted", [True, False])
def test_a_long_note_is_kept_and_one_over_the_limit_refused_with_the_row_kept(
    tmp_path: Path, quoted: bool
) -> None:
    from ovm.data.tables import MAX_CELL_CHARS

    q = '"' if quoted else ""
    p = tmp_path / "t.csv"
    p.write_text(
        f"mission,notes\naaa,{q}{'x' * 1_100_000}{q}\n"
        f"bbb,{q}{'y' * (MAX_CELL_CHARS + 1)}{q}\nccc,short\n",
        encoding="utf-8",
    )
    df, issues = read_table(p)
    assert df is not None
    assert df["mission"].to_list() == ["aaa", "bbb", "ccc"]
    assert len(df["notes"][0]) == 1_100_000 and df["notes"][1] is None
    assert [(i.line, i.column, i.code, i.severity) for i in issues] == [
        (3, 2, "cell-too-large", "warning")
    ]


def test_ovm_check_advises_xlsx_first_for_a_semicolon_csv_in_every_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Excel under a Spanish or French locale writes its "CSV UTF-8" with ';' and decimal
    # commas again: only XLSX follows the advice there, so it comes first.
    ws = tmp_path / "ws"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples", ws)
    stats = ws / "statistics.csv"
    lines = stats.read_text("utf-8").splitlines()
    stats.write_text("\n".join([lines[0].replace(",", ";"), *lines[1:]]) + "\n", "utf-8")
    advice = {
        "en": "save the file as XLSX (under that locale Excel writes ';' and decimal commas",
        "es": "guarde el archivo como XLSX (con esa configuración, Excel también escribe «;»",
        "fr": "enregistrez le fichier en XLSX (avec ces paramètres, Excel écrit aussi "
        "«\u202f;\u202f»",
        "pt": "guarde o arquivo como XLSX (com essas definições, o Excel também escreve “;”",
    }
    said = {}
    for lang in advice:
        code = main(["check", str(ws), "--lang", lang])
        out = capsys.readouterr()
        said[lang] = (code, [x for x in (out.out + out.err).splitlines() if "wrong-separator" in x])
    assert {lang: (code, len(lines)) for lang, (code, lines) in said.items()} == dict.fromkeys(
        advice, (1, 1)
    )
    assert {lang: advice[lang] in lines[0] for lang, (_, lines) in said.items()} == dict.fromkeys(
        advice, True
    )


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_headers_that_read_as_patterns_elsewhere_are_names_here(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``*`` and ``^q.*$`` are a file's headers like any other: a long cell of one is left out
    # at its place, a row blank in every column is dropped, and the others are read as they are.
    from ovm.data import tables

    monkeypatch.setattr(tables, "MAX_CELL_CHARS", 5)
    rows = [("m1", "yes", "ab"), ("m2", "toolong", "no"), ("", "", ""), ("m3", "", "x")]
    p = tmp_path / f"t{suffix}"
    if suffix == ".csv":
        p.write_text(
            "mission,*,^q.*$\n" + "".join(",".join(r) + "\n" for r in rows) + "m4,short\n",
            encoding="utf-8",
        )
    else:
        pl.DataFrame(
            [[*r] for r in rows], schema=["mission", "*", "^q.*$"], orient="row"
        ).with_columns(pl.all().replace("", None)).write_parquet(p)
    df, issues = read_table(p)
    assert df is not None
    # Read through the slow path, the CSV's short row is reported too.
    assert [(i.line, i.column, i.code) for i in issues] == [
        *([(6, None, "ragged-row")] if suffix == ".csv" else []),
        (3, 2, "cell-too-large"),
    ]
    assert [c for c in df.columns if c != ROW] == ["mission", "*", "^q.*$"]
    got = [
        tuple(df.get_column(c).cast(pl.String).to_list()[k] for c in ("mission", "*", "^q.*$"))
        for k in range(df.height)
    ]
    assert got == [
        ("m1", "yes", "ab"),
        ("m2", None, "no"),
        ("m3", None, "x"),
        *([("m4", "short", None)] if suffix == ".csv" else []),
    ]


def test_checklist_columns_named_like_patterns_are_names_when_rows_are_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A checklist's extra columns headed ``*``, ``^q.*$`` or ``^mission$`` are ignored, each
    # said at its header; a row repeated in the file and in a second file is still found,
    # cell for cell, those columns included.
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    table = ws / "checklists.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    extra = ["*", "^q.*$", "^mission$"]
    rows = [lines[0] + "," + ",".join(extra)]
    rows += [line + ",x,y,z" for line in lines[1:]]
    rows.append(rows[1])
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    (ws / "more.csv").write_text(rows[0] + "\n" + rows[2] + "\n", encoding="utf-8")
    config = ws / "ovm.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - path: checklists.csv\n    simulated: true\n",
            "  - path: checklists.csv\n    simulated: true\n"
            "  - path: more.csv\n    simulated: true\n",
        ),
        encoding="utf-8",
    )
    assert main(["check", str(ws)]) == 0
    said = capsys.readouterr()
    text = said.out + said.err
    assert "Traceback" not in text
    found = sorted(
        (Path(m[1]).name, int(m[2]), m[3])
        for m in re.finditer(r"^(\S+?):(\d+):\S* .*\[(unknown-column|duplicate-row)\]$", text, re.M)
    )
    n = len(rows)
    assert found == sorted(
        [
            *(("checklists.csv", 1, "unknown-column") for _ in extra),
            ("checklists.csv", n, "duplicate-row"),
            *(("more.csv", 1, "unknown-column") for _ in extra),
            ("more.csv", 2, "duplicate-row"),
        ]
    )
