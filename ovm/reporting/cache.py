"""Compiled report templates kept on disk between runs, in the user's cache folder.

Compiling the report's templates costs a command more than rendering them; Jinja can keep the
compiled code of each template in a folder and load it the next time. ovm keeps it in its folder
of the user's cache (:mod:`ovm.cache`: ``OVM_CACHE_DIR``, else the platform's cache folder),
under the same checks: the folder and each entry are used only when the user's own and writable
by nobody else, opened without following links. Each template's entry is
checked against the template's source (a changed template, the user's ``--templates`` too, is
compiled again) and the folder's name carries the Python, Jinja and environment options the
code was compiled for, so an upgrade starts a fresh folder rather than loading stale code.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from pathlib import Path

import jinja2

from ovm.cache import CACHE_ENV as CACHE_ENV
from ovm.cache import private_folder, read_entry, write_entry
from ovm.cache import user_cache_dir as user_cache_dir

__all__ = ["CACHE_ENV", "template_cache", "user_cache_dir"]


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


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, checked where it is used and never failing a report: the folder and
    each entry are read and written through :mod:`ovm.cache` (opened without following links,
    used only when private; see the module's text); an entry that cannot be read or is
    damaged is compiled again, one that cannot be written is left unwritten."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = read_entry(Path(self.directory), self.pattern % bucket.key)
        if data is None:
            return
        try:
            bucket.bytecode_from_string(data)
        except _DAMAGED:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        write_entry(Path(self.directory), self.pattern % bucket.key, bucket.bytecode_to_string())


def template_cache(root: Path, options: str) -> jinja2.BytecodeCache | None:
    """The cache of compiled templates in the cache folder ``root`` (:func:`user_cache_dir`)
    for an environment made with ``options`` (a text naming every option that changes the
    compiled code), or None when the folder cannot be used."""
    key = "|".join((sys.implementation.cache_tag or "", jinja2.__version__, options))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    # The parents are made as the user's umask says; only the templates' folder must be private.
    folder = private_folder(root / f"templates-{digest}")
    if folder is None:
        return None
    return _TemplateCache(str(folder))
