"""How visits are told apart as polling places: a table without a ``site`` column, a visit
column misnamed, and place names that differ only in case, blanks or dashes are each said,
and none changes a score (an indicator's min_answers and the bootstrap count places)."""

from __future__ import annotations

import shutil
import sys
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ovm
from ovm import load_workspace
from ovm.cli.app import main
from ovm.data.plausibility import DASHES, fold_site_name, fold_site_names

MINI = Path(__file__).parent / "data" / "mini"
HEADER = (
    "mission,site,site_country,site_city,observer,visited_at,notes,practice.on_time,"
    "practice.queue,practice.turned_away"
)
ROWS = [
    "aaa-2020,{a},USA,Miami,o1,2020-05-01T08:00,,yes,15,0",
    "aaa-2020,{b},USA,Houston,o2,2020-05-01T08:10,,no,40,2",
    "aaa-2020,{c},ESP,Madrid,o3,2020-05-01T08:20,,yes,5,0",
    "aaa-2020,s4,ESP,Barcelona,o4,2020-05-01T08:30,,na,,1",
    "bbb-2021,{a},ARG,Buenos Aires,o1,2021-03-01T08:00,,yes,30,3",
    "bbb-2021,s2,ARG,Rosario,o2,2021-03-01T08:00,,yes,60,4",
]
SECOND = [
    "aaa-2020,{d},USA,Miami,o5,2020-05-01T09:00,,yes,10,0",
    "bbb-2021,s3,ARG,Rosario,o6,2021-03-01T09:00,,no,20,1",
]


def _workspace(root: Path, first: list[str], second: list[str] | None = None) -> Path:
    shutil.copytree(MINI, root)
    (root / "checklists.csv").write_text("\n".join(first) + "\n", encoding="utf-8")
    if second is not None:
        (root / "day2.csv").write_text("\n".join(second) + "\n", encoding="utf-8")
        config = (root / "ovm.yaml").read_text(encoding="utf-8")
        config = config.replace(
            "    simulated: true\n", "    simulated: true\n  - {path: day2.csv, simulated: true}\n"
        )
        (root / "ovm.yaml").write_text(config, encoding="utf-8")
    return root


def _scores(root: Path) -> pl.DataFrame:
    """Every score of the workspace but its interval's ends, and whether it has an interval:
    the bootstrap draws each place's weight from its name's hash, so other names (or row
    numbers for places) draw other intervals around the same scores."""
    scores = ovm.analyse(root).to_polars("scores")
    return scores.with_columns(
        pl.col("interval_low").is_not_null(), pl.col("interval_high").is_not_null()
    )


def _found(root: Path, codes: set[str]) -> list[tuple[str, int | None, int | None, str, str]]:
    return [
        (Path(i.file).name, i.line, i.column, i.code, i.severity)
        for i in load_workspace(root).warnings
        if i.code in codes
    ]


def _rows(lines: list[str], **names: str) -> list[str]:
    return [line.format(**names) for line in lines]


def test_look_alike_place_names_are_warned_per_mission_and_not_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alike = {"a": "Place D", "b": "place d", "c": "PLACE  D", "d": "Place\u2013D"}
    root = _workspace(
        tmp_path / "alike", [HEADER, *_rows(ROWS, **alike)], [HEADER, *_rows(SECOND, **alike)]
    )
    warnings = [i for i in load_workspace(root).warnings if i.code == "similar-sites"]
    # One warning for aaa-2020's four spellings, at the second's first use; bbb-2021 writes
    # 'Place D' once: a name of another mission is no look-alike.
    first, second = root / "checklists.csv", root / "day2.csv"
    assert [(i.file, i.line, i.column, i.code, i.severity) for i in warnings] == [
        (str(first), 3, 2, "similar-sites", "warning")
    ]
    variants = (
        f"'Place D' ({first}:2:2), 'place d' ({first}:3:2), "
        f"'PLACE  D' ({first}:4:2), 'Place\u2013D' ({second}:2:2)"
    )
    assert warnings[0].message == (
        f"aaa-2020 names polling places that differ only in case, blanks or dashes: {variants}; "
        "each counts as a place of its own: if they are one place, write its name the same "
        "way in every visit"
    )
    assert warnings[0].params == {"mission": "aaa-2020", "variants": variants}
    # Each name stays a place of its own: the scores are those of four different names.
    apart = {"a": "Place D", "b": "Place E", "c": "Place F", "d": "Place G"}
    other = _workspace(
        tmp_path / "apart", [HEADER, *_rows(ROWS, **apart)], [HEADER, *_rows(SECOND, **apart)]
    )
    assert _found(other, {"similar-sites"}) == []
    assert _scores(root).equals(_scores(other))
    assert main(["check", str(root), "--lang", "es"]) == 0
    said = [x for x in capsys.readouterr().err.splitlines() if "[similar-sites]" in x]
    assert said == [
        f"{first}:3:2 advertencia: aaa-2020 nombra locales de votación que solo difieren "
        f"en mayúsculas, espacios o guiones: {variants}; cada nombre cuenta como un local "
        "distinto: si son un mismo local, escriba su nombre igual en todas las visitas "
        "[similar-sites]"
    ]


def test_a_table_without_a_site_column_is_warned_and_scored_as_before(tmp_path: Path) -> None:
    names = {"a": "s1", "b": "s2", "c": "s3"}
    lines = _rows(ROWS, **names)
    # Without the column, each visit is a place of its own: as a table naming a place per row.
    drop = [",".join(x.split(",")[:1] + x.split(",")[2:]) for x in [HEADER, *lines]]
    root = _workspace(tmp_path / "none", drop)
    assert _found(root, {"missing-column", "unknown-column"}) == [
        ("checklists.csv", 1, None, "missing-column", "warning")
    ]
    (warning,) = [i for i in load_workspace(root).warnings if i.code == "missing-column"]
    assert warning.message == (
        "no 'site' column: each visit is taken as a polling place of its own, so min_answers "
        "and the intervals count visits, not places"
    )
    each = [",".join([x.split(",")[0], f"row{k}", *x.split(",")[2:]]) for k, x in enumerate(lines)]
    own = _workspace(tmp_path / "own", [HEADER, *each])
    assert _found(own, {"missing-column", "unknown-column"}) == []
    assert _scores(root).equals(_scores(own))


def test_misnamed_visit_columns_name_the_column_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = (
        "mission,polling_place,site country,city,observers,visit_time,notes,practice.on_time,"
        "practice.queue,practice.turned_away"
    )
    root = _workspace(tmp_path / "ren", [header, *_rows(ROWS, a="s1", b="s2", c="s3")])
    issues = [
        i for i in load_workspace(root).warnings if i.code in {"missing-column", "unknown-column"}
    ]
    assert [(Path(i.file).name, i.line, i.column, i.code, i.severity) for i in issues] == [
        ("checklists.csv", 1, 2, "unknown-column", "warning"),
        ("checklists.csv", 1, 3, "unknown-column", "warning"),
        ("checklists.csv", 1, 4, "unknown-column", "warning"),
        ("checklists.csv", 1, 5, "unknown-column", "warning"),
        ("checklists.csv", 1, 6, "unknown-column", "warning"),
        ("checklists.csv", 1, None, "missing-column", "warning"),
    ]
    assert [(i.params["name"], i.params.get("near")) for i in issues] == [
        ("polling_place", "site"),
        ("site country", "site_country"),
        ("city", "site_city"),
        ("observers", "observer"),
        ("visit_time", "visited_at"),
        ("site", None),
    ]
    assert issues[0].message == (
        "column 'polling_place' matches no checklist question; did you mean 'site'? Rename "
        "it: it is ignored"
    )
    # A column near a visit column the table has already is a column of its own.
    kept = HEADER.replace(",notes,", ",sites,")
    other = _workspace(tmp_path / "kept", [kept, *_rows(ROWS, a="s1", b="s2", c="s3")])
    assert [
        (i.params["name"], i.params.get("near"))
        for i in load_workspace(other).warnings
        if i.code == "unknown-column"
    ] == [("sites", "")]
    assert main(["check", str(root), "--lang", "fr"]) == 0
    said = [x for x in capsys.readouterr().err.splitlines() if "polling_place" in x]
    assert said == [
        f"{root / 'checklists.csv'}:1:2 avertissement\u202f: la colonne "
        "«\u202fpolling_place\u202f» ne correspond à aucune question de la liste de "
        "contrôle\u202f; vouliez-vous dire «\u202fsite\u202f»\u202f? "
        "Renommez-la\u202f: elle est ignorée [unknown-column]"
    ]


def test_an_observer_at_a_place_with_no_name_and_in_another_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = [HEADER, *_rows(ROWS, a="s1", b="s2", c="s3")]
    # o1 again, five minutes later, at a place left blank, in the second file; then o2 at a
    # named place while its earlier visit (the first file's row 3) is named.
    second = [
        HEADER,
        "aaa-2020,,USA,Miami,o1,2020-05-01T08:05,,yes,10,0",
        "aaa-2020,s9,USA,Houston,o2,2020-05-01T08:10,,yes,10,0",
    ]
    root = _workspace(tmp_path / "ws", first, second)
    found = [i for i in load_workspace(root).warnings if i.code == "observer-two-places"]
    first, second = root / "checklists.csv", root / "day2.csv"
    assert [(i.file, i.line, i.column, i.severity, i.message) for i in found] == [
        (
            str(second),
            2,
            6,
            "warning",
            f"observer 'o1' is at a place with no name and at 's1' (row 2 of {first}) "
            "within 5 minutes",
        ),
        (
            str(second),
            3,
            6,
            "warning",
            f"observer 'o2' is at 's9' and at 's2' (row 3 of {first}) at the same time",
        ),
    ]
    assert main(["check", str(root), "--lang", "es"]) == 0
    said = [x for x in capsys.readouterr().err.splitlines() if "[observer-two-places]" in x]
    assert said == [
        f"{second}:2:6 advertencia: el observador “o1” está en un lugar sin nombre y en “s1” "
        f"(fila 2 de {first}) en 5 minutos [observer-two-places]",
        f"{second}:3:6 advertencia: el observador “o2” está en “s9” y en “s2” (fila 3 de "
        f"{first}) a la misma hora [observer-two-places]",
    ]
    assert "None" not in "\n".join(said)


def test_every_dash_is_listed() -> None:
    dashes = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Pd"}
    assert set(DASHES) == dashes | {"\u2212"}


def _one_case(c: str) -> bool:
    # Unicode's folding keeps a few letters apart from their capitals (Turkish dotless i and
    # its I): a name holding one is not the same name in other case.
    return len({fold_site_name(x) for x in (c, c.upper(), c.lower(), c.title())}) == 1


_WORD = st.text(
    st.characters(categories=("Lu", "Ll", "Nd")).filter(_one_case), min_size=1, max_size=6
)
_BLANKS = st.sampled_from([" ", "  ", "\t", " - ", "-", "\u2013", " \u2014 ", "\u00a0"])


@given(st.lists(_WORD, min_size=1, max_size=4), st.data())
def test_a_name_written_with_other_case_blanks_or_dashes_folds_alike(
    words: list[str], data: st.DataObject
) -> None:
    name = " ".join(words)
    cased = [data.draw(st.sampled_from([w, w.upper(), w.lower(), w.title()])) for w in words]
    joins = [data.draw(_BLANKS) for _ in words[1:]]
    variant = cased[0] + "".join(j + w for j, w in zip(joins, cased[1:], strict=True))
    edge = data.draw(st.sampled_from(["", " ", "-"]))
    assert fold_site_name(edge + variant + edge) == fold_site_name(name)


@given(_WORD, _WORD, st.sampled_from(["a", "b", "7", "é"]), st.sampled_from(["x", "z", "3"]))
def test_a_different_letter_never_folds_alike(head: str, tail: str, one: str, other: str) -> None:
    assert fold_site_name(head + one + tail) != fold_site_name(head + other + tail)


@given(st.lists(st.text(max_size=12), max_size=20))
def test_the_column_wise_fold_is_the_fold_of_each_name(names: list[str]) -> None:
    assert fold_site_names(pl.Series("site", names, dtype=pl.String)).to_list() == [
        fold_site_name(n) for n in names
    ]


@pytest.mark.parametrize(
    ("one", "other", "alike"),
    [
        ("Straße", "STRASSE", True),
        ("Buenos Aires – Consulado", "buenos aires-consulado", True),
        ("\uff30\uff4c\uff41\uff43\uff45 \uff24", "place d", True),
        ("Place\u00a0D", "Place D", True),
        ("Place \u2212 D", "PLACE D", True),
        ("Place D", "Place E", False),
        ("Place D", "PlaceD", False),
        ("K\u0131z", "Kiz", False),
    ],
)
def test_names_fold_as_unicode_folds_them(one: str, other: str, alike: bool) -> None:
    assert (fold_site_name(one) == fold_site_name(other)) is alike


@pytest.mark.parametrize(
    ("names", "row"),
    [(("s1", "S1", "s3"), 3), (("Place D", "s2", "Place  D"), 4), (("a b", "a-b", "s3"), 3)],
)
def test_ascii_look_alikes_are_found_too(
    tmp_path: Path, names: tuple[str, str, str], row: int
) -> None:
    a, b, c = names
    root = _workspace(tmp_path / "ws", [HEADER, *_rows(ROWS, a=a, b=b, c=c)])
    (warning,) = [i for i in load_workspace(root).warnings if i.code == "similar-sites"]
    assert (Path(warning.file).name, warning.line, warning.column) == ("checklists.csv", row, 2)
    assert warning.params["variants"].startswith(f"{a!r} (")
