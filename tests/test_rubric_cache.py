"""The bundled rubric kept in the user's cache: the same scores with and without it, and an
entry that was made for other code, is damaged, or could have been planted never used."""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from ovm import load_rubric
from ovm.cache import CACHE_ENV
from ovm.rubric.model import Rubric, bundled_rubric

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NAME = "deco-voting-abroad"
ENTRY = Path("rubrics") / f"{NAME}.pickle"


def _score(tmp_path: Path, cache: str, name: str) -> bytes:
    """``ovm score`` of the example workspace (bundled rubric) in a new process."""
    out = tmp_path / name
    done = subprocess.run(
        [sys.executable, "-m", "ovm", "score", str(EXAMPLES), "-q", "-o", str(out)],
        env={**os.environ, CACHE_ENV: cache},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return out.read_bytes()


def _fresh() -> Rubric:
    text = resources.files("ovm.rubrics").joinpath(f"{NAME}.yaml").read_text(encoding="utf-8")
    return load_rubric(text, file=f"<bundled>/{NAME}.yaml")


def _header(data: bytes) -> bytes:
    """The entry's first two lines: the format and the stamp of what it was made from."""
    first = data.index(b"\n")
    return data[: data.index(b"\n", first + 1) + 1]


def _planted(header: bytes) -> bytes:
    """An entry holding a rubric other than the bundled one, behind ``header``."""
    other = _fresh().model_copy(update={"version": "planted"})
    return header + pickle.dumps(other)


def test_a_new_process_scores_the_same_with_the_kept_rubric(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    without = _score(tmp_path, "", "without.json")
    made = _score(tmp_path, str(cache), "made.json")
    entry = cache / ENTRY
    assert entry.is_file()
    assert entry.stat().st_mode & 0o077 == 0
    kept = entry.stat().st_mtime_ns
    used = _score(tmp_path, str(cache), "used.json")
    assert made == without
    assert used == without
    assert entry.stat().st_mtime_ns == kept, "the kept rubric was made again"


def test_the_kept_rubric_is_the_rubric_read_from_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    made = bundled_rubric(NAME)
    assert (tmp_path / "cache" / ENTRY).is_file()
    kept = bundled_rubric(NAME)
    fresh = _fresh()
    assert made == fresh
    assert kept == fresh
    assert kept.digest() == fresh.digest()
    assert kept.evaluation_order == fresh.evaluation_order
    assert kept.model_dump() == fresh.model_dump()


def test_an_entry_is_used_only_for_the_code_and_file_it_was_made_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    bundled_rubric(NAME)
    entry = tmp_path / "cache" / ENTRY
    header = _header(entry.read_bytes())
    # Behind the stamp this code and file make, the entry is what is read...
    entry.write_bytes(_planted(header))
    assert bundled_rubric(NAME).version == "planted"
    # ...and behind any other stamp (other code, another file), it is not.
    other = header[:-2] + (b"0" if header[-2:-1] != b"0" else b"1") + b"\n"
    entry.write_bytes(_planted(other))
    assert bundled_rubric(NAME) == _fresh()
    assert _header(entry.read_bytes()) == header, "the stale entry was not made again"
    # A module of the code that reads rubrics changed since the entry was made: not used.
    entry.write_bytes(_planted(header))
    module = Path(str(importlib.import_module("ovm.indicators.rules").__file__))
    before = module.stat()
    try:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        assert bundled_rubric(NAME) == _fresh()
        assert _header(entry.read_bytes()) != header
    finally:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    entry.write_bytes(_planted(header))
    assert bundled_rubric(NAME).version == "planted"


@pytest.mark.parametrize("damage", ["cut", "empty", "garbage", "not-a-rubric"])
def test_a_damaged_entry_is_read_again_from_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    bundled_rubric(NAME)
    entry = tmp_path / "cache" / ENTRY
    data = entry.read_bytes()
    header = _header(data)
    entry.write_bytes(
        {
            "cut": data[: len(data) // 2],
            "empty": b"",
            "garbage": header + b"\x80\x05garbage",
            "not-a-rubric": header + pickle.dumps({"id": "deco"}),
        }[damage]
    )
    assert bundled_rubric(NAME) == _fresh()
    assert entry.read_bytes() == data


@pytest.mark.parametrize("swap", ["entry-link", "folder-link", "others-can-write"])
def test_an_entry_others_could_have_planted_is_never_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: str
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    bundled_rubric(NAME)
    folder = tmp_path / "cache" / "rubrics"
    entry = folder / ENTRY.name
    planted = _planted(_header(entry.read_bytes()))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ENTRY.name).write_bytes(planted)
    if swap == "entry-link":
        entry.unlink()
        entry.symlink_to(elsewhere / ENTRY.name)
    elif swap == "folder-link":
        folder.rename(tmp_path / "moved")
        folder.symlink_to(elsewhere, target_is_directory=True)
    else:
        entry.write_bytes(planted)
        entry.chmod(0o666)
    assert bundled_rubric(NAME) == _fresh()
    assert (elsewhere / ENTRY.name).read_bytes() == planted, "a file behind a link was written"
