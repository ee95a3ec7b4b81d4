"""The record ``ovm pull`` keeps of the files it has written: ``.ovm-pulled.json`` beside
``ovm.yaml``.

A ``pull:`` file that is not there is "not pulled yet" only when no pull ever wrote it: once a
pull has (even a header alone, before the first submission), a missing file is lost or
misnamed data, an error. The record lives beside ``ovm.yaml``, not in the folder of the pulled
files, so that deleting that folder, leaving it out of version control or mistyping the path in
``ovm.yaml`` is still told apart from a workspace that was never pulled.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

RECORD = ".ovm-pulled.json"
"""The record's file name, in the workspace folder."""

_ABOUT = (
    "Written by `ovm pull`: the files it has written and the server each comes from. Keep it "
    "beside ovm.yaml: a pulled file that goes missing is then an error, not 'not pulled yet'."
)


def _place(root: Path, path: str) -> str:
    return os.path.normpath(root / path)


class UnreadableRecord(ValueError):
    """The record is there but cannot be read: ``detail`` says why, in English; ``why`` is
    which reason it is (``os``: the system's words in ``params["detail"]``; ``utf8``: a
    ``byte`` at an ``offset``; ``json``: the JSON reader's ``detail`` at a ``line`` and
    ``column``; ``shape``: no list of pulls), so a message can say it in any language."""

    def __init__(
        self, path: Path, detail: str, why: str = "os", params: dict[str, object] | None = None
    ) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.detail = detail
        self.why = why
        self.params: dict[str, object] = params if params is not None else {"detail": detail}


def _entries(root: Path) -> list[dict[str, Any]] | None:
    """The record's entries; None when there is no record. A record that cannot be read (no
    file, not UTF-8, not JSON, no list of pulls) is an :class:`UnreadableRecord`."""
    target = root / RECORD
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UnreadableRecord(target, exc.strerror or type(exc).__name__) from exc
    except UnicodeDecodeError as exc:
        byte = f"{exc.object[exc.start]:02x}"
        detail = f"not UTF-8: byte 0x{byte} at offset {exc.start}"
        raise UnreadableRecord(target, detail, "utf8", {"byte": byte, "offset": exc.start}) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        detail = f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        where = {"detail": exc.msg, "line": exc.lineno, "column": exc.colno}
        raise UnreadableRecord(target, detail, "json", where) from exc
    pulls = data.get("pulls") if isinstance(data, dict) else None
    if not isinstance(pulls, list) or not all(
        isinstance(e, dict) and isinstance(e.get("path"), str) for e in pulls
    ):
        raise UnreadableRecord(target, "no list of pulls with a path each", "shape", {})
    return pulls


def written_before(root: Path, path: str, source: Mapping[str, Any]) -> str | None:
    """Where ``ovm pull`` last wrote the submissions of ``path`` or of ``source`` (the
    ``pull:`` entry, by its fields): ``path`` itself, the path another entry of the same
    server and form had; None when the record says neither was ever written (or there is
    none). A record that is there but cannot be read raises :class:`UnreadableRecord`: it
    tells nothing either way, and the caller says so."""
    entries = _entries(root)
    if entries is None:
        return None
    place = _place(root, path)
    if any(_place(root, e["path"]) == place for e in entries):
        return path
    same = [e["path"] for e in entries if e.get("pull") == dict(source)]
    return str(same[-1]) if same else None


def record_pull(root: Path, path: str, source: Mapping[str, Any]) -> None:
    """Note in the record that ``ovm pull`` wrote ``path`` from ``source``: one entry per
    file and per server form (a path renamed in ``ovm.yaml`` replaces the one before)."""
    from ovm.files import write_atomic

    target = root / RECORD
    if target.exists() and not target.is_file():
        return  # something else under its name: a missing file then reads as pulled before
    try:
        entries = _entries(root) or []
    except UnreadableRecord:
        entries = []  # rewritten whole: it records this pull from now on
    place, pull = _place(root, path), dict(source)
    kept = [e for e in entries if _place(root, e["path"]) != place and e.get("pull") != pull]
    kept.append({"path": path, "pull": pull})
    kept.sort(key=lambda e: str(e["path"]))
    text = json.dumps({"about": _ABOUT, "pulls": kept}, indent=1, ensure_ascii=False) + "\n"
    if not target.is_file() or target.read_text(encoding="utf-8", errors="replace") != text:
        write_atomic(target, text)
