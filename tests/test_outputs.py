"""Outputs are written safely: never over an input, never half a file, refused when too large."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest

import ovm
from ovm import files
from ovm.cli.app import main
from ovm.comparison import sensitivity as sensitivity_module

MINI = Path(__file__).resolve().parent / "data" / "mini"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
INPUTS = ("statistics.csv", "checklists.csv", "missions.yaml", "ovm.yaml", "rubric.yaml")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    return root


def _contents(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


@pytest.mark.parametrize(
    "command",
    [
        # --format: an output named missions.yaml or statistics.csv is refused for its suffix
        # before anything else
        ["score", "--format", "json"],
        ["compare", "--format", "json"],
        ["report", "--format", "html"],
        ["recommend", "--mission", "aaa-2020", "--format", "md"],
        ["sensitivity", "--runs", "10", "--format", "text"],
    ],
)
@pytest.mark.parametrize("target", INPUTS)
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(
    ws: Path, command: list[str], target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _contents(ws)
    status = main([command[0], str(ws), *command[1:], "-q", "-o", str(ws / target)])
    err = capsys.readouterr().err
    assert (status, _contents(ws)) == (2, before)
    assert f"is an input of this run ({ws / target})" in err


def test_a_link_to_an_input_is_refused(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "scores.json"
    link.symlink_to(ws / "missions.yaml")
    before = _contents(ws)
    assert main(["score", str(ws), "-q", "-o", str(link)]) == 2
    assert _contents(ws) == before
    assert "is an input of this run" in capsys.readouterr().err


def test_a_rubric_given_on_the_command_line_is_an_input_too(ws: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    shutil.copy(ws / "rubric.yaml", other)
    before = other.read_bytes()
    assert main(["score", str(ws), "--rubric", str(other), "-q", "-o", str(other)]) == 2
    assert other.read_bytes() == before


def test_form_and_template_refuse_to_overwrite_their_inputs(ws: Path) -> None:
    before = _contents(ws)
    bad_xlsx = ws / "rubric.xlsx"
    (ws / "rubric.yaml").rename(bad_xlsx)
    assert main(["form", str(bad_xlsx), "-o", str(bad_xlsx), "-q"]) == 2
    bad_xlsx.rename(ws / "rubric.yaml")
    assert _contents(ws) == before
    shutil.copy(ws / "missions.yaml", ws / "missions.xlsx")
    cfg = ws / "ovm.yaml"
    cfg.write_text(
        cfg.read_text("utf-8").replace("missions: missions.yaml", "missions: missions.xlsx"),
        "utf-8",
    )
    kept = (ws / "missions.xlsx").read_bytes()
    assert main(["template", str(ws), "-o", str(ws / "missions.xlsx"), "-q"]) == 2
    assert (ws / "missions.xlsx").read_bytes() == kept


def test_an_output_in_a_missing_folder_is_a_usage_error(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(ws), "-q", "-o", str(tmp_path / "nope" / "s.json")]) == 2
    assert (
        main(["form", str(ws / "rubric.yaml"), "-q", "-o", str(tmp_path / "nope" / "f.xlsx")]) == 2
    )
    assert main(["template", str(ws), "-q", "-o", str(tmp_path / "nope" / "t.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.count("does not exist") == 3
    assert "Traceback" not in err


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.html"
    out.write_text("previous report", "utf-8")

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken)
    with pytest.raises(files.OutputError, match="No space left on device"):
        files.write_atomic(out, "new report")
    assert out.read_text("utf-8") == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_written_file_has_the_content_and_ordinary_permissions(tmp_path: Path) -> None:
    out = files.write_atomic(tmp_path / "scores.json", "é\n")
    assert out.read_bytes() == "é\n".encode()
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_an_output_that_is_a_link_is_written_through_and_the_link_kept(
    ws: Path, tmp_path: Path
) -> None:
    published = tmp_path / "site"
    published.mkdir()
    target = published / "scores.csv"
    target.write_text("last week's scores", "utf-8")
    link = tmp_path / "scores.csv"
    link.symlink_to(target)
    assert main(["score", str(ws), "-q", "-o", str(link)]) == 0
    assert link.is_symlink() and link.resolve() == target.resolve()
    # No temporary is left beside the link or beside the file it names.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.csv", "site", "ws"]
    assert sorted(p.name for p in published.iterdir()) == ["scores.csv"]
    plain = tmp_path / "plain.csv"
    assert main(["score", str(ws), "-q", "-o", str(plain)]) == 0
    assert target.read_bytes() == plain.read_bytes()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_an_output_that_is_a_pipe_is_written_into_not_replaced_by_a_file(
    ws: Path, tmp_path: Path
) -> None:
    import stat
    import threading

    pipe = tmp_path / "scores.pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    assert main(["score", str(ws), "-q", "--format", "csv", "-o", str(pipe)]) == 0
    reader.join(timeout=60)
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    expected = tmp_path / "scores.csv"
    assert main(["score", str(ws), "-q", "--format", "csv", "-o", str(expected)]) == 0
    assert received == [expected.read_bytes()]


def test_a_sensitivity_analysis_beyond_the_machines_memory_is_refused_with_figures(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sensitivity_module, "memory_available", lambda: 2**20)
    ws = EXAMPLES
    settings = ovm.Settings(bootstrap=0, sensitivity=ovm.SensitivitySettings(runs=1000))
    with pytest.raises(sensitivity_module.TooLargeError):
        ovm.analyse(ws, settings)
    assert main(["sensitivity", str(ws), "--bootstrap", "0", "--runs", "1000", "-q"]) == 2
    err = capsys.readouterr().err
    assert "GiB of memory" in err and "use at most" in err
    assert main(["sensitivity", str(ws), "--bootstrap", "0", "--runs", "100001", "-q"]) == 2
    assert "--runs" in capsys.readouterr().err


def test_memory_estimate_grows_with_runs_missions_and_nodes() -> None:
    base = sensitivity_module.memory_needed(100, 5, 10, 20)
    assert sensitivity_module.memory_needed(200, 5, 10, 20) > base
    assert sensitivity_module.memory_needed(100, 5, 20, 20) > base
    assert sensitivity_module.memory_needed(100, 5, 10, 40) > base


def test_many_warnings_of_one_code_are_counted_not_all_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One observer per mission, sent between the host cities in a few hours.
    ws = tmp_path / "examples"
    shutil.copytree(EXAMPLES, ws)
    with (EXAMPLES / "checklists.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [{**r, "observer": f"{r['mission']}-alone"} for r in reader]
        header = list(reader.fieldnames or [])
    with (ws / "checklists.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert main(["check", str(ws), "--format", "json"]) == 0
    issues = json.loads(capsys.readouterr().out)["issues"]
    codes = [i["code"] for i in issues]
    total = codes.count("observer-too-fast")
    # The visits' warnings, then the two variables the examples never give: a score run counts
    # the same warnings check lists.
    assert codes.count("variable-not-given") == 2
    assert total > 5
    assert main(["score", str(ws), "--bootstrap", "0", "-o", "-"]) == 0
    err = capsys.readouterr().err.splitlines()
    flagged = [line for line in err if line.endswith("[observer-too-fast]")]
    assert len(flagged) == 5
    counted = [line for line in err if "more warnings [observer-too-fast]" in line]
    assert len(counted) == 1 and f"{total - 5} more" in counted[0] and "ovm check" in counted[0]
    assert main(["score", str(ws), "--bootstrap", "0", "-q", "-o", "-"]) == 0
    quiet = capsys.readouterr().err.splitlines()
    # -q says how many in one line; ovm check says where each is.
    assert quiet == [
        f"{ws}: {len(codes)} warnings [{', '.join(sorted(set(codes), key=codes.index))}]; "
        f"ovm check {ws} says where"
    ]


def test_the_example_observers_stay_in_their_city(capsys: pytest.CaptureFixture[str]) -> None:
    # Each simulated observer team is posted to one host city: no implausible travel.
    assert main(["check", str(EXAMPLES), "--format", "json"]) == 0
    issues = json.loads(capsys.readouterr().out)["issues"]
    # Only the two variables the examples never give (tests/test_variables_given.py).
    assert [i["code"] for i in issues] == ["variable-not-given"] * 2


def test_the_table_of_planned_places_is_an_input_too(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (ws / "places.csv").write_text(
        "mission,place,country,city,tables,opens\naaa-2020,s1,USA,Miami,2,08:00\n", encoding="utf-8"
    )
    with (ws / "ovm.yaml").open("a", encoding="utf-8") as fh:
        fh.write("places: [places.csv]\n")
    before = _contents(ws)
    assert main(["score", str(ws), "-q", "-o", str(ws / "places.csv")]) == 2
    assert _contents(ws) == before
    assert "is an input of this run" in capsys.readouterr().err
