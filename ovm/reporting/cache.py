"""Compiled report templates kept on disk between runs, in the user's cache folder.

Compiling the report's templates costs a command more than rendering them; Jinja can keep the
compiled code of each template in a folder and load it the next time. ovm keeps it in
``OVM_CACHE_DIR`` when that is set (set and empty: no cache), else in the platform's cache
folder for the user (``$XDG_CACHE_HOME/ovm``, by default ``~/.cache/ovm``; ``~/Library/Caches/ovm``
on macOS; ``%LOCALAPPDATA%\\ovm\\Cache`` on Windows).

What is stored is Python code that the next run executes, so the folder is used only when it is
the user's own and nobody else can write to it, and each entry only when it is a regular file of
the user's that nobody else can write to. Both are checked each time an entry is read or written,
on the folder and the entry actually opened (never through a symbolic link), so a folder swapped
after ovm started is not trusted. An empty or relative ``HOME`` or ``OVM_CACHE_DIR`` means no
cache (a relative ``XDG_CACHE_HOME`` is ignored, as the XDG specification says). A folder that
cannot be made, read or written leaves the report compiled in memory as without a cache,
silently. Each template's entry is
checked against the template's source (a changed template, the user's ``--templates`` too, is
compiled again) and the folder's name carries the Python, Jinja and environment options the
code was compiled for, so an upgrade starts a fresh folder rather than loading stale code.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import secrets
import stat
import sys
from pathlib import Path

import jinja2

CACHE_ENV = "OVM_CACHE_DIR"
"""The environment variable naming ovm's cache folder (set and empty: no cache on disk)."""


def user_cache_dir() -> Path | None:
    """ovm's folder in the user's cache, or None when ``OVM_CACHE_DIR`` is set and empty or
    relative, or no home folder is known (``HOME`` unset, empty or relative). The folder is not
    created here."""
    named = os.environ.get(CACHE_ENV)
    if named is not None:
        # A relative folder would trust whatever the current directory holds.
        chosen = Path(named.strip()).expanduser() if named.strip() else None
        return chosen if chosen is not None and chosen.is_absolute() else None
    try:
        home: Path | None = Path.home()
    except (RuntimeError, KeyError):
        home = None
    if "HOME" in os.environ and not Path(os.environ["HOME"]).is_absolute():
        # Set but empty (cron, service units) or relative: Path.home() would give the root or
        # the current directory.
        home = None
    if home is not None and not home.is_absolute():
        home = None
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        if local and Path(local).is_absolute():
            return Path(local) / "ovm" / "Cache"
        return None if home is None else home / "AppData" / "Local" / "ovm" / "Cache"
    if sys.platform == "darwin":
        return None if home is None else home / "Library" / "Caches" / "ovm"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG specification: a relative path is invalid and to be ignored.
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "ovm"
    return None if home is None else home / ".cache" / "ovm"


def _private(info: os.stat_result, kind: int) -> bool:
    """Whether ``info`` is of the file type ``kind``, the user's, and writable by nobody else."""
    if stat.S_IFMT(info.st_mode) != kind:
        return False
    getuid = getattr(os, "getuid", None)
    # Code another account could plant would run as this user.
    return getuid is None or (info.st_uid == getuid() and not info.st_mode & 0o022)


def _private_folder(folder: Path) -> Path | None:
    """``folder``, made if needed, when it is a real folder of the user's that only the user
    can write to; None otherwise (or when it cannot be made)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    return folder if _private(info, stat.S_IFDIR) else None


# What a damaged entry's header (a pickled checksum) can raise when read; Jinja itself resets the
# bucket when the code after it cannot be unmarshalled.
_DAMAGED = (
    OSError,
    EOFError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    ImportError,
    pickle.UnpicklingError,
)

_CHECKED_OPEN = (
    hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
    and os.open in os.supports_dir_fd
    and os.rename in os.supports_dir_fd
)
"""Whether this platform can open the folder and its entries without following links, and
check what it opened (POSIX)."""


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, checked where it is used and never failing a report: the folder and
    each entry are opened without following links and used only when private (see the
    module's text); an entry that cannot be read or is damaged is compiled again, one that
    cannot be written is left unwritten."""

    def _folder(self) -> int | None:
        """The folder opened (its descriptor), or None when it is gone or not private."""
        try:
            fd = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            return None
        try:
            if _private(os.fstat(fd), stat.S_IFDIR):
                return fd
        except OSError:
            pass
        os.close(fd)
        return None

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        folder = self._folder()
        if folder is None:
            return
        try:
            try:
                fd = os.open(self.pattern % bucket.key, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder)
            except OSError:
                return
            with os.fdopen(fd, "rb") as entry:
                if not _private(os.fstat(entry.fileno()), stat.S_IFREG):
                    return
                try:
                    bucket.load_bytecode(entry)
                except _DAMAGED:
                    bucket.reset()
        finally:
            os.close(folder)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        folder = self._folder()
        if folder is None:
            return
        name = self.pattern % bucket.key
        # Written under a name of its own and renamed: a reader never sees half an entry.
        temporary = f".{name}.{secrets.token_hex(8)}.tmp"
        try:
            fd = os.open(
                temporary,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                0o600,
                dir_fd=folder,
            )
            try:
                with os.fdopen(fd, "wb") as entry:
                    bucket.write_bytecode(entry)
                # POSIX rename replaces an existing entry in one step.
                os.rename(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(temporary, dir_fd=folder)
        except OSError:
            pass
        finally:
            os.close(folder)


class _UncheckedTemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, never failing a report, where entries cannot be opened relative to
    a checked folder (Windows): an entry that cannot be read or is damaged is compiled again,
    one that cannot be written is left unwritten."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except _DAMAGED:
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
    if folder is None:
        return None
    return (_TemplateCache if _CHECKED_OPEN else _UncheckedTemplateCache)(str(folder))
