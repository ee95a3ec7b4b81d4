"""Bad inputs: each a Case (the edits to the mini workspace, the command, the exit status, the
code and the place it must be reported at); edits map bytes to bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import NamedTuple


class Make(Enum):
    """What an edit puts where a file was, other than bytes: a folder or a named pipe."""

    FOLDER = "folder"
    PIPE = "pipe"


class Sparse(NamedTuple):
    """A file of ``size`` bytes taking no room on disk: over a size limit, never to be read."""

    size: int


Edit = Callable[[bytes], bytes | Make | Sparse | None]


def sub(old: str, new: str) -> Edit:
    """Replace the first ``old`` by ``new``; the case fails if ``old`` is not there."""

    def edit(raw: bytes) -> bytes:
        assert old.encode() in raw, old
        return raw.replace(old.encode(), new.encode(), 1)

    return edit


def gone(_raw: bytes) -> None:
    """Delete the file."""
    return None


def folder(_raw: bytes) -> Make:
    """Put a folder of the file's name in its place (root reads any file, not a folder)."""
    return Make.FOLDER


def pipe(_raw: bytes) -> Make:
    """Put a named pipe of the file's name in its place (reading it would wait forever)."""
    return Make.PIPE


def sparse(size: int) -> Edit:
    """Make the file ``size`` bytes long, of zeros that take no room on disk."""
    return lambda _raw: Sparse(size)


_FIRST: list[tuple[str, dict[str, Edit], int, str, str, int | None]] = [
    (
        "checklist-listed-twice",
        {"ovm.yaml": sub("settings:", "  - checklists.csv\nsettings:")},
        1,
        "duplicate-source",
        "ovm.yaml",
        8,
    ),
    (
        "python-tag-on-a-list",
        {"missions.yaml": sub("name: B 2021", "name: !!python/object/apply:os.system [x]")},
        1,
        "invalid-tag",
        "missions.yaml",
        11,
    ),
    (
        "custom-tag",
        {"missions.yaml": sub("name: B 2021", "name: !x B")},
        1,
        "invalid-tag",
        "missions.yaml",
        11,
    ),
    ("seed-yes", {"ovm.yaml": sub("seed: 7", "seed: yes")}, 1, "invalid-value", "ovm.yaml", 8),
    (
        "bootstrap-no",
        {"ovm.yaml": sub("bootstrap: 50", "bootstrap: no")},
        1,
        "invalid-value",
        "ovm.yaml",
        8,
    ),
    (
        "simulated-maybe",
        {"ovm.yaml": sub("simulated: true", "simulated: maybe")},
        1,
        "invalid-value",
        "ovm.yaml",
        7,
    ),
    (
        "unknown-layout",
        {"ovm.yaml": sub("simulated: true", "layout: weird")},
        1,
        "invalid-choice",
        "ovm.yaml",
        7,
    ),
    (
        "config-typo",
        {"ovm.yaml": sub("checklists:", "checklist:")},
        1,
        "unknown-field",
        "ovm.yaml",
        5,
    ),
    (
        "rubric-typo",
        {"rubric.yaml": sub("families:", "familes:")},
        1,
        "unknown-field",
        "rubric.yaml",
        21,
    ),
    (
        "unclosed-flow-sequence",
        {"missions.yaml": sub("name: B 2021", "name: [B 2021")},
        1,
        "yaml-syntax",
        "missions.yaml",
        12,
    ),
    (
        "label-indented-less",
        {
            "rubric.yaml": sub(
                "title: {en: Mini rubric, es: Rúbrica mínima}", "title:\n  en: Mini\n es: x"
            )
        },
        1,
        "yaml-syntax",
        "rubric.yaml",
        6,
    ),
    (
        "nul-in-comment",
        {"missions.yaml": lambda o: o.replace(b"missions:", b"# a\x00\nmissions:")},
        1,
        "yaml-syntax",
        "missions.yaml",
        1,
    ),
    (
        "latin1-label",
        {"missions.yaml": lambda o: o.replace(b"B 2021", b"B \xe9", 1)},
        1,
        "invalid-encoding",
        "missions.yaml",
        11,
    ),
    ("missions-file-missing", {"missions.yaml": gone}, 1, "file-not-found", "ovm.yaml", 3),
    ("statistics-file-missing", {"statistics.csv": gone}, 1, "file-not-found", "ovm.yaml", 4),
    (
        "unclosed-quote-in-csv",
        {"checklists.csv": sub("late start", '"late start')},
        1,
        "stray-quote",
        "checklists.csv",
        3,
    ),
    (
        "random-bytes-xlsx",
        {
            "ovm.yaml": sub("[statistics.csv]", "[s.xlsx]"),
            "s.xlsx": lambda _o: bytes(range(256)) * 4,
        },
        1,
        "unreadable-table",
        "s.xlsx",
        None,
    ),
    (
        "control-character-in-name",
        {"missions.yaml": sub("name: B 2021", 'name: "B\\a 2021"')},
        1,
        "control-character",
        "missions.yaml",
        11,
    ),
    (
        "escape-in-source",
        {"missions.yaml": sub("source: Constitution art. 1", 'source: "C\\e[31m"')},
        1,
        "control-character",
        "missions.yaml",
        7,
    ),
    (
        "bell-in-statistic-source",
        {"statistics.csv": sub("EMB results", "EMB\a results")},
        1,
        "control-character",
        "statistics.csv",
        2,
    ),
    (
        "answer-unknown-indicator",
        {"missions.yaml": sub("rights.postal: no", "rights.postal: no\n      nope.x: yes")},
        1,
        "unknown-indicator",
        "missions.yaml",
        16,
    ),
    (
        "answers-as-list",
        {
            "missions.yaml": sub(
                "rights.basis: statute\n      rights.postal: no", "- rights.basis\n      - x"
            )
        },
        1,
        "invalid-value",
        "missions.yaml",
        14,
    ),
    (
        "count-as-yes",
        {
            "missions.yaml": sub(
                "rights.postal: no",
                "rights.postal: no\n    values:\n      registered_abroad: {value: yes}",
            ),
            "statistics.csv": lambda _o: b"mission,votes_abroad\naaa-2020,1\n",
        },
        1,
        "invalid-number",
        "missions.yaml",
        17,
    ),
    (
        "negative-count-in-a-mapping",
        {
            "missions.yaml": sub(
                "rights.postal: no",
                "rights.postal: no\n    values:\n"
                "      registered_abroad:\n        source: x\n        confidence: "
                "high\n        value: -500",
            ),
            "statistics.csv": lambda _o: b"mission,votes_abroad\naaa-2020,1\n",
        },
        1,
        "negative-count",
        "missions.yaml",
        20,
    ),
    (
        "duplicate-key",
        {"missions.yaml": sub("name: B 2021", "name: B 2021\n    name: B")},
        1,
        "duplicate-key",
        "missions.yaml",
        12,
    ),
    (
        "semicolon-csv",
        {"statistics.csv": lambda o: o.replace(b",", b";")},
        1,
        "wrong-separator",
        "statistics.csv",
        1,
    ),
    (
        "ragged-row",
        {"statistics.csv": sub("bbb-2021,2000,,,", "bbb-2021,2000")},
        1,
        "ragged-row",
        "statistics.csv",
        3,
    ),
    (
        "duplicate-column",
        {"statistics.csv": sub("votes_abroad__confidence", "votes_abroad")},
        1,
        "duplicate-column",
        "statistics.csv",
        1,
    ),
    (
        "country-not-iso",
        {"missions.yaml": sub("country: BRA", "country: XXZ")},
        1,
        "invalid-country",
        "missions.yaml",
        10,
    ),
    (
        "country-swapped",
        {"missions.yaml": sub("country: BRA", "country: BAR")},
        1,
        "invalid-country",
        "missions.yaml",
        10,
    ),
    (
        "country-alpha-2",
        {"missions.yaml": sub("country: BRA", "country: BR")},
        1,
        "invalid-country",
        "missions.yaml",
        10,
    ),
    (
        "country-name",
        {"missions.yaml": sub("country: BRA", "country: Brasil")},
        1,
        "invalid-country",
        "missions.yaml",
        10,
    ),
]


# --- the corpus grown by input class ---------------------------------------------------------
# Each class below is one kind of bad input applied to each place it can occur; the line a case
# expects is found in the original file, so a case names the offending text, not a number.

MINI = Path(__file__).resolve().parent.parent / "data" / "mini"
RUBRICS = Path(__file__).resolve().parent.parent / "data" / "rubrics"


class Case(NamedTuple):
    """One bad input: the edits, the command run on the edited workspace (``{ws}`` is its
    folder), the exit status, the code, and the place it must be reported at."""

    name: str
    edits: dict[str, Edit]
    status: int
    code: str | None
    file: str
    line: int | None
    column: int | None = None
    command: tuple[str, ...] = ("check", "{ws}")


def line_of(file: str, text: str, base: Path = MINI) -> int:
    """The line of ``file`` (in the mini workspace) where ``text`` first occurs."""
    raw = (base / file).read_text(encoding="utf-8")
    i = raw.index(text)
    return raw.count("\n", 0, i) + 1


def const(raw: bytes) -> Edit:
    """Replace the file by ``raw`` (or create it)."""
    return lambda _o: raw


def grown() -> list[Case]:
    """Cases by input class, each at every place it applies."""
    out: list[Case] = []
    add = out.append

    # Numbers in the statistics table: each bad cell of each numeric column, at its cell.
    cells = {
        "abc": "invalid-number",
        "12,5": "invalid-number",
        "1 234": "invalid-number",
        "1.234.567": "invalid-number",
        "1_000": "invalid-number",
        "٣": "invalid-number",
        "inf": "not-finite",
        "-inf": "not-finite",
        "nan": "not-finite",
        "1e400": "not-finite",
        "-5": "negative-count",
        "10.5": "not-integer",
        "12.000": "not-integer",
        "=1+1": "invalid-number",
        "yes": "invalid-number",
        "50%": "percent-format",
        # A count the rubric lets be no "not applicable" (no allow_na): unpublished is missing.
        "N/A": "not-applicable-not-allowed",
    }
    for j, col in enumerate(("registered_abroad", "votes_abroad")):
        for text, code in cells.items():
            add(
                Case(
                    f"statistics-{col}-{text}",
                    {"statistics.csv": _cell(2, j + 1, text)},
                    1,
                    code,
                    "statistics.csv",
                    2,
                    j + 2,
                )
            )
    # 12.500 alone among whole numbers in a column of decimals may be Spanish thousands: read
    # as 12.5, with a warning at its cell.
    add(
        Case(
            "statistics-number-dot-thousands",
            {
                "rubric.yaml": sub(
                    "  - name: turned_away_mean\n",
                    "  - {name: cost_per_vote, labels: {en: Cost per vote, es: Costo por voto}, "
                    "unit: USD, type: number, source: statistics}\n  - name: turned_away_mean\n",
                ),
                "statistics.csv": const(
                    b"mission,registered_abroad,votes_abroad,cost_per_vote\n"
                    b"aaa-2020,1000,350,8\nbbb-2021,2000,,12.500\n"
                ),
            },
            0,
            "dot-thousands",
            "statistics.csv",
            3,
            4,
        )
    )
    # Provenance cells of the statistics table.
    add(
        Case(
            "statistics-confidence-sure",
            {"statistics.csv": _cell(2, 4, "sure")},
            1,
            "invalid-choice",
            "statistics.csv",
            2,
            5,
        )
    )
    # A row naming no mission, or one the missions file lacks.
    add(
        Case(
            "statistics-unknown-mission",
            {"statistics.csv": _cell(2, 0, "zzz-2020")},
            1,
            "unknown-mission",
            "statistics.csv",
            2,
            1,
        )
    )
    add(
        Case(
            "statistics-mission-case",
            {"statistics.csv": _cell(2, 0, "AAA-2020")},
            1,
            "unknown-mission",
            "statistics.csv",
            2,
            1,
        )
    )
    add(
        Case(
            # an en dash, as Word's or Excel's autocorrect writes it for "-"
            "statistics-mission-dash",
            {"statistics.csv": _cell(2, 0, "aaa\u20132020")},
            1,
            "unknown-mission",
            "statistics.csv",
            2,
            1,
        )
    )
    add(
        Case(
            "statistics-duplicate-row",
            {"statistics.csv": lambda o: o + b"aaa-2020,1,1,,\n"},
            1,
            "duplicate-row",
            "statistics.csv",
            4,
        )
    )
    add(
        Case(
            "statistics-missing-mission-column",
            {"statistics.csv": sub("mission,", "misión,")},
            1,
            "missing-column",
            "statistics.csv",
            1,
        )
    )
    add(
        Case(
            "statistics-empty-header",
            {"statistics.csv": sub(",votes_abroad__source", ",")},
            1,
            "empty-header",
            "statistics.csv",
            1,
            4,
        )
    )
    add(
        Case(
            "statistics-empty-file",
            {"statistics.csv": const(b"")},
            1,
            "empty-file",
            "statistics.csv",
            1,
        )
    )
    add(
        Case(
            "statistics-latin1",
            {"statistics.csv": lambda o: o.replace(b"EMB results", b"EMB r\xe9sults")},
            1,
            "invalid-encoding",
            "statistics.csv",
            2,
            24,
        )
    )
    add(
        Case(
            "statistics-stray-quote",
            {"statistics.csv": sub("EMB results", '"EMB results')},
            1,
            "stray-quote",
            "statistics.csv",
            2,
        )
    )
    add(
        Case(
            "statistics-too-many-fields",
            {"statistics.csv": sub("bbb-2021,2000,,,", "bbb-2021,2000,,,,,")},
            1,
            "ragged-row",
            "statistics.csv",
            3,
        )
    )
    add(
        Case(
            "statistics-exceeds-limit",
            {"statistics.csv": _cell(2, 2, "1001")},
            1,
            "exceeds-limit",
            "statistics.csv",
            2,
            3,
        )
    )
    add(
        Case(
            "statistics-unknown-column",
            {"statistics.csv": sub("votes_abroad__confidence", "votes_abroad__confidence,votes")},
            1,
            "ragged-row",
            "statistics.csv",
            2,
        )
    )
    add(
        Case(
            "statistics-ods",
            {"ovm.yaml": sub("[statistics.csv]", "[s.ods]"), "s.ods": const(b"x")},
            1,
            "unsupported-format",
            "s.ods",
            None,
        )
    )
    add(
        Case(
            "statistics-derived-variable",
            {"statistics.csv": sub("votes_abroad__source", "turned_away_mean")},
            1,
            "derived-variable",
            "statistics.csv",
            1,
            4,
        )
    )

    # Observer checklists: each bad answer of each question, at its cell.
    answers = [
        ("practice.on_time", 7, "maybe", "invalid-answer"),
        ("practice.on_time", 7, "2", "invalid-answer"),
        ("practice.on_time", 7, "sí no", "invalid-answer"),
        ("practice.queue", 8, "-15", "out-of-range"),
        ("practice.queue", 8, "abc", "invalid-number"),
        ("practice.queue", 8, "2.5", "not-integer"),
        ("practice.queue", 8, "inf", "not-finite"),
        ("practice.queue", 8, "12,5", "invalid-number"),
        ("practice.turned_away", 9, "x", "invalid-number"),
        ("practice.turned_away", 9, "-1", "out-of-range"),
        ("practice.turned_away", 9, "nan", "not-finite"),
        ("practice.turned_away", 9, "1e400", "not-finite"),
        ("practice.turned_away", 9, "0.5", "not-integer"),
    ]
    for q, j, text, code in answers:
        add(
            Case(
                f"checklist-{q}-{text}",
                {"checklists.csv": _cell(2, j, text)},
                1,
                code,
                "checklists.csv",
                2,
                j + 1,
            )
        )
    add(
        Case(
            "checklist-unknown-mission",
            {"checklists.csv": _cell(3, 0, "zzz-2020")},
            1,
            "unknown-mission",
            "checklists.csv",
            3,
            1,
        )
    )
    add(
        Case(
            "checklist-no-mission",
            {"checklists.csv": _cell(3, 0, "")},
            1,
            "missing-mission",
            "checklists.csv",
            3,
            1,
        )
    )
    add(
        Case(
            "checklist-missing-column",
            {"checklists.csv": sub("mission,site,", "mision,site,")},
            1,
            "missing-column",
            "checklists.csv",
            1,
        )
    )
    add(
        Case(
            "checklist-duplicate-column",
            {
                "checklists.csv": sub(
                    "practice.queue,practice.turned_away", "practice.queue,practice.queue"
                )
            },
            1,
            "duplicate-column",
            "checklists.csv",
            1,
            10,
        )
    )
    add(
        Case(
            "checklist-row-number-column",
            {
                "checklists.csv": sub(
                    "practice.queue,practice.turned_away", "_row,practice.turned_away"
                )
            },
            1,
            "reserved-column",
            "checklists.csv",
            1,
            9,
        )
    )
    add(
        Case(
            # The header is refused before any row is read, short rows too.
            "statistics-row-number-column-ragged",
            {
                "statistics.csv": lambda o: o.replace(
                    b"votes_abroad__confidence", b" _row ", 1
                ).replace(b"EMB results,high", b"EMB results", 1)
            },
            1,
            "reserved-column",
            "statistics.csv",
            1,
            5,
        )
    )
    add(
        Case(
            "checklist-ragged-row",
            {"checklists.csv": sub(",,yes,30,3", ",yes,30,3")},
            1,
            "ragged-row",
            "checklists.csv",
            6,
        )
    )
    add(
        Case(
            "checklist-semicolons",
            {"checklists.csv": lambda o: o.replace(b",", b";")},
            1,
            "wrong-separator",
            "checklists.csv",
            1,
            1,
        )
    )
    add(
        Case(
            "checklist-tabs",
            {"checklists.csv": lambda o: o.replace(b",", b"\t")},
            1,
            "wrong-separator",
            "checklists.csv",
            1,
            1,
        )
    )
    add(
        Case(
            "checklist-latin1",
            {"checklists.csv": lambda o: o.replace(b"Madrid", b"M\xe1drid")},
            1,
            "invalid-encoding",
            "checklists.csv",
            4,
            18,
        )
    )
    add(
        Case(
            "checklist-simulated-flag",
            {
                "checklists.csv": sub("practice.turned_away\n", "practice.turned_away,simulated\n"),
            },
            1,
            "ragged-row",
            "checklists.csv",
            2,
        )
    )
    add(
        Case(
            "checklist-empty", {"checklists.csv": const(b"")}, 1, "empty-file", "checklists.csv", 1
        )
    )
    add(
        Case(
            "checklist-cell-without-header-xlsx",
            {
                "ovm.yaml": sub("path: checklists.csv", "path: c.xlsx"),
                "c.xlsx": _xlsx([["mission", "site"], ["aaa-2020", "s1", "extra"]]),
            },
            1,
            "cell-without-header",
            "c.xlsx[Sheet]",
            2,
            3,
        )
    )
    # Plausibility warnings: the rows are used, the command succeeds, the warning is at its row.
    add(
        Case(
            "checklist-site-country-not-iso",
            {"checklists.csv": _cell(2, 2, "XXZ")},
            0,
            "invalid-country",
            "checklists.csv",
            2,
            3,
        )
    )
    add(
        Case(
            "checklist-site-country-name",
            {"checklists.csv": _cell(2, 2, "Spain")},
            0,
            "invalid-country",
            "checklists.csv",
            2,
            3,
        )
    )
    add(
        Case(
            "checklist-visit-not-a-time",
            {"checklists.csv": _cell(3, 5, "yesterday")},
            0,
            "invalid-visit-time",
            "checklists.csv",
            3,
            6,
        )
    )
    add(
        Case(
            "checklist-two-places-at-once",
            {"checklists.csv": _cell(3, 4, "o1")},
            0,
            "observer-too-fast",
            "checklists.csv",
            3,
            6,
        )
    )
    add(
        Case(
            "checklist-unknown-column",
            {"checklists.csv": _column("practice.late")},
            0,
            "unknown-column",
            "checklists.csv",
            1,
            11,
        )
    )

    # missions.yaml: each field of a mission given a bad value, at the value.
    missions = [
        ("country: BRA", "country: bra", "invalid-country"),
        ("country: BRA", "country: B", "invalid-country"),
        ("country: BRA", "country: 123", "invalid-country"),
        ("country: BRA", "country: Brazil", "invalid-country"),
        ("country: BRA", "country: BRZ", "invalid-country"),
        ("country: BRA", "country: ''", "invalid-country"),
        ("id: bbb-2021", "id: BBB 2021", "invalid-format"),
        ("id: bbb-2021", "id: aaa-2020", "duplicate-mission"),
        ("type: presidential", "type: [presidential]", "invalid-value"),
        ("date: 2021-03-01", "date: 2021-13-01", "invalid-value"),
        ("date: 2021-03-01", "date: yesterday", "invalid-value"),
        ("round: 2", "round: two", "invalid-value"),
        ("round: 2", "round: 0", "invalid-value"),
        ("rights.basis: statute", "rights.basis: law", "invalid-answer"),
        ("rights.basis: statute", "rights.basis: na", "not-applicable-not-allowed"),
        ("rights.postal: no", "rights.postal: perhaps", "invalid-answer"),
        ("rights.postal: no", "rights.postal: 7", "invalid-answer"),
        ("rights.postal: no", "nope.x: no", "unknown-indicator"),
        ("name: B 2021", "name: B 2021\n    colour: red", "unknown-field"),
        ("name: B 2021", "name: B 2021\n    previous: zzz-2000", "unknown-mission"),
        (
            "name: B 2021",
            "name: B 2021\n    voting_abroad: {from: 2021-03-01, to: 2021-02-01}",
            "invalid-value",
        ),
        (
            "name: B 2021",
            'name: B 2021\n    voting_abroad: {from: 2021-02-01, to: 2021-03-01, opens: "25:00"}',
            "invalid-value",
        ),
        (
            "name: B 2021",
            "name: B 2021\n    places: [{id: p1, country: ESP}, {id: p1, country: ESP}]",
            "duplicate-place",
        ),
        ("name: B 2021", "name: B 2021\n    places: [{id: p1, country: XYZ}]", "invalid-country"),
        (
            "name: B 2021",
            "name: B 2021\n    places: [{id: p1, country: ESP, opens: 8h}]",
            "invalid-value",
        ),
    ]
    for old, new, code in missions:
        line = line_of("missions.yaml", old) + new.count("\n")
        add(
            Case(
                f"missions-{new.splitlines()[-1].strip()}",
                {"missions.yaml": sub(old, new)},
                1,
                code,
                "missions.yaml",
                line,
            )
        )
    # A plan of fewer places than the questions' min_answers (3 in the mini rubric): said at
    # the mission's places before the observers leave; nothing is refused.
    add(
        Case(
            "missions-plan-below-min-answers",
            {
                "missions.yaml": sub(
                    "name: B 2021",
                    "name: B 2021\n    places: [{id: p1, country: ESP}, {id: p2, country: ESP}]",
                )
            },
            0,
            "too-few-places-planned",
            "missions.yaml",
            line_of("missions.yaml", "name: B 2021") + 1,
            5,
        )
    )
    values = [
        ("{value: yes}", "invalid-number"),
        ("{value: abc}", "invalid-number"),
        ("{value: .inf}", "not-finite"),
        ("{value: 1e400}", "not-finite"),
        ("{value: -3}", "negative-count"),
        ("{value: 2.5}", "not-integer"),
        ("{value: 10, confidence: sure}", "invalid-choice"),
        ("{value: 10, date: someday}", "invalid-value"),
        ("{value: 10, colour: red}", "unknown-field"),
        ("{status: not_applicable}", "not-applicable-not-allowed"),
    ]
    for text, code in values:
        add(
            Case(
                f"missions-value-{text}",
                {
                    "missions.yaml": sub(
                        "rights.postal: no",
                        f"rights.postal: no\n    values:\n      registered_abroad: {text}",
                    ),
                    "statistics.csv": const(b"mission,votes_abroad\naaa-2020,1\n"),
                },
                1,
                code,
                "missions.yaml",
                17,
            )
        )
    add(
        Case(
            "missions-unknown-variable",
            {
                "missions.yaml": sub(
                    "rights.postal: no", "rights.postal: no\n    values:\n      votes: {value: 1}"
                )
            },
            1,
            "unknown-variable",
            "missions.yaml",
            17,
        )
    )
    add(
        Case(
            "missions-derived-variable",
            {
                "missions.yaml": sub(
                    "rights.postal: no",
                    "rights.postal: no\n    values:\n      turned_away_mean: {value: 1}",
                )
            },
            1,
            "derived-variable",
            "missions.yaml",
            17,
        )
    )
    add(
        Case(
            "missions-value-twice",
            {
                "missions.yaml": sub(
                    "rights.postal: no",
                    "rights.postal: no\n    values:\n      registered_abroad: {value: 5}",
                )
            },
            1,
            "duplicate-value",
            "missions.yaml",
            17,
        )
    )
    add(
        Case(
            "missions-without-a-list",
            {"missions.yaml": const(b"id: aaa-2020\n")},
            1,
            "missing-field",
            "missions.yaml",
            1,
        )
    )
    add(
        Case(
            "missions-not-a-list",
            {"missions.yaml": const(b"missions: 3\n")},
            1,
            "invalid-value",
            "missions.yaml",
            1,
        )
    )
    add(
        Case(
            "missions-entry-not-a-mapping",
            {"missions.yaml": lambda o: o + b"  - just text\n"},
            1,
            "invalid-type",
            "missions.yaml",
            16,
        )
    )
    add(
        Case(
            "missions-top-typo",
            {"missions.yaml": lambda o: o + b"mission: []\n"},
            1,
            "unknown-field",
            "missions.yaml",
            16,
        )
    )
    add(
        Case(
            "missions-missing-name",
            {"missions.yaml": sub("    name: B 2021\n", "")},
            1,
            "missing-field",
            "missions.yaml",
            9,
        )
    )
    add(
        Case(
            "missions-control-in-name-dict",
            {
                "missions.yaml": sub(
                    "name: {en: A 2020, es: A 2020}", 'name: {en: "A\\x1b 2020", es: A 2020}'
                )
            },
            1,
            "control-character",
            "missions.yaml",
            4,
        )
    )

    # ovm.yaml: each setting given a bad value, at the value.
    config = [
        ("seed: 7", "seed: -1", "invalid-value"),
        ("seed: 7", "seed: 1.5", "invalid-value"),
        ("seed: 7", "seed: abc", "invalid-value"),
        ("bootstrap: 50", "bootstrap: -1", "invalid-value"),
        ("bootstrap: 50", "bootstrap: 1000000000", "invalid-value"),
        ("bootstrap: 50", "bootstrap: 1e3", "invalid-value"),
        ("bootstrap: 50", "bootstrap: 50, confidence: 2", "invalid-value"),
        ("bootstrap: 50", "bootstrap: 50, speed: max", "unknown-field"),
        ("simulated: true", "simulated: 2", "invalid-value"),
        ("simulated: true", "layout: kobo2", "invalid-choice"),
        ("simulated: true", "confidence: sure", "invalid-choice"),
        ("rubric: rubric.yaml", "rubric: bundled:nope", "unknown-rubric"),
        ("rubric: rubric.yaml", "rubric: nope.yaml", "file-not-found"),
        ("missions: missions.yaml", "missions: nope.yaml", "file-not-found"),
        ("[statistics.csv]", "[nope.csv]", "file-not-found"),
        ("[statistics.csv]", "[statistics.csv, statistics.csv]", "duplicate-source"),
        ("- path: checklists.csv", "- path: nope.csv", "file-not-found"),
        ("title:", "titel:", "unknown-field"),
        ("settings:", "setings:", "unknown-field"),
    ]
    for old, new, code in config:
        add(
            Case(
                f"config-{new}",
                {"ovm.yaml": sub(old, new)},
                1,
                code,
                "ovm.yaml",
                line_of("ovm.yaml", old),
            )
        )
    add(
        Case(
            "config-not-a-mapping",
            {"ovm.yaml": const(b"- a\n- b\n")},
            1,
            "invalid-type",
            "ovm.yaml",
            1,
        )
    )
    add(Case("config-missing", {"ovm.yaml": gone}, 2, None, "ovm.yaml", None))
    # Workbooks named in ovm.yaml.
    book = _xlsx([["mission", "registered_abroad", "votes_abroad"], ["aaa-2020", 1000, "=350"]])
    add(
        Case(
            "xlsx-formula-without-value",
            {"ovm.yaml": sub("[statistics.csv]", "[s.xlsx]"), "s.xlsx": book},
            1,
            "formula-without-value",
            "s.xlsx[Sheet]",
            2,
            3,
        )
    )
    add(
        Case(
            "xlsx-missing-sheet",
            {"ovm.yaml": sub("[statistics.csv]", "[{path: s.xlsx, sheet: stats}]"), "s.xlsx": book},
            1,
            "missing-sheet",
            "ovm.yaml",
            4,
            36,
        )
    )
    two = _xlsx([["about"]], [["mission"]])
    add(
        Case(
            "xlsx-unnamed-sheet",
            {"ovm.yaml": sub("[statistics.csv]", "[s.xlsx]"), "s.xlsx": two},
            1,
            "unnamed-sheet",
            "ovm.yaml",
            4,
            14,
        )
    )
    add(
        Case(
            "xlsx-empty",
            {"ovm.yaml": sub("[statistics.csv]", "[s.xlsx]"), "s.xlsx": _xlsx([])},
            1,
            "empty-file",
            "s.xlsx[Sheet]",
            1,
        )
    )
    add(
        Case(
            "xlsx-zip-not-workbook",
            {
                "ovm.yaml": sub("[statistics.csv]", "[s.xlsx]"),
                "s.xlsx": const(b"PK\x03\x04" + b"\x00" * 60),
            },
            1,
            "unreadable-table",
            "s.xlsx",
            None,
        )
    )

    # YAML damage, in each of the three YAML files: at the line where it is.
    yaml_damage = [
        ("unclosed-brace", "{", "yaml-syntax"),
        ("unclosed-quote", '"', "yaml-syntax"),
        ("stray-colon", ": :", "yaml-syntax"),
        ("alias-unknown", "*nowhere", "yaml-syntax"),
        ("python-tag", "!!python/name:os.system ", "invalid-tag"),
        ("custom-tag", "!secret ", "invalid-tag"),
        ("nul", "\x00", "yaml-syntax"),
        ("bell", "\x07", "yaml-syntax"),
    ]
    anchors = {
        "missions.yaml": ("name: B 2021", "name: "),
        "ovm.yaml": ("rubric: rubric.yaml", "rubric: "),
        "rubric.yaml": ("id: mini", "id: "),
    }
    for file, (old, key) in anchors.items():
        line = line_of(file, old)
        for label, piece, code in yaml_damage:
            value = old[len(key) :]
            stop = _STOPS.get((file, label))
            add(
                Case(
                    f"{file}-{label}",
                    {file: sub(old, f"{key}{piece}{value}")},
                    1,
                    code,
                    file,
                    line if stop is None else stop,
                )
            )
        add(
            Case(
                f"{file}-duplicate-key",
                {file: sub(old, f"{old}\n{_indent_of(file, old)}{old}")},
                1,
                "duplicate-key",
                file,
                line + 1,
            )
        )
        add(Case(f"{file}-latin1", {file: _latin1(old)}, 1, "invalid-encoding", file, line))
        add(
            Case(
                f"{file}-deep",
                {file: sub(old, key + "[" * 250 + "]" * 250)},
                1,
                "yaml-too-deep",
                file,
                line,
            )
        )
    add(
        Case(
            "rubric-alias-bomb",
            {"rubric.yaml": const(_bomb())},
            1,
            "yaml-too-complex",
            "rubric.yaml",
            None,  # where expansion stops differs between libyaml and the pure composer
        )
    )

    # Rubric damage, through `ovm validate` and `ovm check`.
    rubric = [
        ("weight: 2", "weight: 0", "invalid-weight"),
        ("weight: 2", "weight: -1", "invalid-weight"),
        ("weight: 2", "weight: yes", "invalid-weight"),
        ("weight: 2", "weight: 1e400", "invalid-weight"),
        ("weight: 2", "weight: 2\n    aggregation: generalised", "missing-power"),
        (
            "weight: 2",
            "weight: 2\n    aggregation: generalised\n    power: 1000",
            "number-overflow",
        ),
        ("weight: 2", "weight: 2\n    aggregation: median", "invalid-choice"),
        ("weight: 2", "weight: 2\n    min_coverage: 2", "invalid-coverage"),
        ("low: 10, high: 60", "low: 60, high: 60", "goalposts-equal"),
        ("low: 10, high: 60", "low: 60, high: 10", "goalposts-unordered"),
        # direction: lower already written: another hint, the same code and place
        ("low: 10, high: 60", "low: 60, high: 10, direction: lower", "goalposts-unordered"),
        ("low: 10, high: 60", "low: -1e308, high: 1e308", "number-overflow"),
        ("low: 10, high: 60", "low: 10, high: 1e400", "invalid-value"),
        (
            "formula: votes_abroad / registered_abroad * 100",
            "formula: votes_abroad / * 100",
            "formula-syntax",
        ),
        (
            "formula: votes_abroad / registered_abroad * 100",
            "formula: votes / registered_abroad * 100",
            "unknown-variable",
        ),
        (
            "formula: votes_abroad / registered_abroad * 100",
            "formula: votes_abroad / registred_abroad * 100",
            "unknown-variable",
        ),
        (
            "formula: votes_abroad / registered_abroad * 100",
            "formula: __import__('os')",
            "formula-syntax",
        ),
        ("kind: levels", "kind: level", "unknown-kind"),
        ("- id: rights.postal", "- id: rights.basis", "duplicate-id"),
        ("- id: rights.postal", "- id: overall", "duplicate-id"),
        ("- id: rights.postal", "- id: Rights Postal", "invalid-id"),
        ("references: [idea-2007]", "references: [idea-2006]", "unknown-reference"),
        ("{key: statute, score: 60,", "{key: statute, score: 160,", "level-score-range"),
        ("{min: 50, max: 80,", "{min: 60, max: 80,", "bands-gap"),
        ("{min: 50, max: 80,", "{min: 40, max: 80,", "bands-overlap"),
        ("{min: 50, max: 80,", "{min: 90, max: 80,", "bands-unordered"),
        (
            "title: {en: Mini rubric, es: Rúbrica mínima}",
            "title: {en: Mini rubric}",
            "missing-translation",
        ),
        ("languages: [en, es]", "languages: [en, Spanish]", "invalid-format"),
        ('version: "0.1"', "version: [0.1]", "invalid-value"),
        ("ovm_rubric: 1", "ovm_rubric: 9", "invalid-choice"),
        (
            "from_sites: {question: practice.turned_away, stat: mean}",
            "from_sites: {question: practice.late, stat: mean}",
            "unknown-question",
        ),
        (
            "from_sites: {question: practice.turned_away, stat: mean}",
            "from_sites: {question: practice.turned_away, stat: mode}",
            "invalid-choice",
        ),
        ("measure: distance_to_best", "measure: distance_to_worst", "invalid-choice"),
        ("target: practice", "target: practise", "unknown-node"),
        (
            "answer_type: integer\n        minimum: 0\n        stat: median",
            "answer_type: integer\n        minimum: 0\n        stat: share",
            "invalid-stat",
        ),
        ("{name: registered_abroad,", "{name: Registered,", "invalid-name"),
        ("{name: votes_abroad,", "{name: registered_abroad,", "duplicate-variable"),
        (
            "type: count, source: statistics, at_most: registered_abroad",
            "type: count, source: statistics, at_most: voters",
            "unknown-variable",
        ),
        (
            "type: count, source: statistics, at_most: registered_abroad",
            "type: tally, source: statistics, at_most: registered_abroad",
            "invalid-choice",
        ),
    ]
    for old, new, code in rubric:
        line = line_of("rubric.yaml", old) + new.count("\n")
        name = new.splitlines()[-1].strip()
        add(
            Case(
                f"rubric-{name}",
                {"rubric.yaml": sub(old, new)},
                1,
                code,
                "rubric.yaml",
                line,
                None,
                ("validate", "{ws}/rubric.yaml"),
            )
        )
        add(
            Case(
                f"rubric-in-workspace-{name}",
                {"rubric.yaml": sub(old, new)},
                1,
                code,
                "rubric.yaml",
                line,
            )
        )
    for path in sorted(RUBRICS.glob("*.yaml")):
        if path.stem in _NOT_A_CODE:
            continue
        add(
            Case(
                f"fixture-{path.stem}",
                {"f.yaml": const(path.read_bytes())},
                1 if path.stem not in _WARNINGS else 0,
                path.stem,
                "f.yaml",
                _FIXTURE_LINES.get(path.stem),
                None,
                ("validate", "{ws}/f.yaml"),
            )
        )

    # whatif values: each refused naming the variable (no file: the value is on the command line).
    for value, code in (
        ("abc", "invalid-number"),
        ("nan", "not-finite"),
        ("1e400", "not-finite"),
        ("-5", "negative-count"),
        ("1e9", "exceeds-limit"),
        ("2.5", "not-integer"),
    ):
        add(
            Case(
                f"whatif-{value}",
                {},
                1,
                code,
                "votes_abroad",
                None,
                None,
                ("whatif", "{ws}", "--mission", "aaa-2020", "--set", f"votes_abroad={value}"),
            )
        )
    # An indicator computed from variables is changed through them, not set.
    add(
        Case(
            "whatif-quantitative-indicator",
            {},
            1,
            "not-settable",
            "rights.turnout",
            None,
            None,
            ("whatif", "{ws}", "--mission", "aaa-2020", "--set", "rights.turnout=50"),
        )
    )
    return out


def _cell(row: int, column: int, text: str) -> Edit:
    """Set the cell at ``row`` (the header is 1) and ``column`` (from 0) of a CSV."""

    def edit(raw: bytes) -> bytes:
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
        rows[row - 1][column] = text
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue().encode("utf-8")

    return edit


def _column(header: str) -> Edit:
    """Add a column (empty cells) to a CSV."""

    def edit(raw: bytes) -> bytes:
        lines = raw.decode("utf-8").splitlines()
        lines = [lines[0] + "," + header, *(x + "," for x in lines[1:])]
        return ("\n".join(lines) + "\n").encode("utf-8")

    return edit


def _xlsx(*sheets: list[list[object]]) -> Edit:
    """A workbook of these sheets (the first named Sheet), made when the case runs."""

    def edit(_raw: bytes) -> bytes:
        import openpyxl

        wb = openpyxl.Workbook()
        for k, rows in enumerate(sheets):
            sh = wb.active if k == 0 else wb.create_sheet(f"Sheet{k + 1}")
            assert sh is not None
            for r in rows:
                sh.append(r)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    return edit


def _latin1(old: str) -> Edit:
    """Put a Latin-1 byte into the value ``old`` ends with."""
    return lambda raw: raw.replace(old.encode(), old.encode() + b"\xe9", 1)


def _indent_of(file: str, text: str) -> str:
    raw = (MINI / file).read_text(encoding="utf-8")
    start = raw.rfind("\n", 0, raw.index(text)) + 1
    return raw[start : raw.index(text)].replace("-", " ")


def _bomb() -> bytes:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for k in range(1, 9):
        refs = ", ".join([f"*a{k - 1}"] * 10)
        lines.append(f"a{k}: &a{k} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


_NOT_A_CODE = {"valid", "five-mistakes", "billion-laughs", "duplicate-level-key", "reserved-id"}
_WARNINGS = {"unused-variable", "levels-unordered", "unbounded-scale", "share-outside-bands"}
# Where each fixture's problem is written (its key or value).
_FIXTURE_LINES: dict[str, int] = {
    "bands-gap": 7,
    "bands-overlap": 7,
    "bands-unordered": 7,
    "duplicate-id": 22,
    "duplicate-key": 19,
    "duplicate-variable": 9,
    "empty-group": 11,
    "formula-syntax": 26,
    "goalposts-equal": 27,
    "goalposts-unordered": 27,
    "indicator-at-top": 11,
    "invalid-choice": 17,
    "invalid-coverage": 13,
    "invalid-format": 16,
    "invalid-id": 14,
    "invalid-key": 4,
    "invalid-language": 5,
    "invalid-name": 8,
    "invalid-placeholder": 23,
    "invalid-range": 8,
    "invalid-stat": 36,
    "invalid-value": 20,
    "invalid-weight": 13,
    "level-score-range": 21,
    "levels-unordered": 21,
    "missing-choices": 31,
    "missing-field": 14,
    "bands-mixed": 14,
    "invalid-scale": 10,
    "node-cycle": 22,
    "subtract-outside-sum": 16,
    "missing-power": 13,
    "missing-rule": 31,
    "missing-translation": 24,
    "not-a-mapping": 1,
    "number-overflow": 27,
    "out-of-range": 27,
    "reserved-choice": 39,
    "reserved-name": 31,
    "share-outside-bands": 36,
    "too-short": 20,
    "unbounded-scale": 13,
    "unknown-choice": 40,
    "unknown-field": 18,
    "unknown-kind": 15,
    "unknown-node": 14,
    "unknown-placeholder": 23,
    "unknown-question": 10,
    "unknown-reference": 18,
    "unknown-variable": 26,
    "unused-variable": 8,
    "yaml-syntax": 15,
}
# Where the parser stops on a construct never closed (the message says where it opened).
_STOPS = {
    ("missions.yaml", "unclosed-brace"): 12,
    ("missions.yaml", "unclosed-quote"): 16,
    ("ovm.yaml", "unclosed-brace"): 3,
    ("ovm.yaml", "unclosed-quote"): 9,
    ("rubric.yaml", "unclosed-brace"): 3,
    ("rubric.yaml", "unclosed-quote"): 3,
}


CASES: list[Case] = [Case(*c) for c in _FIRST] + grown()


def more() -> list[Case]:
    """Cases for the codes the classes above do not reach."""
    checklist_rows = (
        "aaa-2020,s1,USA,Miami,o1,2020-05-01T08:00,,yes,15,0\n"
        "aaa-2020,s2,USA,Houston,o1,2020-05-01T10:00,,yes,15,0\n"
        "aaa-2020,s3,ESP,Madrid,o1,2020-05-02T08:20,,yes,15,0\n"
    )
    header = (
        "mission,site,site_country,site_city,observer,visited_at,notes,practice.on_time,"
        "practice.queue,practice.turned_away\n"
    )
    return [
        Case(
            "checklist-note-over-the-limit",
            {"checklists.csv": _cell(3, 6, "x" * (10 * 1024**2 + 1))},
            0,
            "cell-too-large",
            "checklists.csv",
            3,
            7,
        ),
        Case(
            "checklist-simulated-maybe",
            {"checklists.csv": lambda o: _cell(2, 10, "maybe")(_column("simulated")(o))},
            1,
            "invalid-flag",
            "checklists.csv",
            2,
            11,
        ),
        Case(
            "checklist-same-answers-everywhere",
            {"checklists.csv": const((header + checklist_rows).encode())},
            0,
            "identical-answers",
            "checklists.csv",
            4,
        ),
        Case(
            "mission-date-left-as-ovm-init-wrote-it",
            {
                "missions.yaml": sub(
                    "    election: {type: general, date: 2020-05-01}",
                    "    election: {type: general, date: 2020-01-01}   # check: the election day",
                )
            },
            0,
            "init-placeholder",
            "missions.yaml",
            5,
            37,
        ),
        Case(
            "checklist-two-places-at-one-time",
            {"checklists.csv": _two_places},
            0,
            "observer-two-places",
            "checklists.csv",
            3,
        ),
        Case(
            "checklist-site-in-home-country",
            {"checklists.csv": _cell(3, 2, "ARG")},
            0,
            "site-in-home-country",
            "checklists.csv",
            3,
            3,
        ),
        Case(
            "checklist-site-left-blank",
            {"checklists.csv": _cell(3, 1, "")},
            0,
            "blank-site",
            "checklists.csv",
            3,
            2,
        ),
        Case(
            "checklist-row-naming-only-its-mission",
            {"checklists.csv": lambda o: o + b"aaa-2020,,,,,,,,,\n"},
            1,
            "empty-visit",
            "checklists.csv",
            8,
            1,
        ),
        Case(
            "checklist-site-names-alike",
            {"checklists.csv": _cell(3, 1, "S1")},
            0,
            "similar-sites",
            "checklists.csv",
            3,
            2,
        ),
        Case(
            "checklist-without-site",
            {"checklists.csv": sub("mission,site,", "mission,polling_place,")},
            0,
            "missing-column",
            "checklists.csv",
            1,
        ),
        Case(
            "checklist-site-misnamed",
            {"checklists.csv": sub("mission,site,", "mission,polling_place,")},
            0,
            "unknown-column",
            "checklists.csv",
            1,
            2,
        ),
        Case(
            "checklist-visit-after-the-vote",
            {"checklists.csv": _cell(2, 5, "2020-06-01T08:00")},
            0,
            "visit-outside-voting-period",
            "checklists.csv",
            2,
            6,
        ),
        Case(
            "checklist-visit-before-opening",
            {
                "missions.yaml": sub(
                    "    election: {type: general, date: 2020-05-01}",
                    "    election: {type: general, date: 2020-05-01}\n"
                    "    places: [{id: s1, country: USA, opens: '09:00'}]",
                )
            },
            0,
            "visit-before-opening",
            "checklists.csv",
            2,
            6,
        ),
        Case(
            "rubric-rating-of-unrated-bands",
            {
                "f.yaml": const(
                    (RUBRICS / "subtract-outside-sum.yaml")
                    .read_bytes()
                    .replace(b"subtracts: true", b"weight: 1")
                )
            },
            1,
            "no-rating",
            "f.yaml",
            22,
            None,
            ("validate", "{ws}/f.yaml"),
        ),
        Case(
            "rubric-over-the-size-limit",
            {"rubric.yaml": lambda o: o + b"# " + b"x" * (6 * 1024**2) + b"\n"},
            1,
            "file-too-large",
            "rubric.yaml",
            1,
            None,
            ("validate", "{ws}/rubric.yaml"),
        ),
        Case(
            "missions-follow-up-without-previous",
            {
                "missions.yaml": sub(
                    "      rights.postal: no",
                    "      rights.postal: no\n    follow_up:\n"
                    "      - {id: r1, text: x, to: electoral_body, status: implemented}",
                )
            },
            1,
            "no-previous-mission",
            "missions.yaml",
            17,
        ),
        Case(
            "missions-follow-up-of-no-recommendation",
            {
                "missions.yaml": lambda o: sub(
                    "      rights.postal: no",
                    "      rights.postal: no\n    follow_up:\n"
                    "      - {id: r9, text: x, to: electoral_body, status: implemented}",
                )(
                    sub(
                        "name: {en: A 2020, es: A 2020}",
                        "name: {en: A 2020, es: A 2020}\n"
                        "    recommendations: [{id: r1, text: x, to: electoral_body}]",
                    )(sub("country: BRA", "country: ARG")(o) or b"")
                    or b""
                )
            },
            1,
            "unknown-recommendation",
            "missions.yaml",
            18,
        ),
        Case(
            "validate-given-the-missions-file",
            {},
            1,
            "not-a-rubric",
            "missions.yaml",
            1,
            1,
            ("validate", "{ws}/missions.yaml"),
        ),
        Case(
            "missions-previous-of-another-country",
            {"missions.yaml": sub("    name: B 2021", "    name: B 2021\n    previous: aaa-2020")},
            1,
            "invalid-previous",
            "missions.yaml",
            12,
            15,
        ),
        Case(
            "missions-follow-up-leaves-a-recommendation-out",
            {
                "missions.yaml": lambda o: sub(
                    "      rights.postal: no",
                    "      rights.postal: no\n    follow_up:\n"
                    "      - {id: r1, text: x, to: electoral_body, status: implemented}",
                )(
                    sub(
                        "name: {en: A 2020, es: A 2020}",
                        "name: {en: A 2020, es: A 2020}\n"
                        "    recommendations: [{id: r1, text: x, to: electoral_body},"
                        " {id: r2, text: y, to: legislature}]",
                    )(sub("country: BRA", "country: ARG")(o) or b"")
                    or b""
                )
            },
            0,
            "follow-up-incomplete",
            "missions.yaml",
            17,
            5,
        ),
        Case(
            "statistics-without-a-variable-a-formula-reads",
            {"statistics.csv": const(b"mission,registered_abroad\naaa-2020,1000\nbbb-2021,2000\n")},
            0,
            "variable-not-given",
            "rubric.yaml",
            line_of("rubric.yaml", "  - {name: votes_abroad,"),
            12,
        ),
        Case(
            "checklist-question-column-renamed",
            {"checklists.csv": sub("practice.on_time,", "practice.on_time_,")},
            0,
            "question-not-answered",
            "rubric.yaml",
            line_of("rubric.yaml", "      - id: practice.on_time"),
            13,
        ),
        # A question's header edited on the survey server: its warning names the question.
        Case(
            "checklist-question-header-edited",
            {"checklists.csv": sub("practice.on_time,", "On time?,")},
            0,
            "unknown-column",
            "checklists.csv",
            1,
            8,
        ),
        Case(
            "statistics-provenance-date",
            {"statistics.csv": sub("votes_abroad__confidence", "votes_abroad__date")},
            1,
            "invalid-provenance",
            "statistics.csv",
            2,
            5,
        ),
        Case(
            "rubric-edited-under-the-bundled-id-and-version",
            {
                "rubric.yaml": lambda raw: raw.replace(
                    b"id: mini\n", b"id: deco-voting-abroad\n"
                ).replace(b'version: "0.1"', _bundled_version_line())
            },
            0,
            "edited-bundled-rubric",
            "rubric.yaml",
            3,
            10,
        ),
        Case(
            "workspace-title-left-as-ovm-init-wrote-it",
            {
                "ovm.yaml": sub(
                    "title: {en: Mini workspace, es: Espacio mínimo}", 'title: {en: "ws"}'
                )
            },
            0,
            "init-placeholder",
            "ovm.yaml",
            1,
            8,
        ),
    ]


def _bundled_version_line() -> bytes:
    """The bundled rubric's version line as it stands: a rubric under its id and version."""
    text = (MINI.parents[2] / "ovm" / "rubrics" / "deco-voting-abroad.yaml").read_bytes()
    return next(x for x in text.splitlines() if x.startswith(b"version:"))


def _two_places(raw: bytes) -> bytes:
    return raw.replace(b"s2,USA,Houston,o2,2020-05-01T08:10", b"s2,USA,Houston,o1,2020-05-01T08:05")


CASES += more()

_EXPORT_HEADER = (
    "mission,site_country,site_city,site,observer,visited_at,practice/practice.on_time,"
    "practice/practice.queue_NA,practice/practice.queue,practice/practice.turned_away,notes,"
    "ovm_rubric_version,_uuid\n"
)
_EXPORT_ROWS = (
    "aaa-2020,USA,Miami,s1,o1,2020-05-01T08:00,yes,yes,15,0,,,u1\n"
    "aaa-2020,USA,Houston,s2,o2,2020-05-01T08:10,no,yes,40,2,,,u2\n"
    "aaa-2020,ESP,Madrid,s3,o3,2020-05-01T08:20,yes,na,,0,,,u3\n"
)


def exports() -> list[Case]:
    """A KoboToolbox export of the observer form (its queue question asked "does this apply?"
    first), named in ovm.yaml beside the plain checklist, and files that are no files."""
    gated = sub(
        "answer_type: integer\n        minimum: 0",
        "answer_type: integer\n        not_applicable: true\n        minimum: 0",
    )
    named = sub(
        "  - path: checklists.csv", "  - {path: kobo.csv, layout: kobo}\n  - path: checklists.csv"
    )

    def export(old: str = "", new: str = "") -> Edit:
        rows = _EXPORT_ROWS.replace(old, new, 1) if old else _EXPORT_ROWS
        assert rows != _EXPORT_ROWS or not old, old
        return const((_EXPORT_HEADER + rows).encode())

    def case(name: str, status: int, code: str, line: int, column: int, kobo: Edit) -> Case:
        edits = {"rubric.yaml": gated, "ovm.yaml": named, "kobo.csv": kobo}
        return Case(name, edits, status, code, "kobo.csv", line, column)

    return [
        case(
            "export-not-applicable-with-an-answer",
            1,
            "conflicting-answers",
            4,
            9,
            export("yes,na,,0", "yes,na,12,0"),
        ),
        case("export-submission-twice", 1, "duplicate-submission", 4, 13, export(",u3", ",u2")),
        case(
            "export-of-another-rubric-version",
            0,
            "rubric-mismatch",
            3,
            12,
            export("40,2,,,u2", "40,2,,0.0,u2"),
        ),
        Case(
            "export-submission-not-approved",
            {
                "rubric.yaml": gated,
                "ovm.yaml": named,
                "kobo.csv": const(
                    (
                        _EXPORT_HEADER.replace(",_uuid\n", ",_uuid,_validation_status\n")
                        + _EXPORT_ROWS.replace(",u1\n", ",u1,\n")
                        .replace(",u2\n", ",u2,validation_status_not_approved\n")
                        .replace(",u3\n", ",u3,\n")
                    ).encode()
                ),
            },
            0,
            "excluded-row",
            "kobo.csv",
            3,
            14,
        ),
        Case(
            "export-review-status-unknown",
            {
                "rubric.yaml": gated,
                "ovm.yaml": named,
                "kobo.csv": const(
                    (
                        _EXPORT_HEADER.replace(",_uuid\n", ",_uuid,_validation_status\n")
                        + _EXPORT_ROWS.replace(",u1\n", ",u1,\n")
                        .replace(",u2\n", ",u2,No aprobado\n")
                        .replace(",u3\n", ",u3,\n")
                    ).encode()
                ),
            },
            0,
            "unknown-review-status",
            "kobo.csv",
            3,
            14,
        ),
        Case(
            "checklist-file-is-a-folder",
            {"checklists.csv": folder},
            1,
            "file-unreadable",
            "ovm.yaml",
            6,
            11,
        ),
        Case(
            "statistics-file-is-a-pipe",
            {"statistics.csv": pipe},
            1,
            "file-unreadable",
            "ovm.yaml",
            4,
            14,
        ),
        Case(
            "statistics-over-the-size-limit",
            {"statistics.csv": sparse(1024**3 + 1)},
            1,
            "file-too-large",
            "ovm.yaml",
            4,
            14,
        ),
        Case(
            "workbook-over-the-size-limit",
            {"ovm.yaml": sub("[statistics.csv]", "[s.xlsx]"), "s.xlsx": sparse(100 * 1024**2 + 1)},
            1,
            "file-too-large",
            "ovm.yaml",
            4,
            14,
        ),
        Case(
            "formula-reads-a-cohort-node",
            {"rubric.yaml": sub("formula: turned_away_mean", "formula: score(comparative.best)")},
            1,
            "cohort-node",
            "rubric.yaml",
            81,
            18,
            ("validate", "{ws}/rubric.yaml"),
        ),
        Case(
            "formula-divides-by-a-literal-zero",
            {"rubric.yaml": sub("registered_abroad * 100", "registered_abroad * 100 / 0")},
            1,
            "zero-divisor",
            "rubric.yaml",
            44,
            59,
            ("validate", "{ws}/rubric.yaml"),
        ),
        Case("rubric-is-a-folder", {"rubric.yaml": folder}, 1, "file-unreadable", "ovm.yaml", 2, 9),
        Case(
            "rubric-is-a-pipe",
            {"rubric.yaml": pipe},
            1,
            "file-unreadable",
            "rubric.yaml",
            None,
            None,
            ("validate", "{ws}/rubric.yaml"),
        ),
    ]


CASES += exports()


_PLACES = b"mission,place,country,city,tables,opens\naaa-2020,s1,USA,Miami,2,08:00\n"


def places() -> list[Case]:
    """Planned places from a table named in ovm.yaml."""
    named = sub("settings:", "places: [places.csv]\nsettings:")
    return [
        Case(
            "places-opening-not-a-time",
            {"ovm.yaml": named, "places.csv": const(_PLACES.replace(b"08:00", b"8h"))},
            1,
            "invalid-time",
            "places.csv",
            2,
            6,
        ),
        Case(
            "places-no-place",
            {"ovm.yaml": named, "places.csv": const(_PLACES.replace(b",s1,", b",,"))},
            1,
            "missing-place",
            "places.csv",
            2,
            2,
        ),
        Case(
            "places-country-name",
            {"ovm.yaml": named, "places.csv": const(_PLACES.replace(b"USA", b"Estados Unidos"))},
            1,
            "invalid-country",
            "places.csv",
            2,
            3,
        ),
        Case(
            "places-control-character-in-place",
            {"ovm.yaml": named, "places.csv": const(_PLACES.replace(b",s1,", b",s\x1b1,"))},
            1,
            "control-character",
            "places.csv",
            2,
            2,
        ),
        Case(
            "places-tables-negative",
            {"ovm.yaml": named, "places.csv": const(_PLACES.replace(b",2,", b",-2,"))},
            1,
            "negative-count",
            "places.csv",
            2,
            5,
        ),
    ]


CASES += places()
