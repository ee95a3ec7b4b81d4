"""An output the system will not take (a full disk, a closed standard output, a link that
loops) is a clear one-line error and exit status 1, never a traceback, never a result lost in
silence; what was there before is kept."""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ovm import files
from ovm.cli.app import main
from tests.examples_said import examples_warned

EXAMPLES = Path(__file__).parent.parent / "examples"
FULL = Path("/dev/full")
needs_full = pytest.mark.skipif(
    not FULL.exists() or not stat.S_ISCHR(FULL.stat().st_mode), reason="no /dev/full here"
)


def _shell(command: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``command`` run by the shell, ``ovm`` being this interpreter's ``python -m ovm``, its
    standard output held in a buffer as users run it (a failure then shows when it is
    flushed)."""
    ovm = f"{shlex.quote(sys.executable)} -m ovm"
    return subprocess.run(
        ["/bin/sh", "-c", command.replace("ovm ", f"{ovm} ", 1)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
    )


def _said(done: subprocess.CompletedProcess[str]) -> tuple[int, list[str]]:
    """The exit status and the lines of standard error."""
    return done.returncode, done.stderr.splitlines()


RESULTS_ON_STDOUT = [
    f"ovm score {EXAMPLES} -q",
    f"ovm score {EXAMPLES} -q --format parquet",
    f"ovm report {EXAMPLES} -q --sensitivity-runs 0",
    "ovm schema rubric",
    f"ovm validate --format json {EXAMPLES}",
    f"ovm check --format json {EXAMPLES}",
    # a verdict line, printed
    "ovm validate bundled:deco-voting-abroad",
]


@needs_full
@pytest.mark.parametrize("command", RESULTS_ON_STDOUT)
def test_a_result_standard_output_cannot_take_is_an_error_of_one_line(command: str) -> None:
    # standard error to the pipe, standard output to the full device
    done = _shell(f"{command} 2>&1 >/dev/full")
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1:] == [
        "ovm: cannot write to standard output: No space left on device"
    ]
    assert "Traceback" not in done.stdout


@needs_full
@pytest.mark.parametrize("command", ["ovm --help", "ovm score --help", "ovm --version"])
@pytest.mark.parametrize("buffered", [True, False])
def test_help_and_version_standard_output_cannot_take_are_an_error_of_one_line(
    command: str, buffered: bool
) -> None:
    # argparse writes these and ends the parse, dropping a write the system refuses: written
    # through at once (unbuffered) or when flushed, the failure is said
    done = _shell(f"{'' if buffered else 'PYTHONUNBUFFERED=1 '}{command} >/dev/full")
    assert _said(done) == (1, ["ovm: cannot write to standard output: No space left on device"])


@needs_full
def test_a_full_standard_output_is_said_in_the_language_asked() -> None:
    done = _shell(f"ovm score {EXAMPLES} -q --lang fr >/dev/full")
    # (the examples' two warnings are said first, as they are read)
    assert _said(done) == (
        1,
        [
            examples_warned(EXAMPLES, "fr"),
            "ovm: impossible d'écrire sur la sortie standard\u202f: No space left on device",
        ],
    )


@pytest.mark.parametrize("command", RESULTS_ON_STDOUT[:-1])
def test_a_result_for_a_closed_standard_output_is_an_error_of_one_line(command: str) -> None:
    done = _shell(f"{command} >&-")
    assert _said(done)[0] == 1
    assert _said(done)[1][-1:] == ["ovm: standard output is closed: give -o FILE for the result"]
    assert "Traceback" not in done.stderr


def test_a_verdict_for_a_closed_standard_output_is_dropped_as_messages_are() -> None:
    done = _shell("ovm validate bundled:deco-voting-abroad >&-")
    assert _said(done) == (0, [])


@needs_full
def test_an_output_file_on_a_full_device_is_an_error_naming_it(tmp_path: Path) -> None:
    # Written into, as every device is: the device stays a device.
    done = _shell(f"ovm score {EXAMPLES} -q -o /dev/full")
    assert _said(done) == (
        1,
        [examples_warned(EXAMPLES), "ovm: cannot write /dev/full: No space left on device"],
    )
    assert stat.S_ISCHR(FULL.stat().st_mode)


@needs_full
def test_a_report_on_a_full_device_through_a_link_is_an_error_naming_it(tmp_path: Path) -> None:
    link = tmp_path / "report.html"
    link.symlink_to(FULL)
    done = _shell(f"ovm report {EXAMPLES} -q --sensitivity-runs 0 -o {link} --lang es")
    assert _said(done) == (
        1,
        [
            examples_warned(EXAMPLES, "es"),
            f"ovm: no se puede escribir {link}: No space left on device",
        ],
    )
    assert link.is_symlink() and stat.S_ISCHR(FULL.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_link_that_loops_as_the_output_is_refused_with_its_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop.name)
    assert main(["score", str(EXAMPLES), "-q", "-o", str(loop)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        examples_warned(EXAMPLES),
        f"ovm: {loop} is a loop of symbolic links: it leads to no file; remove the link or "
        "choose another output [output-link-loop]",
    ]
    assert main(["score", str(EXAMPLES), "-q", "-o", str(loop), "--lang", "pt"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        examples_warned(EXAMPLES, "pt"),
        f"ovm: {loop} é um ciclo de links simbólicos: não leva a nenhum arquivo; remova o link "
        "ou escolha outra saída [output-link-loop]",
    ]
    assert os.readlink(loop) == "loop"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop"]


def test_a_link_that_loops_through_another_is_refused_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.json").symlink_to("b.json")
    (tmp_path / "b.json").symlink_to("a.json")
    assert main(["compare", str(EXAMPLES), "-q", "-o", str(tmp_path / "a.json")]) == 1
    assert capsys.readouterr().err.endswith("[output-link-loop]\n")
    assert (os.readlink(tmp_path / "a.json"), os.readlink(tmp_path / "b.json")) == (
        "b.json",
        "a.json",
    )


def test_writing_over_a_link_that_loops_is_refused_and_the_link_kept(tmp_path: Path) -> None:
    # What ovm template and ovm pull write goes through the same function.
    loop = tmp_path / "loop.xlsx"
    loop.symlink_to(loop.name)
    with pytest.raises(files.OutputError) as caught:
        files.write_atomic(loop, b"workbook")
    assert (caught.value.code, caught.value.usage) == ("output-link-loop", False)
    assert os.readlink(loop) == "loop.xlsx"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop.xlsx"]


def test_a_folder_as_the_output_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(EXAMPLES), "-q", "-o", str(tmp_path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        examples_warned(EXAMPLES),
        f"ovm: {tmp_path} is a folder: name a file",
    ]
    with pytest.raises(files.OutputError) as caught:
        files.write_atomic(tmp_path, "scores")
    assert (caught.value.key, caught.value.usage) == ("output_is_folder", True)
    assert list(tmp_path.iterdir()) == []


def test_a_place_without_its_column_ends_with_a_colon(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # file:line:col message, file:line: message, file: message: the message is never read as
    # part of the place, in every language.
    missing = tmp_path / "nonexist.yaml"
    assert main(["validate", str(missing)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{missing}: No such file or directory [file-unreadable]"
    assert main(["validate", str(missing), "--lang", "es"]) == 1
    assert capsys.readouterr().err.splitlines()[0].startswith(f"{missing}: ")
    root = tmp_path / "ws"
    assert main(["init", str(root), "--missions", "per-2021"]) == 0
    (root / "checklists.csv").write_text(
        "mission,site,practice.secrecy\nper-2021,A,yes\nper-2021,B,yes,extra\n", encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["check", str(root)]) == 1
    ragged = [line for line in capsys.readouterr().err.splitlines() if "[ragged-row]" in line]
    assert ragged == [f"{root / 'checklists.csv'}:3: 4 fields where the header has 3 [ragged-row]"]
