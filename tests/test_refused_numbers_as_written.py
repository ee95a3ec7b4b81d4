"""A number a table gives and a column refuses is quoted as the cell has it, in every language:
``1234.5`` in a count is not "1.234,5" in Spanish nor "1,234.5" in English, ``-3`` stays
``-3``. It is what the user searches the file for; the message's own figures (the bounds of a
column, the whole number a computed count is near) are the message's, in its language.

Statistics and checklists, from CSV and from a workbook, each through ``ovm check``.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovm import i18n
from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"
CODES = ("[not-integer]", "[negative-count]", "[out-of-range]")

STATISTICS = [
    ["mission", "registered_abroad", "votes_abroad"],
    ["aaa-2020", 1234.5, 350],
    ["bbb-2021", 2000, -7],
]
CHECKLISTS = [
    ["mission", "site", "observer", "visited_at", "practice.queue", "practice.turned_away"],
    ["aaa-2020", "s1", "o1", "2020-05-01T08:00", 12.25, 0],
    ["aaa-2020", "s2", "o2", "2020-05-01T09:00", 10, -3],
]


def _workspace(root: Path, fmt: str) -> dict[str, str]:
    """The mini workspace with the tables above as ``fmt``; the name each table's problems
    are said under."""
    shutil.copytree(MINI, root)
    config = (root / "ovm.yaml").read_text(encoding="utf-8")
    names = {}
    for table, rows in (("statistics", STATISTICS), ("checklists", CHECKLISTS)):
        if fmt == "csv":
            lines = [",".join(str(c) for c in r) for r in rows]
            (root / f"{table}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
            names[table] = str(root / f"{table}.csv")
            continue
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(root / f"{table}.xlsx")
        (root / f"{table}.csv").unlink()
        config = config.replace(f"{table}.csv", f"{table}.xlsx")
        names[table] = f"{root / f'{table}.xlsx'}[Sheet]"
    (root / "ovm.yaml").write_text(config, encoding="utf-8")
    return names


def _refusals(argv: list[str]) -> list[str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(argv) == 1
    return [line for line in err.getvalue().splitlines() if line.endswith(CODES)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_refused_number_is_quoted_as_the_cell_has_it(tmp_path: Path, fmt: str, lang: str) -> None:
    names = _workspace(tmp_path / "ws", fmt)
    stats, sites = names["statistics"], names["checklists"]

    def said(key: str, **params: object) -> str:
        code = key.split("_")[0]
        return f"{i18n.gettext(f'issue_{key}', lang, **params)} [{code}]"

    zero = i18n.format_number(0, lang, 0)
    away = {"name": "practice.turned_away", "value": "-3", "low": zero}
    assert _refusals(["check", str(tmp_path / "ws"), "--lang", lang]) == [
        f"{sites}:2:5 {said('not-integer', name='practice.queue', value='12.25')}",
        f"{sites}:3:6 {said('out-of-range_min', **away)}",
        f"{stats}:2:2 {said('not-integer', name='registered_abroad', value='1234.5')}",
        f"{stats}:3:3 {said('negative-count', name='votes_abroad', value='-7')}",
    ]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    whole=st.integers(min_value=0, max_value=10**9),
    fraction=st.from_regex(r"[0-9]{0,5}[1-9]", fullmatch=True),
    lang=st.sampled_from(i18n.LANGUAGES),
)
def test_any_count_refused_as_not_whole_quotes_its_digits_as_written(
    tmp_path_factory: pytest.TempPathFactory, whole: int, fraction: str, lang: str
) -> None:
    root = tmp_path_factory.mktemp("ws") / "ws"
    shutil.copytree(MINI, root)
    cell = f"{whole}.{fraction}"
    text = f"mission,registered_abroad\naaa-2020,{cell}\n"
    (root / "statistics.csv").write_text(text, encoding="utf-8")
    refused = _refusals(["check", str(root), "--lang", lang])
    assert [line.split(" ", 1)[1] for line in refused] == [
        i18n.gettext("issue_not-integer", lang, name="registered_abroad", value=cell)
        + " [not-integer]"
    ]
