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
    """

    def __init__(self, message: str, key: str, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file once links are followed (False when one is absent)."""
    try:
        return a.resolve().samefile(b.resolve())
    except OSError:
        return a.resolve() == b.resolve()


def check_output(output: str | Path, inputs: Iterable[str | Path]) -> None:
    """Refuse an output path that is, or links to, a file the run reads."""
    out = Path(output)
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


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it:
    an interrupted or failed write leaves the previous file as it was, never half a file.

    A link is written through (the file it names is replaced, the link kept), and an output
    that is not a file (``/dev/stdout``, ``/dev/null``, a named pipe) is written to as it is:
    renaming over it would replace the device or pipe itself with a file."""
    given = Path(path)
    try:
        mode: int | None = given.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return _write_in_place(given, data)
    out = Path(os.path.realpath(given)) if given.is_symlink() else given
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(
            f"folder {folder} does not exist; create it or choose another output",
            "output_no_folder",
            folder=str(folder),
        )
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(
            f"cannot write in {folder}: {exc.strerror or exc}; choose a folder you can write to",
            "output_cannot_write_in",
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
        raise OutputError(
            f"cannot write {out}: {exc.strerror or exc}", "output_cannot_write", path=str(out)
        ) from None
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
        raise OutputError(
            f"cannot write {path}: {exc.strerror or exc}", "output_cannot_write", path=str(path)
        ) from None
    return path
