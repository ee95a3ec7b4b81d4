"""Bad inputs: (name, {file: edit}, exit status, code, file, line); edits map bytes to bytes."""

from __future__ import annotations

from collections.abc import Callable

Edit = Callable[[bytes], bytes | None]


def sub(old: str, new: str) -> Edit:
    """Replace the first ``old`` by ``new``; the case fails if ``old`` is not there."""

    def edit(raw: bytes) -> bytes:
        assert old.encode() in raw, old
        return raw.replace(old.encode(), new.encode(), 1)

    return edit


def gone(_raw: bytes) -> None:
    """Delete the file."""
    return None


CASES: list[tuple[str, dict[str, Edit], int, str, str, int | None]] = [
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
        "invalid-value",
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
