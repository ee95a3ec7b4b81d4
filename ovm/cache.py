"""ovm's folder in the user's cache, and entries kept there between runs.

Work a new process would otherwise repeat is kept in ``OVM_CACHE_DIR`` when that is set (set and
empty: no cache), else in the platform's cache folder for the user (``$XDG_CACHE_HOME/ovm``, by
default ``~/.cache/ovm``; ``~/Library/Caches/ovm`` on macOS; ``%LOCALAPPDATA%\\ovm\\Cache`` on
Windows): the report's compiled templates (:mod:`ovm.reporting.cache`), the bundled rubrics
once read and validated (:func:`ovm.rubric.model.bundled_rubric`) and the English texts of the
catalogue once read (:mod:`ovm.i18n`).

What is kept is code or pickled objects that the next run executes or loads, so a folder is
used only when it is the user's own and nobody else can write to it, and each entry only when
it is a regular file of the user's that nobody else can write to. Both are checked each time
an entry is read or written, on the folder and the entry actually opened (never through a
symbolic link), so a folder swapped after ovm started is not trusted. An empty or relative
``HOME`` or ``OVM_CACHE_DIR`` means no cache (a relative ``XDG_CACHE_HOME`` is ignored, as the
XDG specification says). A folder that cannot be made, read or written leaves the work done as
without a cache, silently.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from pathlib import Path

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


def private(info: os.stat_result, kind: int) -> bool:
    """Whether ``info`` is of the file type ``kind``, the user's, and writable by nobody else."""
    if stat.S_IFMT(info.st_mode) != kind:
        return False
    getuid = getattr(os, "getuid", None)
    # Code another account could plant would run as this user.
    return getuid is None or (info.st_uid == getuid() and not info.st_mode & 0o022)


def private_folder(folder: Path) -> Path | None:
    """``folder``, made if needed, when it is a real folder of the user's that only the user
    can write to; None otherwise (or when it cannot be made)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    return folder if private(info, stat.S_IFDIR) else None


CHECKED_OPEN = (
    hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
    and os.open in os.supports_dir_fd
    and os.rename in os.supports_dir_fd
)
"""Whether this platform can open the folder and its entries without following links, and
check what it opened (POSIX)."""


def open_private_folder(folder: Path | str) -> int | None:
    """``folder`` opened (its descriptor, to open entries relative to), or None when it is
    gone, reached through a link or not private."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        if private(os.fstat(fd), stat.S_IFDIR):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def read_entry(folder: Path, name: str) -> bytes | None:
    """The bytes of the entry ``name`` of the private ``folder``, or None when either cannot
    be trusted or read."""
    if not CHECKED_OPEN:
        try:
            if not private(folder.lstat(), stat.S_IFDIR):
                return None
            if not private((folder / name).lstat(), stat.S_IFREG):
                return None
            with open(folder / name, "rb") as entry:
                return entry.read()
        except OSError:
            return None
    fd_folder = open_private_folder(folder)
    if fd_folder is None:
        return None
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=fd_folder)
        with os.fdopen(fd, "rb") as entry:
            if not private(os.fstat(entry.fileno()), stat.S_IFREG):
                return None
            return entry.read()
    except OSError:
        return None
    finally:
        os.close(fd_folder)


def write_entry(folder: Path, name: str, data: bytes) -> None:
    """Keep ``data`` as the entry ``name`` of ``folder`` (made private if needed); silently
    nothing when the folder cannot be used."""
    made = private_folder(folder)
    if made is None:
        return
    if not CHECKED_OPEN:
        beside = made / f".{name}.{secrets.token_hex(8)}.tmp"
        try:
            beside.write_bytes(data)
            os.replace(beside, made / name)
        except OSError:
            with contextlib.suppress(OSError):
                beside.unlink()
        return
    fd_folder = open_private_folder(made)
    if fd_folder is None:
        return
    # Written under a name of its own and renamed: a reader never sees half an entry.
    temporary = f".{name}.{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(
            temporary,
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
            0o600,
            dir_fd=fd_folder,
        )
        try:
            with os.fdopen(fd, "wb") as entry:
                entry.write(data)
            # POSIX rename replaces an existing entry in one step.
            os.rename(temporary, name, src_dir_fd=fd_folder, dst_dir_fd=fd_folder)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=fd_folder)
    except OSError:
        pass
    finally:
        os.close(fd_folder)
