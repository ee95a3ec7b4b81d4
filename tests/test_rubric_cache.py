"""The bundled rubric kept in the user's cache: the same scores with and without it, and an
entry that was made for other code, is damaged, or could have been planted never used."""

from __future__ import annotations

import importlib.util
import os
import pickle
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from ovm import load_rubric
from ovm.cache import CACHE_ENV
from ovm.rubric.model import Rubric, _stamp, bundled_rubric
from tests.examples_said import examples_warned

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
    # The examples' two warnings alone, as from a rubric read from its file.
    assert done.stderr == f"{examples_warned(EXAMPLES)}\n"
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


def _made_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The entry the bundled rubric's first read keeps in a fresh cache folder."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    bundled_rubric(NAME)
    return tmp_path / "cache" / ENTRY


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
    entry = _made_entry(tmp_path, monkeypatch)
    header = _header(entry.read_bytes())
    # Behind the stamp this code and file make, the entry is what is read...
    entry.write_bytes(_planted(header))
    assert bundled_rubric(NAME).version == "planted"
    # ...and behind any other stamp (other code, another file), it is not.
    other = header[:-2] + (b"0" if header[-2:-1] != b"0" else b"1") + b"\n"
    entry.write_bytes(_planted(other))
    assert bundled_rubric(NAME) == _fresh()
    assert _header(entry.read_bytes()) == header, "the stale entry was not made again"
    entry.write_bytes(_planted(header))
    assert bundled_rubric(NAME).version == "planted"


@pytest.mark.parametrize(
    "module_name",
    # The rubric's own code, and code elsewhere that validating a rubric uses (the names the
    # observer form keeps, the catalogue) or that no command imports before reading it.
    ["ovm.indicators.rules", "ovm.field.names", "ovm.i18n", "ovm.reporting.report"],
)
def test_an_entry_is_not_used_once_any_module_of_ovm_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module_name: str
) -> None:
    entry = _made_entry(tmp_path, monkeypatch)
    header = _header(entry.read_bytes())
    entry.write_bytes(_planted(header))
    spec = importlib.util.find_spec(module_name)
    assert spec is not None and spec.origin is not None
    module = Path(spec.origin)
    before = module.stat()
    try:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        assert bundled_rubric(NAME) == _fresh()
        assert _header(entry.read_bytes()) != header
    finally:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    entry.write_bytes(_planted(header))
    assert bundled_rubric(NAME).version == "planted"


def test_the_stamp_is_made_from_the_rubric_s_text_and_name() -> None:
    text = resources.files("ovm.rubrics").joinpath(f"{NAME}.yaml").read_text(encoding="utf-8")
    stamps = {
        _stamp(NAME, text),
        _stamp(NAME, text + "\n"),
        _stamp(NAME, text[: len(text) // 2] + "#" + text[len(text) // 2 + 1 :]),
        _stamp("other", text),
    }
    assert None not in stamps
    assert len(stamps) == 4
    assert _stamp(NAME, text) == _stamp(NAME, text)


def test_every_command_reads_the_entry_the_others_made(tmp_path: Path) -> None:
    # Commands import different parts of ovm; the entry one makes is the one the next reads.
    cache = tmp_path / "cache"
    env = {**os.environ, CACHE_ENV: str(cache)}
    run = [sys.executable, "-m", "ovm"]
    checked = subprocess.run(
        [*run, "check", str(EXAMPLES)], env=env, capture_output=True, cwd=tmp_path
    )
    assert checked.returncode == 0, checked.stderr
    kept = (cache / ENTRY).stat().st_mtime_ns
    _score(tmp_path, str(cache), "scored.json")
    assert (cache / ENTRY).stat().st_mtime_ns == kept, "score made the entry check made again"


@pytest.mark.parametrize("damage", ["cut", "empty", "garbage", "not-a-rubric"])
def test_a_damaged_entry_is_read_again_from_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    entry = _made_entry(tmp_path, monkeypatch)
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
    entry = _made_entry(tmp_path, monkeypatch)
    folder = entry.parent
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


def test_the_stamp_lists_every_module_of_ovm_as_rglob_finds_them() -> None:
    # The stamp's own listing (os.scandir, every run of a command) must miss no module.
    from ovm.rubric.model import _modules

    package = ROOT / "ovm"
    listed = [path for path, _ in _modules(str(package))]
    assert listed == sorted(str(p) for p in package.rglob("*.py"))
    assert str(package / "indicators" / "checklist.py") in listed
