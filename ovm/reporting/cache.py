"""Compiled report templates kept on disk between runs, in the user's cache folder.

Compiling the report's templates costs a command more than rendering them; Jinja can keep the
compiled code of each template in a folder and load it the next time. ovm keeps it in
``OVM_CACHE_DIR`` when that is set (set and empty: no cache), else in the platform's cache
folder for the user (``$XDG_CACHE_HOME/ovm``, by default ``~/.cache/ovm``; ``~/Library/Caches/ovm``
on macOS; ``%LOCALAPPDATA%\\ovm\\Cache`` on Windows).

What is stored is Python code that the next run executes, so the folder is used only when it is
the user's own and nobody else can write to it; a folder that cannot be made, read or written
leaves the report compiled in memory as without a cache, silently. Each template's entry is
checked against the template's source (a changed template, the user's ``--templates`` too, is
compiled again) and the folder's name carries the Python, Jinja and environment options the
code was compiled for, so an upgrade starts a fresh folder rather than loading stale code.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from pathlib import Path

import jinja2

CACHE_ENV = "OVM_CACHE_DIR"
"""The environment variable naming ovm's cache folder (set and empty: no cache on disk)."""


def user_cache_dir() -> Path | None:
    """ovm's folder in the user's cache, or None when ``OVM_CACHE_DIR`` is set and empty (or
    no home folder is known). The folder is not created here."""
    named = os.environ.get(CACHE_ENV)
    if named is not None:
        return Path(named).expanduser() if named.strip() else None
    try:
        home = Path.home()
    except (RuntimeError, KeyError):
        home = None
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        if local:
            return Path(local) / "ovm" / "Cache"
        return None if home is None else home / "AppData" / "Local" / "ovm" / "Cache"
    if sys.platform == "darwin":
        return None if home is None else home / "Library" / "Caches" / "ovm"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG specification: a relative path is invalid and to be ignored.
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "ovm"
    return None if home is None else home / ".cache" / "ovm"


def _private_folder(folder: Path) -> Path | None:
    """``folder``, made if needed, when it is a real folder of the user's that only the user
    can write to; None otherwise (or when it cannot be made)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None
    getuid = getattr(os, "getuid", None)
    if getuid is not None and (info.st_uid != getuid() or info.st_mode & 0o022):
        # Code another account could plant would run as this user.
        return None
    return folder


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, which never fails a report: an entry that cannot be read or is
    damaged is compiled again, one that cannot be written is left unwritten."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def template_cache(root: Path, options: str) -> jinja2.BytecodeCache | None:
    """The cache of compiled templates in the cache folder ``root`` (:func:`user_cache_dir`)
    for an environment made with ``options`` (a text naming every option that changes the
    compiled code), or None when the folder cannot be used."""
    key = "|".join((sys.implementation.cache_tag or "", jinja2.__version__, options))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    # The parents are made as the user's umask says; only the templates' folder must be private.
    folder = _private_folder(root / f"templates-{digest}")
    return None if folder is None else _TemplateCache(str(folder))
