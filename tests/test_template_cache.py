"""Compiled report templates kept on disk: the same report with and without them, a changed
template compiled again, and a cache folder that cannot be used never failing a report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from ovm.reporting.cache import CACHE_ENV, user_cache_dir

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini"


def _report(
    tmp_path: Path, cache: str, name: str, *extra: str
) -> tuple[bytes, subprocess.CompletedProcess[str]]:
    """``ovm report`` of the mini workspace in a new process, with ``OVM_CACHE_DIR=cache``."""
    out = tmp_path / name
    env = {**os.environ, CACHE_ENV: cache}
    argv = ["report", str(MINI), "-q", "--sensitivity-runs", "0", *extra, "-o", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "ovm", *argv],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    return out.read_bytes(), done


def _entries(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every cached template under ``folder``: its modification time and bytes."""
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*.cache"))
    }


def test_a_new_process_renders_from_the_kept_templates_the_same_report(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first, _ = _report(tmp_path, str(cache), "first.html")
    kept = _entries(cache)
    assert kept, "the compiled templates were not kept"
    (folder,) = {Path(name).parent for name in kept}
    assert (cache / folder).stat().st_mode & 0o077 == 0
    again, done = _report(tmp_path, str(cache), "again.html")
    # Loaded, not compiled and written again: the entries are untouched.
    assert _entries(cache) == kept
    without, _ = _report(tmp_path, "", "without.html")
    assert again == first
    assert without == first
    assert done.stderr == ""


def test_a_changed_template_is_compiled_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    mine = tmp_path / "mine" / "partials"
    mine.mkdir(parents=True)
    legend = mine / "legend.html.j2"
    legend.write_text("<p id='mine'>first {{ context.bands|length }}</p>", "utf-8")
    first, _ = _report(tmp_path, str(cache), "first.html", "--templates", str(mine.parent))
    kept = _entries(cache)
    was = legend.stat()
    # Same length, same modification time: only the text tells the two versions apart.
    legend.write_text("<p id='mine'>again {{ context.bands|length }}</p>", "utf-8")
    os.utime(legend, ns=(was.st_atime_ns, was.st_mtime_ns))
    again, _ = _report(tmp_path, str(cache), "again.html", "--templates", str(mine.parent))
    assert b"<p id='mine'>first 3</p>" in first
    assert b"<p id='mine'>again 3</p>" in again and b"<p id='mine'>first" not in again
    now = _entries(cache)
    changed = {name for name in kept if now[name] != kept[name]}
    assert len(changed) == 1, "only the changed template is compiled again"
    without, _ = _report(tmp_path, "", "without.html", "--templates", str(mine.parent))
    assert without == again


@pytest.mark.parametrize("case", ["under-a-file", "others-can-write", "damaged-entries"])
def test_a_cache_folder_that_cannot_be_used_leaves_the_report_as_without_one(
    tmp_path: Path, case: str
) -> None:
    expected, _ = _report(tmp_path, "", "expected.html")
    cache = tmp_path / "cache"
    if case == "under-a-file":
        (tmp_path / "file").write_text("not a folder", "utf-8")
        cache = tmp_path / "file" / "cache"
    elif case == "others-can-write":
        _report(tmp_path, str(cache), "made.html")
        for entry in cache.iterdir():
            for stale in entry.iterdir():
                stale.unlink()
            entry.chmod(0o777)
    else:
        _report(tmp_path, str(cache), "made.html")
        magic = jinja2.bccache.bc_magic
        for i, entry in enumerate(sorted(cache.rglob("*.cache"))):
            data = entry.read_bytes()
            # Cut short, emptied, overwritten, or damaged past its header: compiled again.
            damaged = (data[: len(data) // 2], b"", b"x" * 9, magic + b"\x80\x05garbage")
            entry.write_bytes(damaged[i % len(damaged)])
    got, done = _report(tmp_path, str(cache), "got.html")
    assert got == expected
    assert done.stderr == ""
    if case == "others-can-write":
        assert not list(cache.rglob("*.cache")), "a folder others can write to was used"


def test_the_cache_folder_follows_the_users_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert user_cache_dir() == tmp_path / "mine"
    monkeypatch.setenv(CACHE_ENV, "")
    assert user_cache_dir() is None
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "xdg" / "ovm"
    # A relative XDG_CACHE_HOME is invalid: the default applies.
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "ovm"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "ovm"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert user_cache_dir() == tmp_path / "home" / "Library" / "Caches" / "ovm"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert user_cache_dir() == tmp_path / "local" / "ovm" / "Cache"


def _planted_entry(env: jinja2.Environment, name: str, elsewhere: Path, marker: Path) -> str:
    """An entry for the template ``name`` under ``elsewhere``, valid for its source, whose code
    writes ``marker``; returns the entry's file name."""
    cache = env.bytecode_cache
    assert isinstance(cache, jinja2.FileSystemBytecodeCache)
    source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    bucket = cache.get_bucket(env, name, filename, source)
    bucket.code = compile(f"open({str(marker)!r}, 'w').write('ran')\n", "<planted>", "exec")
    entry = cache.pattern % bucket.key
    elsewhere.mkdir(parents=True, exist_ok=True)
    with open(elsewhere / entry, "wb") as f:
        bucket.write_bytecode(f)
    return entry


def _compiled(env: jinja2.Environment, name: str) -> bytes:
    """The code Jinja runs to render ``name``."""
    return env.get_template(name).root_render_func.__code__.co_code


@pytest.mark.parametrize("swap", ["entry", "folder", "others-can-write-the-entry"])
def test_code_reached_through_a_link_is_never_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: str
) -> None:
    from ovm.reporting import report

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    # Made (and its folder checked) before the swap, as a long render would.
    env = report.environment("en")
    cache = env.bytecode_cache
    assert isinstance(cache, jinja2.FileSystemBytecodeCache)
    folder = Path(cache.directory)
    marker = tmp_path / "ran"
    elsewhere = tmp_path / "elsewhere"
    entry = _planted_entry(env, "base.html.j2", elsewhere, marker)
    if swap == "entry":
        (folder / entry).symlink_to(elsewhere / entry)
    elif swap == "others-can-write-the-entry":
        (elsewhere / entry).rename(folder / entry)
        (folder / entry).chmod(0o666)
    else:
        folder.rename(tmp_path / "moved")
        folder.symlink_to(elsewhere, target_is_directory=True)
    monkeypatch.setenv(CACHE_ENV, "")
    expected = _compiled(report.environment("en"), "base.html.j2")
    assert _compiled(env, "base.html.j2") == expected
    assert not marker.exists(), "code planted behind a link ran"
    if swap == "entry":
        # Compiled again and written over the link, which is replaced, not followed.
        assert not (folder / entry).is_symlink()
    if swap == "others-can-write-the-entry":
        # Compiled again and replaced by the user's own entry.
        assert (folder / entry).stat().st_mode & 0o077 == 0
    else:
        assert (elsewhere / entry).read_bytes()[: len(jinja2.bccache.bc_magic)] == (
            jinja2.bccache.bc_magic
        )


@pytest.mark.parametrize("home", ["", "relative/home"])
def test_an_empty_or_relative_home_or_cache_folder_gives_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: str
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("HOME", home)
    assert user_cache_dir() is None
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(CACHE_ENV, "relative/cache")
    assert user_cache_dir() is None
    monkeypatch.setenv(CACHE_ENV, "~/cache")
    assert user_cache_dir() == tmp_path / "home" / "cache"


def test_a_report_with_a_relative_home_writes_no_cache(tmp_path: Path) -> None:
    expected, _ = _report(tmp_path, "", "expected.html")
    env = {k: v for k, v in os.environ.items() if k not in (CACHE_ENV, "XDG_CACHE_HOME")}
    out = tmp_path / "got.html"
    argv = ["report", str(MINI), "-q", "--sensitivity-runs", "0", "-o", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "ovm", *argv],
        env={**env, "HOME": "home"},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["expected.html", "got.html"]
