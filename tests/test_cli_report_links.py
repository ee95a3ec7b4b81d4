"""ovm report --with-missions puts the mission pages beside the comparison that links to
them, also when -o is a link: the link is resolved once, and both go where it points."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"
FAST = ["-q", "--bootstrap", "0", "--sensitivity-runs", "0", "--with-missions"]


MISSIONS = ("aaa-2020", "bbb-2021")
PAGES = {f"mission-{m}.html" for m in MISSIONS}


def test_the_pages_go_beside_the_comparison_a_link_names(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    link = tmp_path / "a" / "report.html"
    link.symlink_to(Path("..") / "b" / "report.html")
    assert main(["report", str(MINI), "-o", str(link), *FAST]) == 0
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == sorted({"report.html", *PAGES})
    # The link stays a link, alone in its folder.
    assert os.listdir(tmp_path / "a") == ["report.html"]
    assert os.readlink(link) == os.path.join("..", "b", "report.html")


def test_without_a_link_the_pages_go_beside_the_comparison_as_before(tmp_path: Path) -> None:
    report = tmp_path / "site" / "report.html"
    report.parent.mkdir()
    assert main(["report", str(MINI), "-o", str(report), *FAST]) == 0
    assert sorted(p.name for p in report.parent.iterdir()) == sorted({"report.html", *PAGES})


@pytest.mark.parametrize("stream", ["/dev/stdout", "/dev/null"])
def test_a_stream_or_device_has_no_folder_for_the_pages(
    stream: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if not Path(stream).exists():
        pytest.skip(f"no {stream} here")
    before = sorted(os.listdir("/dev"))
    assert main(["report", str(MINI), "-o", stream, *FAST]) == 2
    assert capsys.readouterr().err == (
        "ovm: --with-missions writes each mission's HTML report beside the comparison: "
        f"{stream} is no file to write them beside; give -o FILE.html\n"
    )
    assert sorted(os.listdir("/dev")) == before
