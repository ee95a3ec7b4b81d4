"""Every bad input is refused where it is: the code, the file and the line, never a traceback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import ovm
from ovm.cli.app import main
from ovm.codes import CODES
from ovm.errors import format_path
from tests.bad_inputs.cases import CASES, Case
from tests.bad_inputs.runner import hit, run_case

# Every test runs with each YAML composer (libyaml and pure Python).
pytestmark = pytest.mark.usefixtures("yaml_loader")

MINI = Path(__file__).parent / "data" / "mini"
RUBRICS = Path(__file__).parent / "data" / "rubrics"
LINE = re.compile(
    r"^(?P<file>\S+?)(?::(?P<line>\d+))?(?::\d+)?:? (?:warning: )?.*\[(?P<code>[a-z-]+)\]$"
)


def run(
    args: list[str],
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, list[tuple[str, int | None, str]]]:
    code = main(args)
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    found = []
    for line in text.splitlines():
        m = LINE.match(line.strip())
        if m:
            found.append((Path(m["file"]).name, int(m["line"]) if m["line"] else None, m["code"]))
    return code, found


# Known echoes still to remove: each fails strictly, so fixing it shows here.
ECHOES: dict[str, str] = {}
PARAMS = [
    pytest.param(
        c,
        id=c.name,
        marks=[pytest.mark.xfail(strict=True, reason=ECHOES[c.name])] if c.name in ECHOES else [],
    )
    for c in CASES
]


@pytest.mark.parametrize("case", PARAMS)
def test_a_bad_input_is_refused_at_its_place(tmp_path: Path, case: Case) -> None:
    outcome = run_case(case, tmp_path)
    assert outcome.traceback == ""
    assert outcome.status == case.status, outcome.text
    assert hit(case, outcome), outcome.found
    errors_before = [
        f
        for f in outcome.found
        if f[3] != case.code
        and f[1] is not None
        and case.line is not None
        and f[0] == case.file
        and f[1] < case.line
        and f[3] not in WARNINGS
    ]
    # Nothing guessed: no other error in that file ahead of the planted one.
    assert errors_before == [], outcome.found


def test_the_corpus_covers_every_code_that_refuses_an_input() -> None:
    covered = {c.code for c in CASES}
    # Notes, server answers, outputs and the names given on the command line refuse no input
    # file (tests/test_cli.py tries a workspace name that loops).
    notes = {
        code
        for code, entry in CODES.items()
        if entry.area in ("scores", "pull", "outputs", "arguments")
    }
    assert len(CASES) >= 250
    assert sorted(set(CODES) - covered - notes) == []


WARNINGS = {"unused-variable", "invalid-country", "unknown-column", "follow-up-incomplete"}


FIXTURES = sorted(
    p
    for p in RUBRICS.glob("*.yaml")
    if p.stem
    not in (
        "valid",
        "five-mistakes",
        "not-a-mapping",
        "billion-laughs",
        "too-short",
        "formula-syntax",
        "duplicate-level-key",
        "reserved-id",
    )
)


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_each_rubric_fixture_gives_its_code_at_a_line(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _status, found = run(["validate", str(path)], capsys)
    codes = {c: ln for _f, ln, c in found}
    assert path.stem in codes, found
    assert codes[path.stem] is not None


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (
            "XXZ",
            "'XXZ' is not an ISO 3166 alpha-3 country code: write the country's ISO 3166-1 "
            "alpha-3 code, such as MEX for Mexico",
        ),
        (
            "MXE",
            "'MXE' is not an ISO 3166 alpha-3 country code: did you mean MEX (Mexico) or "
            "MNE (Montenegro)?",
        ),
        ("mx", "'mx' is not an ISO 3166 alpha-3 country code: did you mean MEX (Mexico)?"),
        ("México", "'México' is not an ISO 3166 alpha-3 country code: did you mean MEX (Mexico)?"),
    ],
)
def test_a_mission_country_is_an_iso_code_or_refused_with_a_guess(
    tmp_path: Path, written: str, said: str
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    missions = ws / "missions.yaml"
    missions.write_text(
        missions.read_text(encoding="utf-8").replace("country: BRA", f"country: {written}"),
        encoding="utf-8",
    )
    with pytest.raises(ovm.DataError) as err:
        ovm.load_workspace(ws)
    assert [(i.file, i.line, i.column, i.code, i.message) for i in err.value.issues] == [
        (str(missions), 10, 14, "invalid-country", said)
    ]


MINI_RUBRIC = (MINI / "rubric.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "place"),
    [
        # Two family weights of 1e308: their sum is infinite (one of them, times a score, too).
        (
            "    weight: 2\n",
            "    weight: 1e306\n",
            (49, 13, "families[1].weight"),
        ),
        (
            "    weight: 2\n",
            "    weight: 2\n    aggregation: generalised\n    power: 400\n",
            (50, 12, "families[1].power"),
        ),
        (
            "low: 10, high: 60",
            "low: -1e308, high: 1e308",
            (45, 52, "families[0].children[2].rule.high"),
        ),
    ],
    ids=["weights-sum", "power", "goalposts-apart"],
)
def test_numbers_whose_sums_overflow_are_refused_at_their_place(
    tmp_path: Path, old: str, new: str, place: tuple[int, int, str]
) -> None:
    text = MINI_RUBRIC.replace(old, new, 1)
    if "1e306" in new:
        text = text.replace(
            "    labels: {en: Rights, es: Derechos}\n",
            "    labels: {en: Rights, es: Derechos}\n    weight: 1e306\n",
            1,
        )
    path = tmp_path / "rubric.yaml"
    path.write_text(text, encoding="utf-8")
    _rubric, issues = ovm.check_rubric(path)
    assert [(i.line, i.column, i.code, format_path(i.path)) for i in issues] == [
        (*place[:2], "number-overflow", place[2])
    ]


def test_each_documented_example_is_the_message_ovm_gives() -> None:
    # docs/errors.md shows, for each code the corpus reaches, the line its first case prints
    # (`python -m tests.bad_inputs.examples --write` after a change of wording).
    from tests.bad_inputs.examples import real_examples

    real = real_examples()
    documented = {code: CODES[code].example for code in real}
    assert documented == real, "run `python -m tests.bad_inputs.examples --write`"
    reached = {c.code for c in CASES if c.code is not None}
    assert sorted(reached - set(real)) == []


UNQUOTED = 'YAML does not read {w} as text: write it in quotes, "{w}"'


@pytest.mark.parametrize(
    ("file", "old", "new", "found"),
    [
        # Norway's mission written "no": YAML reads False.
        (
            "missions.yaml",
            "  - id: bbb-2021\n",
            "  - id: no\n",
            [(9, 9, "invalid-value", "missions[1].id", "no")],
        ),
        (
            "missions.yaml",
            "    name: B 2021\n",
            "    name:\n      en: 2021\n      es: 2021-03-01\n",
            [
                (12, 11, "invalid-value", "missions[1].name.en", "2021"),
                (13, 11, "invalid-value", "missions[1].name.es", "2021-03-01"),
            ],
        ),
        (
            "ovm.yaml",
            "title: {en: Mini workspace, es: Espacio mínimo}",
            "title: {en: 12.5, es: null}",
            [
                (1, 13, "invalid-value", "title.en", "12.5"),
                (1, 23, "invalid-value", "title.es", "null"),
            ],
        ),
        (
            "rubric.yaml",
            "      - id: rights.postal\n",
            "      - id: off\n",
            [(34, 13, "invalid-id", "families[0].children[1].id", "off")],
        ),
    ],
    ids=["mission-id", "mission-name", "workspace-title", "indicator-id"],
)
def test_a_text_yaml_reads_as_something_else_is_quoted_back(
    tmp_path: Path, file: str, old: str, new: str, found: list[tuple[int, int, str, str, str]]
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    path = ws / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if file == "rubric.yaml":
        _rubric, issues = ovm.check_rubric(path)
    else:
        with pytest.raises(ovm.DataError) as err:
            ovm.load_workspace(ws)
        issues = list(err.value.issues)
    # (The tables' rows of a mission whose id is no longer bbb-2021 are said too.)
    assert [
        (i.line, i.column, i.code, format_path(i.path), i.message)
        for i in issues
        if i.file == str(path)
    ] == [(line, col, code, where, UNQUOTED.format(w=w)) for line, col, code, where, w in found]
