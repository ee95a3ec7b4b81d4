"""Writing output files safely: never over an input, never half a file."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

CONFIG_NAME = "ovm.yaml"
"""The file that makes a folder a workspace."""


def os_error_params(exc: OSError) -> dict[str, Any]:
    """The parts of a file the system would not read, in ovm's terms (an issue's ``params``):
    missing, refused, or the system's error name; its English text stays the message."""
    if exc.errno == errno.ENOENT:
        return {"variant": "missing"}
    if exc.errno in (errno.EACCES, errno.EPERM):
        return {"variant": "denied"}
    return {"variant": "os", "error": errno.errorcode.get(exc.errno or 0, str(exc.errno))}


class OutputError(Exception):
    """An output that must not or cannot be written; the message says why and what to do.

    ``key`` and ``params`` word it in another language (the catalogue's ``output_*`` entry).
    ``usage`` says whether the output asked for is at fault (a wrong use of the command: an
    input, a missing folder) rather than the system that failed to write it (a full disk);
    ``code``, when it has one, is its stable code (docs/errors.md).
    """

    def __init__(
        self,
        message: str,
        key: str,
        *,
        usage: bool = True,
        code: str | None = None,
        **params: object,
    ) -> None:
        super().__init__(message)
        self.key = key
        self.params = params
        self.usage = usage
        self.code = code


def link_loop(path: str | Path) -> OutputError:
    """The error of an output that is a link leading back to itself: following it never
    reaches a file, and writing in its place would replace the link."""
    return OutputError(
        f"{path} is a loop of symbolic links: it leads to no file; remove the link or choose "
        "another output",
        "output_link_loop",
        usage=False,
        code="output-link-loop",
        path=str(path),
    )


def is_folder(path: str | Path) -> OutputError:
    """The error of an output that names a folder."""
    return OutputError(f"{path} is a folder: name a file", "output_is_folder", path=str(path))


USAGE_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.EISDIR, errno.ENOTDIR})
"""The system's refusals of a write that the output's choice causes (a wrong use of the
command, status 2); any other (a full disk, an I/O error) is a failure (status 1)."""


def write_failed(path: str | Path, exc: OSError) -> OutputError:
    """The error of a write to ``path`` that the system refused with ``exc``: a wrong use when
    the output's choice caused it (:data:`USAGE_ERRNOS`), else a failure (a full disk)."""
    reason = str(exc.strerror or exc)
    return OutputError(
        f"cannot write {path}: {reason}",
        "output_write_failed",
        usage=exc.errno in USAGE_ERRNOS,
        path=str(path),
        reason=reason,
    )


def loops(path: Path) -> bool:
    """Whether ``path`` is a link that, followed, leads back to itself (or to another loop)."""
    try:
        path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file once links are followed (False when one is absent)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        # One is absent, or a link that loops: Path.resolve() would raise for the loop.
        return os.path.realpath(a) == os.path.realpath(b)


def check_output(output: str | Path, inputs: Iterable[str | Path]) -> None:
    """Refuse an output path that is, or links to, a file the run reads."""
    out = Path(output)
    if loops(out):
        raise link_loop(output)
    if out.is_dir() or str(output).endswith(("/", os.sep)):
        # "out/" names a folder even when there is none: written, it would be a file "out"
        raise is_folder(output)
    # A folder that does not exist is said before the run's work, not after it.
    target = Path(os.path.realpath(out)) if out.is_symlink() else out
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise _no_folder(folder)
    for given in inputs:
        path = Path(given)
        if same_file(out, path):
            raise OutputError(
                f"{output} is an input of this run ({path}): writing there would "
                "destroy it; choose another output file",
                "output_is_input",
                output=str(output),
                path=str(path),
            )


def _no_folder(folder: Path) -> OutputError:
    return OutputError(
        f"folder {folder} does not exist; create it or choose another output",
        "output_no_folder",
        folder=str(folder),
    )


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it:
    an interrupted or failed write leaves the previous file as it was, never half a file.

    A link is written through (the file it names is replaced, the link kept), and an output
    that is not a file (``/dev/stdout``, ``/dev/null``, a named pipe) is written to as it is:
    renaming over it would replace the device or pipe itself with a file."""
    given = Path(path)
    try:
        mode: int | None = given.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise link_loop(given) from None
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise is_folder(given)
    if mode is not None and not stat.S_ISREG(mode):
        return _write_in_place(given, data)
    out = Path(os.path.realpath(given)) if given.is_symlink() else given
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise _no_folder(folder)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(
            f"cannot write in {folder}: {exc.strerror or exc}; choose a folder you can write to",
            "output_cannot_write_in",
            usage=exc.errno in USAGE_ERRNOS,
            folder=str(folder),
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        # A new file gets the permissions a plain open() would have given it.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise write_failed(out, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return given


def _write_in_place(path: Path, data: str | bytes) -> Path:
    """Write ``data`` into an existing output that is not a file (a device or a pipe)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(path, "wb") as fh:
            fh.write(payload)
    except OSError as exc:
        raise write_failed(path, exc) from None
    return path
