"""Wrong inputs and places given to the commands are one-line errors, never tracebacks, and
nothing the user had is lost: what a sweep of every command found."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ovm.cli import workspace as workspace_cli
from ovm.cli.app import main

EXAMPLES = Path(__file__).parent.parent / "examples"
LOOP = (
    "is a loop of symbolic links: it leads to no file; remove the link or choose another "
    "output [output-link-loop]"
)


def test_init_never_overwrites_a_data_file_already_in_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "statistics.csv").write_text("mission,votes_abroad\nabc-2024,1200\n", "utf-8")
    assert main(["init", str(folder), "-q"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"ovm: {folder / 'statistics.csv'} exists already: ovm init never overwrites"
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["statistics.csv"]
    assert (folder / "statistics.csv").read_text("utf-8") == "mission,votes_abroad\nabc-2024,1200\n"


def test_init_under_a_file_is_a_usage_error_of_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("notes", "utf-8")
    target = tmp_path / "notes.txt" / "ws"
    assert main(["init", str(target), "-q"]) == 2
    assert capsys.readouterr().err.splitlines() == [f"ovm: cannot write {target}: Not a directory"]


@pytest.mark.parametrize("where", ["loop", "loop/ws"])
def test_init_in_a_link_that_loops_is_refused_with_its_code(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "loop").symlink_to("loop")
    assert main(["init", str(tmp_path / where), "-q"]) == 1
    assert capsys.readouterr().err.splitlines() == [f"ovm: {tmp_path / where} {LOOP}"]


def test_init_that_fails_midway_takes_back_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    opened: list[str] = []

    def full_disk(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(Path(path).name)
        if len(opened) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return open(path, *args, **kwargs)

    # The module's own name is found before the builtin.
    monkeypatch.setattr(workspace_cli, "open", full_disk, raising=False)
    folder = tmp_path / "ws"
    assert main(["init", str(folder), "-q", "--missions", "abc-2024"]) == 1
    third = folder / opened[2]
    assert capsys.readouterr().err.splitlines() == [
        f"ovm: cannot write {third}: No space left on device"
    ]
    assert list(folder.iterdir()) == []


def test_init_writes_the_same_skeleton_as_before(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "ws"), "-q", "--missions", "abc-2024"]) == 0
    assert sorted(p.name for p in (tmp_path / "ws").iterdir()) == [
        "answers.csv",
        "checklists.csv",
        "missions.yaml",
        "ovm.yaml",
        "places.csv",
        "statistics.csv",
    ]
    assert main(["check", str(tmp_path / "ws")]) == 0


def test_form_and_template_refuse_a_link_that_loops_as_their_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loop = tmp_path / "loop.xlsx"
    loop.symlink_to(loop.name)
    assert main(["form", "bundled:deco-voting-abroad", "-q", "-o", str(loop)]) == 1
    assert main(["template", str(EXAMPLES), "-q", "-o", str(loop)]) == 1
    assert capsys.readouterr().err.splitlines() == [f"ovm: {loop} {LOOP}"] * 2
    assert os.readlink(loop) == "loop.xlsx"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_form_on_a_full_device_is_a_failure_naming_it(tmp_path: Path) -> None:
    link = tmp_path / "form.xlsx"
    link.symlink_to("/dev/full")
    done = subprocess.run(
        [sys.executable, "-m", "ovm", "form", "bundled:deco-voting-abroad", "-q", "-o", str(link)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (done.returncode, done.stderr) == (
        1,
        f"ovm: cannot write {link}: No space left on device\n",
    )
    assert link.is_symlink()


def _pulling_from(tmp_path: Path, url: str) -> Path:
    """A new workspace whose one checklist is pulled from ``url``."""
    ws = tmp_path / "ws"
    assert main(["init", str(ws), "-q", "--missions", "abc-2024"]) == 0
    config = ws / "ovm.yaml"
    text = config.read_text("utf-8")
    head = text[: text.index("checklists:")]
    pull = f'{{server: kobo, url: "{url}", asset: a1}}'
    config.write_text(
        f"{head}checklists:\n  - {{path: pulled.csv, layout: kobo, pull: {pull}}}\n", "utf-8"
    )
    return ws


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_pull_from_a_server_that_refuses_the_connection_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    ws = _pulling_from(tmp_path, url)
    monkeypatch.setenv("OVM_KOBO_TOKEN", "token")
    assert main(["pull", str(ws)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{url}: /api/v2/assets/a1/data/: the connection dropped (Connection refused) after 3 "
        "attempts; nothing was written, pull again [connection-lost]",
        f"{url}: the download did not finish",
    ]
    assert not (ws / "pulled.csv").exists()


@pytest.mark.parametrize("url", ["http://[::1", "https://example.org:99999", "http://:80"])
def test_pull_from_an_address_no_request_can_go_to_is_a_located_error(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _pulling_from(tmp_path, url)
    assert main(["pull", str(ws)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith(
        "checklists[0].pull.url: write the server's address, beginning with https:// "
        "[invalid-value]"
    )
    assert err[0].startswith(f"{ws / 'ovm.yaml'}:")
