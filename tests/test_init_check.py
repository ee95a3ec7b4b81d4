"""``ovm init`` makes a workspace ``ovm check`` accepts; ``ovm check``/``validate`` locate every
problem without scoring; a wrong ``--mission`` is refused before any scoring."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovm.cli.app import main
from ovm.data.workspace import load_workspace
from ovm.errors import DataError

DOCS = Path(__file__).parent.parent / "docs"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _only_placeholders(said: tuple[int, str, str], root: Path, missions: int) -> None:
    """``ovm check`` of a workspace as ``ovm init`` wrote it: valid, with a warning for each
    placeholder the team has to fill in (each mission's election day and name, the title)."""
    code, out, err = said
    assert (code, out) == (0, f"{root}: valid ({2 * missions + 1} warnings)\n")
    issues = [line.rsplit(" ", 1)[-1] for line in err.splitlines() if line.endswith("]")]
    assert issues == ["[init-placeholder]"] * (2 * missions + 1)


def _titled(root: Path) -> None:
    """The title ovm init wrote (the folder's name) replaced by the team's."""
    config = root / "ovm.yaml"
    lines = config.read_text(encoding="utf-8").splitlines()
    lines = ['title: {en: "Observation 2026"}' if x.startswith("title:") else x for x in lines]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_init_writes_a_workspace_check_accepts_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "obs"
    code, _, err = run(
        ["init", str(root), "--missions", "col-2026", "mex-2024", "--copy-rubric"], capsys
    )
    assert code == 0, err
    assert sorted(p.name for p in root.iterdir()) == [
        "answers.csv",
        "checklists.csv",
        "missions.yaml",
        "ovm.yaml",
        "places.csv",
        "rubric.yaml",
        "statistics.csv",
    ]
    _only_placeholders(run(["check", str(root)], capsys), root, 2)
    assert run(["validate", str(root / "ovm.yaml")], capsys)[0] == 0
    header = (root / "checklists.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("mission,site,site_country,site_city,observer,visited_at,notes,")
    assert "country: COL" in (root / "missions.yaml").read_text(encoding="utf-8")


def test_init_with_an_id_that_names_no_country_writes_an_entity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A made-up country code would be refused by check; an entity of the mission's own is not.
    root = tmp_path / "obs"
    assert run(["init", str(root), "--missions", "abc-2025"], capsys)[0] == 0
    _only_placeholders(run(["check", str(root)], capsys), root, 1)
    text = (root / "missions.yaml").read_text(encoding="utf-8")
    assert "    entity: abc " in text
    assert "\n    country:" not in text


# Ids YAML would read as something else than text: Norway's "no", a year, a date, a number in
# each notation, a yes/no, null.
YAML_LOOKALIKES = [
    "no", "yes", "on", "off", "y", "n", "true", "null", "2026", "2026-01-01", "1_000", "0x1f",
    "0o17", "1e3", "0.5", "0.5e3", "nan", "inf", "0b101", "1.", "nor-2024",
]  # fmt: skip


def test_init_writes_ids_that_read_back_as_the_ids_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "obs"
    assert run(["init", str(root), "--missions", *YAML_LOOKALIKES], capsys)[0] == 0
    _only_placeholders(run(["check", str(root)], capsys), root, len(YAML_LOOKALIKES))
    ws = load_workspace(root)
    assert [m.id for m in ws.observations.missions] == YAML_LOOKALIKES
    assert [m.entity for m in ws.observations.missions] == [
        "no", "yes", "on", "off", "y", "n", "true", "null", "2026", "2026", "1_000", "0x1f",
        "0o17", "1e3", "0.5", "0.5e3", "nan", "inf", "0b101", "1.", None,
    ]  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,7}", fullmatch=True),
        min_size=1,
        max_size=6,
        unique=True,
    )
)
def test_any_id_init_accepts_reads_back_as_itself(
    tmp_path_factory: pytest.TempPathFactory, ids: list[str]
) -> None:
    root = tmp_path_factory.mktemp("ids") / "obs"
    assert main(["init", str(root), "-q", "--missions", *ids]) == 0
    assert [m.id for m in load_workspace(root).observations.missions] == ids


def test_init_refuses_to_overwrite_and_bad_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["init", str(tmp_path / "a")], capsys)[0] == 0
    code, _, err = run(["init", str(tmp_path / "a")], capsys)
    assert (code, "never overwrites" in err) == (2, True)
    code, _, err = run(["init", str(tmp_path / "b"), "--missions", "COL 2026"], capsys)
    assert code == 2 and "lowercase" in err
    assert run(["init", str(tmp_path / "c"), "--rubric", "bundled:nope"], capsys)[0] == 2


def test_check_locates_every_problem_without_scoring(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "obs"
    run(["init", str(root), "--missions", "col-2026"], capsys)
    (root / "statistics.csv").write_text(
        "mission,registered_abroad,turnout_extra\ncol-2026,41.300.000,1\nzzz,1,1\n",
        encoding="utf-8",
    )
    (root / "checklists.csv").write_text(
        "mission,site,site_country,observer,visited_at\ncol-2026,s1,Spain,o1,yesterday\n",
        encoding="utf-8",
    )
    code, out, err = run(["check", str(root), "--format", "json"], capsys)
    assert code == 1
    issues = json.loads(out)["issues"]
    # the variables this table left out (tests/test_variables_given.py)
    # and what ovm init left to fill in (test_init_writes_a_workspace_check_accepts_at_once)
    left_out = [
        i
        for i in issues
        if i["code"] in ("variable-not-given", "question-not-answered", "init-placeholder")
    ]
    got = [
        (Path(i["file"]).name, i["line"], i["column"], i["code"], i["severity"])
        for i in issues
        if i not in left_out
    ]
    assert got == [
        ("checklists.csv", 2, 3, "invalid-country", "warning"),
        ("checklists.csv", 2, 5, "invalid-visit-time", "warning"),
        ("statistics.csv", 1, 3, "unknown-column", "warning"),
        ("statistics.csv", 2, 2, "invalid-number", "error"),
        ("statistics.csv", 3, 1, "unknown-mission", "error"),
    ]
    code, _, err = run(["check", str(root)], capsys)
    assert code == 1
    assert f"{root}: 2 errors, {3 + len(left_out)} warnings" in err
    assert "'Spain' is not an ISO 3166 alpha-3 country code: did you mean ESP (Spain)?" in err


def test_check_says_every_problem_of_every_file_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A broken mission entry and a table ovm cannot read used to hide the rows every other
    # table rejected: a team fixed them in three rounds.
    root = tmp_path / "obs"
    run(["init", str(root), "-q", "--missions", "col-2026", "mex-2024"], capsys)
    missions = root / "missions.yaml"
    missions.write_text(
        missions.read_text(encoding="utf-8").replace("date: 2024-01-01", "date: 31/12/2024"),
        encoding="utf-8",
    )
    (root / "statistics.csv").write_text(
        "mission;registered_abroad\ncol-2026;41300\n", encoding="utf-8"
    )
    (root / "answers.csv").write_text("mission\nmex-2024\ncol-2026\nzzz-2020\n", encoding="utf-8")
    (root / "checklists.csv").write_text(
        "mission,site,site_country,observer,visited_at\n"
        "col-2026,s1,ESP,o1,2026-01-01T09:00\n"
        "mex-2024,s2,USA,o2,2024-01-01T09:00\n"
        "col-2025,s3,ESP,o3,2026-01-01T10:00\n",
        encoding="utf-8",
    )
    code, out, _ = run(["check", str(root), "--format", "json"], capsys)
    assert code == 1
    got = sorted(
        (Path(i["file"]).name, i["line"], i["code"], i["severity"])
        for i in json.loads(out)["issues"]
        if i["code"] != "init-placeholder"
    )
    # mex-2024's rows are not said to name no mission: its entry's error says why.
    assert got == [
        ("answers.csv", 4, "unknown-mission", "error"),
        ("checklists.csv", 4, "unknown-mission", "error"),
        ("missions.yaml", 18, "invalid-value", "error"),
        ("statistics.csv", 1, "wrong-separator", "error"),
    ]
    with pytest.raises(DataError) as err:
        load_workspace(root)
    assert sorted(
        (Path(i.file).name, i.line, i.code)
        for i in err.value.issues
        if i.code != "init-placeholder"
    ) == [(f, line, c) for f, line, c, _ in got]


@pytest.mark.parametrize(
    ("broken", "line", "code"),
    [
        ("missions:\n  - id: [broken\n", 3, "yaml-syntax"),
        ("- just\n- a list\n", 1, "missing-field"),
    ],
)
def test_a_missions_file_without_a_list_is_not_buried_under_every_row_naming_a_mission(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], broken: str, line: int, code: str
) -> None:
    # A missions file that cannot be parsed listed one "no mission 'x' in the missions file"
    # per data row, all before its own error; the rows' other problems are still said.
    root = tmp_path / "obs"
    run(["init", str(root), "-q", "--missions", "col-2026", "mex-2024"], capsys)
    (root / "missions.yaml").write_text(broken, encoding="utf-8")
    (root / "answers.csv").write_text("mission\nmex-2024\ncol-2026\n", encoding="utf-8")
    (root / "checklists.csv").write_text(
        "mission,site,site_country,observer,visited_at\n"
        "col-2026,s1,ESP,o1,2026-01-01T09:00\n"
        "mex-2024,s2,USA,o2,2024-01-01T09:00\n"
        "col-2026,s3,ESP,o3,yesterday\n",
        encoding="utf-8",
    )
    status, out, _ = run(["check", str(root), "--format", "json"], capsys)
    assert status == 1
    got = sorted((Path(i["file"]).name, i["line"], i["code"]) for i in json.loads(out)["issues"])
    assert got == [("checklists.csv", 4, "invalid-visit-time"), ("missions.yaml", line, code)]
    # The form reads the plan alone: its places table's rows likewise.
    (root / "places.csv").write_text(
        "mission,place,country,city,tables,opens\n"
        "col-2026,p1,ESP,Madrid,2,08:00\n"
        "mex-2024,p2,USA,Houston,x,08:00\n",
        encoding="utf-8",
    )
    status, _, err = run(["form", str(root), "-o", str(tmp_path / "form.xlsx")], capsys)
    assert status == 1
    said = sorted(re.findall(r"(\S+?):(\d+):\d+ .*\[([a-z-]+)\]$", err, re.MULTILINE))
    assert [(Path(f).name, int(n), c) for f, n, c in said] == [
        ("missions.yaml", line, code),
        ("places.csv", 3, "invalid-number"),
    ]


def test_check_reports_a_broken_rubric_and_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "obs"
    run(["init", str(root), "--copy-rubric"], capsys)
    (root / "rubric.yaml").write_text("ovm_rubric: 1\nid: x\n", encoding="utf-8")
    code, _, err = run(["check", str(root)], capsys)
    assert code == 1 and "rubric.yaml" in err
    (root / "ovm.yaml").write_text("rubrik: x\n", encoding="utf-8")
    code, _, err = run(["validate", str(root)], capsys)
    assert code == 1 and "[unknown-field]" in err
    assert run(["check", str(tmp_path / "none")], capsys)[0] == 2


@pytest.mark.parametrize(
    "command",
    [
        ["report", "--mission", "col-2062"],
        ["recommend", "--mission", "col-2062"],
        ["whatif", "--mission", "col-2062"],
    ],
)
def test_a_wrong_mission_is_refused_before_scoring(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    root = tmp_path / "obs"
    run(["init", str(root), "--missions", "col-2026"], capsys)
    code, _, err = run([command[0], str(root), *command[1:]], capsys)
    assert code == 2, err
    assert "no mission 'col-2062' (did you mean 'col-2026'?) in the workspace" in err


def test_every_data_code_in_the_code_is_documented() -> None:
    """Each kebab-case code a data or workspace module emits is listed in docs/workspace.md."""
    root = Path(__file__).parent.parent / "ovm"
    sources = [
        *root.glob("data/*.py"),
        root / "yamldoc.py",
        root / "field" / "pull.py",
        root / "cli" / "workspace.py",
    ]
    pattern = re.compile(r'"([a-z]+(?:-[a-z]+)+)"')
    found = {c for p in sources for c in pattern.findall(p.read_text(encoding="utf-8"))}
    not_codes = {"utf-8", "utf-8-sig", "deco-voting-abroad", "iso3166-1", "not-found"}
    docs = (DOCS / "workspace.md").read_text(encoding="utf-8") + (DOCS / "field.md").read_text(
        encoding="utf-8"
    )
    missing = sorted(c for c in found - not_codes if f"`{c}`" not in docs)
    assert missing == []


def test_init_names_the_form_id_that_ovm_form_writes(tmp_path: Path) -> None:
    from ovm.cli.app import main
    from ovm.field.xlsform import build_form
    from ovm.rubric.model import bundled_rubric

    assert main(["init", str(tmp_path / "ws"), "-q"]) == 0
    form_id = build_form(bundled_rubric("deco-voting-abroad")).settings[1][1]
    assert f"form: {form_id}}}" in (tmp_path / "ws" / "ovm.yaml").read_text(encoding="utf-8")


def test_init_dates_each_mission_in_the_year_its_id_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A round (per-2021.1) or a year written first (2019bol) still names the election's year;
    an id without one gets the placeholder date the comment asks to check."""
    root = tmp_path / "obs"
    missions = ["per-2021.1", "ecu-2025.2", "col-2022", "bol-x2019", "ury-unknown"]
    assert run(["init", str(root), "-q", "--missions", *missions], capsys)[0] == 0
    import yaml

    entries = yaml.safe_load((root / "missions.yaml").read_text(encoding="utf-8"))["missions"]
    assert {e["id"]: str(e["election"]["date"]) for e in entries} == {
        "per-2021.1": "2021-01-01",
        "ecu-2025.2": "2025-01-01",
        "col-2022": "2022-01-01",
        "bol-x2019": "2019-01-01",
        "ury-unknown": "2026-01-01",
    }


def test_a_filled_in_entry_has_no_placeholder_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A new year's day election written by the team (no comment of ovm init beside it) and a
    # real name are what the team meant.
    root = tmp_path / "obs"
    assert run(["init", str(root), "-q", "--missions", "col-2026"], capsys)[0] == 0
    missions = root / "missions.yaml"
    text = missions.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if "date: 2026-01-01" in x)
    text = text.replace(line, "    election: {type: general, date: 2026-01-01}")
    name = next(x for x in text.splitlines() if x.startswith("    name:"))
    text = text.replace(name, '    name: {en: "Colombia, 2026"}')
    missions.write_text(text, encoding="utf-8")
    _titled(root)
    assert run(["check", str(root)], capsys)[:2] == (0, f"{root}: valid (0 warnings)\n")


def test_a_name_written_as_the_id_by_hand_is_no_placeholder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ovm init writes the id under each language (``name: {en: "arg-2023", es: ...}``); a team
    that names a mission by its id in plain text (``name: arg-2023``) chose it: only ovm init's
    form is a placeholder left."""
    root = tmp_path / "obs"
    assert run(["init", str(root), "-q", "--missions", "arg-2023"], capsys)[0] == 0
    path = root / "missions.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'name: {en: "arg-2023", es: "arg-2023"}' in text
    text = text.replace("# check: the election day", "")
    path.write_text(text, encoding="utf-8")
    _titled(root)
    # The date's comment and the title gone, the name is the one placeholder left.
    code, out, err = run(["check", str(root)], capsys)
    assert (code, out) == (0, f"{root}: valid (1 warning)\n")
    issues = [line.rsplit(" ", 1)[-1] for line in err.splitlines() if line.endswith("]")]
    assert issues == ["[init-placeholder]"]
    path.write_text(
        text.replace('name: {en: "arg-2023", es: "arg-2023"}', "name: arg-2023"), encoding="utf-8"
    )
    assert run(["check", str(root)], capsys)[:2] == (0, f"{root}: valid (0 warnings)\n")


def test_analysing_commands_show_warnings_in_the_order_ovm_check_lists_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The few warnings of a code that a scoring command shows are the first ovm check lists:
    # the workspace's files in file, line and column order.
    root = tmp_path / "ws"
    missions = ["per-2021", "bol-2020", "chl-2021"]
    assert run(["init", str(root), "--missions", *missions], capsys)[0] == 0
    code, _, err = run(["check", str(root)], capsys)
    assert code == 0
    checked = [line for line in err.splitlines() if line.endswith("[init-placeholder]")]
    assert len(checked) == 7
    code, _, err = run(["score", str(root), "-o", str(tmp_path / "s.json")], capsys)
    assert code == 0
    shown = [line for line in err.splitlines() if line.endswith("[init-placeholder]")]
    assert shown == checked[:5]
    assert f"{root}: and 2 more warnings [init-placeholder]; ovm check {root} lists them all" in err


@pytest.mark.parametrize("command", ["score", "compare", "report", "recommend"])
def test_a_refused_workspace_lists_its_own_files_first_in_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    # The rubric kept outside the workspace, in a folder whose path sorts before it: its error
    # comes after the workspace's own, as ovm check lists them.
    import shutil
    from importlib import resources

    root = tmp_path / "ws"
    shutil.copytree(DOCS.parent / "examples", root)
    (tmp_path / "a").mkdir()
    bundled = resources.files("ovm.rubrics").joinpath("deco-voting-abroad.yaml")
    rubric = tmp_path / "a" / "rubric.yaml"
    rubric.write_text(
        bundled.read_text("utf-8").replace("weight: 0.5", "weight: -3", 1), encoding="utf-8"
    )
    config = root / "ovm.yaml"
    text = config.read_text("utf-8")
    assert "rubric: bundled:deco-voting-abroad" in text and "  - path: checklists.csv" in text
    text = text.replace("rubric: bundled:deco-voting-abroad", "rubric: ../a/rubric.yaml")
    config.write_text(text.replace("  - path: checklists.csv", "  - path: [x]"), "utf-8")

    def located(err: str) -> list[str]:
        return [line.split(" ", 1)[0] for line in err.splitlines() if line.endswith("]")]

    code, _, checked = run(["check", str(root)], capsys)
    assert code == 1
    lines = rubric.read_text("utf-8").splitlines()
    line = next(n for n, x in enumerate(lines, 1) if "weight: -3" in x)
    column = lines[line - 1].index("-3") + 1
    expected = [f"{root}/ovm.yaml:12:11", f"{root}/../a/rubric.yaml:{line}:{column}"]
    assert located(checked) == expected
    argv = [command, str(root), "-o", str(tmp_path / "out.json")]
    if command == "recommend":
        argv = [command, str(root), "--mission", "per-2021"]
    code, _, err = run(argv, capsys)
    assert (code, located(err)) == (1, expected)
