"""The English source of the catalogue kept in the user's cache: the same texts, in the same
order, with and without it; an entry made from another source or reader, damaged, or one others
could have written, never used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ovm import i18n
from ovm.cache import CACHE_ENV

ENTRY = Path("catalogues") / "ovm.pot.json"


def _fresh() -> dict[str, tuple[str, ...]]:
    """The English texts read from the source itself."""
    return {m.context: m.ids for m in i18n.read_catalogue(i18n._read("ovm.pot")) if m.context}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder of its own, and the English texts not yet read in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    i18n._english.cache_clear()
    yield folder
    i18n._english.cache_clear()


def _read_without_the_source(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, ...]]:
    """The English texts as a new process gets them, failing if it reads the source again."""

    def refused(text: str, plurals: int = 2) -> list[i18n.CatalogueEntry]:
        raise AssertionError("the source was read again")

    i18n._english.cache_clear()
    with monkeypatch.context() as m:
        m.setattr(i18n, "read_catalogue", refused)
        return i18n._english()


def _read_again(monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, tuple[str, ...]], int]:
    """The English texts as a new process gets them, and how often it read the source."""
    calls = []
    reader = i18n.read_catalogue

    def counted(text: str, plurals: int = 2) -> list[i18n.CatalogueEntry]:
        calls.append(1)
        return reader(text, plurals)

    i18n._english.cache_clear()
    with monkeypatch.context() as m:
        m.setattr(i18n, "read_catalogue", counted)
        return i18n._english(), len(calls)


def test_the_kept_texts_are_the_sources_in_its_order(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = i18n._english()
    entry = cache / ENTRY
    assert entry.is_file()
    assert entry.stat().st_mode & 0o077 == 0
    kept = _read_without_the_source(monkeypatch)
    fresh = _fresh()
    assert list(made.items()) == list(fresh.items())
    assert list(kept.items()) == list(fresh.items())


def test_no_cache_folder_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.setenv("HOME", str(tmp_path))
    texts, reads = _read_again(monkeypatch)
    i18n._english.cache_clear()
    assert (texts, reads) == (_fresh(), 1)
    assert list(tmp_path.iterdir()) == []


def _stamped(cache: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((cache / ENTRY).read_bytes())
    return data


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda d: d | {"stamp": "0" * 64}, id="another source or reader"),
        pytest.param(lambda d: d | {"format": "ovm-english/0"}, id="another format"),
        pytest.param(lambda d: d | {"texts": {"title_mission": "Planted"}}, id="a text not a list"),
        pytest.param(lambda d: d | {"texts": {"title_mission": [1]}}, id="a number for a text"),
        pytest.param(lambda d: d | {"texts": ["title_mission"]}, id="a list for the texts"),
        pytest.param(lambda d: {"format": d["format"]}, id="no stamp"),
    ],
)
def test_an_entry_made_from_something_else_or_damaged_is_not_used(
    cache: Path, monkeypatch: pytest.MonkeyPatch, spoil: object
) -> None:
    i18n._english()
    entry = cache / ENTRY
    entry.write_text(json.dumps(spoil(_stamped(cache))), encoding="utf-8")  # type: ignore[operator]
    texts, reads = _read_again(monkeypatch)
    assert (texts, reads) == (_fresh(), 1)
    # Made again, good for the next process.
    assert _read_without_the_source(monkeypatch) == _fresh()


@pytest.mark.parametrize("data", [b"", b"{", b"\xff\xfe", b"[]", b"null"])
def test_an_entry_that_is_not_json_or_not_an_object_is_not_used(
    cache: Path, monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    i18n._english()
    (cache / ENTRY).write_bytes(data)
    assert _read_again(monkeypatch) == (_fresh(), 1)


def test_an_entry_others_could_have_written_is_not_used(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    i18n._english()
    entry = cache / ENTRY
    planted = _stamped(cache)
    texts = dict(planted["texts"])  # type: ignore[call-overload]
    texts["title_mission"] = ["Planted"]
    entry.write_text(json.dumps(planted | {"texts": texts}), encoding="utf-8")
    entry.chmod(0o666)
    got, reads = _read_again(monkeypatch)
    assert (got["title_mission"], reads) == (("Voting abroad: mission report",), 1)


def test_a_new_process_words_the_same_with_the_kept_texts(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"

    def score(cache: str, name: str) -> bytes:
        out = tmp_path / name
        done = subprocess.run(
            [sys.executable, "-m", "ovm", "score", str(examples), "-q", "-o", str(out)],
            env={**os.environ, CACHE_ENV: cache},
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        return out.read_bytes()

    folder = tmp_path / "cache"
    without = score("", "without.json")
    made = score(str(folder), "made.json")
    entry = folder / ENTRY
    when = entry.stat().st_mtime_ns
    used = score(str(folder), "used.json")
    assert made == without
    assert used == without
    assert entry.stat().st_mtime_ns == when, "the kept texts were made again"
