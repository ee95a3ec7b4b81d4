"""YAML read safely, with the position of every node, duplicate keys refused and limits.

Documents are composed by libyaml (PyYAML's C extension) when it is installed, else by PyYAML's
pure-Python loader; both give the same nodes, so every guard below holds on either path. When
libyaml refuses a document, the pure-Python loader composes it again only to word the error
(its messages name where the construct opened). The limits, checked in this order:

- ``MAX_BYTES``: the file's size, before anything is read into memory;
- libyaml's own nesting limit (1000) while composing, or Python's recursion limit;
- ``MAX_ALIASES`` alias uses and ``MAX_NODES`` nodes once every alias is expanded, counted on
  the composed graph (each shared node once) before anything expands: an alias bomb is
  refused at the node that would make it explode;
- ``MAX_DEPTH`` levels of nesting, duplicate keys, keys that are not scalars and tags other
  than YAML's standard ones, each at its node, while building the plain data.
"""

from __future__ import annotations

import stat
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ovm.errors import Issue, PathPart
from ovm.runtime import paused_gc

MAX_BYTES = 5 * 1024 * 1024
"""Largest document read (bytes)."""
MAX_NODES = 500_000
"""Most values in a document, aliases expanded."""
MAX_ALIASES = 10_000
"""Most alias uses (``*name``) in a document."""
MAX_DEPTH = 200
"""Deepest nesting of values, aliases expanded."""

LOADERS = ("libyaml", "python") if getattr(yaml, "__with_libyaml__", False) else ("python",)
"""The composers available here, fastest first."""
LOADER = LOADERS[0]
"""The composer :func:`parse_yaml` uses."""


@dataclass
class Positions:
    """Where each value and key of a document sits (1-based line and column)."""

    values: dict[tuple[PathPart, ...], tuple[int, int]] = field(default_factory=dict)
    keys: dict[tuple[PathPart, ...], tuple[int, int]] = field(default_factory=dict)

    def find(self, path: tuple[PathPart, ...], *, key: bool = False) -> tuple[int, int] | None:
        """The position of ``path``, or of its nearest ancestor that exists."""
        table = self.keys if key else self.values
        if path in table:
            return table[path]
        p = path
        while p:
            p = p[:-1]
            if p in self.values:
                return self.values[p]
        return self.values.get((), None)


class _Limit(Exception):
    def __init__(self, code: str, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.col = code, message, line, col


class _Constructor(yaml.constructor.SafeConstructor):
    pass


_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge")
)
"""The tags a plain document resolves to; any other (``!!python/...``, ``!custom``) is refused
rather than quietly read as the plain value under it."""


_STR = "tag:yaml.org,2002:str"


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag


def _pos(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.count = 0
        self.issues: list[Issue] = []
        self.pos = Positions()
        self.ctor = _Constructor()

    def build(self, node: Node, path: tuple[PathPart, ...], depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            line, col = _pos(node)
            raise _Limit(
                "yaml-too-complex",
                f"document expands to more than {MAX_NODES} nodes (alias bomb?)",
                line,
                col,
            )
        if depth > MAX_DEPTH:
            line, col = _pos(node)
            raise _Limit("yaml-too-deep", f"nesting deeper than {MAX_DEPTH}", line, col)
        self.pos.values.setdefault(path, _pos(node))
        if node.tag not in _STANDARD_TAGS:
            line, col = _pos(node)
            self.issues.append(
                Issue(
                    self.file,
                    line,
                    col,
                    "invalid-tag",
                    f"the tag {_shown_tag(node.tag)!r} is not allowed: remove it and write "
                    "the plain value",
                    path,
                )
            )
            return None
        if isinstance(node, MappingNode):
            self.ctor.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for knode, vnode in node.value:
                key = self.scalar(knode)
                if not isinstance(key, str | int | float | bool) and key is not None:
                    line, col = _pos(knode)
                    self.issues.append(
                        Issue(
                            self.file, line, col, "invalid-key", "keys must be plain scalars", path
                        )
                    )
                    continue
                skey: PathPart = key if isinstance(key, str) else str(key)
                if isinstance(key, bool) and isinstance(knode, ScalarNode):
                    # YAML 1.1 reads a key "yes" or "no" as a boolean; keys are names, as written.
                    skey = knode.value
                if skey in out:
                    line, col = _pos(knode)
                    first = self.pos.keys.get((*path, skey))
                    where = f" (first at line {first[0]})" if first else ""
                    self.issues.append(
                        Issue(
                            self.file,
                            line,
                            col,
                            "duplicate-key",
                            f"key {skey!r} appears more than once{where}",
                            (*path, skey),
                        )
                    )
                    continue
                self.pos.keys[(*path, skey)] = _pos(knode)
                out[skey] = self.build(vnode, (*path, skey), depth + 1)
            return out
        if isinstance(node, SequenceNode):
            return [self.build(v, (*path, i), depth + 1) for i, v in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self.scalar(node)

    def scalar(self, node: Node) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag not in _STANDARD_TAGS or not isinstance(node, ScalarNode):
            # A tagged or collection key: refused as a key (the caller says so), not built.
            return ()
        construct = self.ctor.yaml_constructors.get(tag) or self.ctor.yaml_constructors[None]
        try:
            return construct(self.ctor, node)
        except (ValueError, TypeError, OverflowError) as exc:
            # Located at the value itself (a date like 2020-13-01), not at the document.
            line, col = _pos(node)
            raise _Limit("yaml-syntax", f"invalid value: {exc}"[:200], line, col) from None


@dataclass(frozen=True)
class YamlDoc:
    """A parsed document: plain data plus the positions of its nodes."""

    data: Any
    positions: Positions
    file: str
    text: str = ""


def too_large_message(size: int) -> str:
    """Why a YAML file of ``size`` bytes is not read, and what to do."""
    return (
        f"{size:,} bytes; the limit for a YAML file is {MAX_BYTES // 1024**2} MiB: split it, "
        "or remove what is not ovm's input"
    )


def read_text(source: str | Path, file: str | None = None) -> tuple[str, str, list[Issue]]:
    """Read a file (or take text) and return (text, name, issues) with the size limit applied."""
    if isinstance(source, Path):
        name = file or str(source)
        try:
            st = source.stat()
        except OSError as exc:
            return "", name, [Issue(name, None, None, "file-unreadable", exc.strerror or str(exc))]
        except ValueError as exc:  # a NUL byte in the name
            return "", name, [Issue(name, None, None, "file-unreadable", str(exc))]
        if not stat.S_ISREG(st.st_mode):
            # Reading a pipe would wait for a writer forever; a folder cannot be read.
            what = "a folder" if stat.S_ISDIR(st.st_mode) else "a pipe or a device"
            return "", name, [Issue(name, None, None, "file-unreadable", f"{what}, not a file")]
        size = st.st_size
        if size > MAX_BYTES:
            return (
                "",
                name,
                [Issue(name, 1, 1, "file-too-large", too_large_message(size))],
            )
        try:
            raw = source.read_bytes()
            return raw.decode("utf-8-sig"), name, []
        except UnicodeDecodeError as exc:
            return "", name, [encoding_issue(name, raw, exc)]
        except OSError as exc:
            return "", name, [Issue(name, None, None, "file-unreadable", exc.strerror or str(exc))]
    name = file or "<text>"
    if len(source.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        size = len(source.encode("utf-8", "surrogatepass"))
        return "", name, [Issue(name, 1, 1, "file-too-large", too_large_message(size))]
    return source, name, []


def encoding_issue(name: str, raw: bytes, exc: UnicodeDecodeError) -> Issue:
    """Where a file stops being UTF-8: line, column and byte offset, and what to do."""
    start = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
    head = raw[:start]
    line = head.count(b"\n") + 1
    col = start - (head.rfind(b"\n") + 1) + 1
    return Issue(
        name,
        line,
        col,
        "invalid-encoding",
        f"not UTF-8: byte 0x{raw[start : start + 1].hex()} at offset {start} ({exc.reason}): "
        "save the file as UTF-8",
    )


def _line_col(text: str, position: int) -> tuple[int, int]:
    head = text[:position]
    return head.count("\n") + 1, position - (head.rfind("\n") + 1) + 1


_FIXES = {
    "flow sequence": "close it with ']'",
    "flow mapping": "close it with '}'",
    "block mapping": "align the key with the other keys of its mapping",
    "block collection": "align the item with the other items of its list",
    "quoted scalar": "close the quote",
}


def _syntax_issue(exc: yaml.MarkedYAMLError, text: str, file: str) -> Issue:
    """A syntax error at the place the parser gave up, naming where the construct opened."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    col = mark.column + 1 if mark else None
    msg = (exc.problem or exc.context or "invalid YAML").strip()
    ctx, cmark = exc.context, exc.context_mark
    if ctx and cmark is not None and exc.problem_mark is not None:
        what = ctx.removeprefix("while parsing a ").removeprefix("while scanning a ").strip()
        msg += f" (in the {what} that opened at line {cmark.line + 1}, column {cmark.column + 1})"
        fix = next((f for k, f in _FIXES.items() if k in what), None)
        if fix:
            msg += f": {fix}"
    return Issue(file, line, col, "yaml-syntax", msg)


def _compose(text: str, loader: str) -> Node | None:
    composer = yaml.CSafeLoader(text) if loader == "libyaml" else yaml.SafeLoader(text)
    try:
        node: Node | None = composer.get_single_node()
        return node
    finally:
        composer.dispose()


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [v for _k, v in node.value]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _expansion_issue(root: Node, file: str) -> Issue | None:
    """The first limit the document breaks once its aliases are expanded, found on the
    composed graph, where each node shared by aliases is visited once."""
    sizes: dict[int, int] = {}
    opened: set[int] = set()
    aliases = 0
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        key = id(node)
        if closing:
            opened.discard(key)
            total = 1 + sum(sizes[id(c)] for c in _children(node))
            if total > MAX_NODES:
                line, col = _pos(node)
                return Issue(
                    file,
                    line,
                    col,
                    "yaml-too-complex",
                    f"document expands to more than {MAX_NODES} nodes (alias bomb?)",
                )
            sizes[key] = total
            continue
        if key in sizes or key in opened:
            line, col = _pos(node)
            if key in opened:
                return Issue(
                    file, line, col, "yaml-too-deep", "an alias refers to a value that holds it"
                )
            aliases += 1
            if aliases > MAX_ALIASES:
                return Issue(
                    file,
                    line,
                    col,
                    "yaml-too-complex",
                    f"more than {MAX_ALIASES} aliases (the last refers to this value)",
                )
            continue
        if isinstance(node, ScalarNode):
            sizes[key] = 1
            continue
        opened.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node))
    return None


def parse_yaml(text: str, file: str) -> tuple[YamlDoc | None, list[Issue]]:
    """Parse one YAML document with positions; problems come back as issues, never raised."""
    with paused_gc():
        return _parse(text, file)


def _parse(text: str, file: str) -> tuple[YamlDoc | None, list[Issue]]:
    builder = _Builder(file)
    node: Node | None = None
    composed = False
    if LOADER == "libyaml":
        # A refusal is composed again below by the pure-Python loader, only to word it.
        with suppress(yaml.YAMLError, ValueError, RecursionError):
            node, composed = _compose(text, "libyaml"), True
    try:
        if not composed:
            node = _compose(text, "python")
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_issue(exc, text, file)]
    except yaml.reader.ReaderError as exc:
        at = _line_col(text, exc.position)
        return None, [
            Issue(
                file,
                at[0],
                at[1],
                "yaml-syntax",
                f"the character U+{exc.character:04X} is not allowed in YAML "
                "(even in a comment): remove it",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [Issue(file, None, None, "yaml-syntax", str(exc).splitlines()[0])]
    except RecursionError:
        return None, [Issue(file, 1, 1, "yaml-too-deep", "document nested too deeply")]
    except ValueError as exc:
        return None, [Issue(file, None, None, "yaml-syntax", str(exc)[:200])]
    if node is None:
        return YamlDoc(None, builder.pos, file, text), []
    too_big = _expansion_issue(node, file)
    if too_big is not None:
        return None, [too_big]
    try:
        data = builder.build(node, (), 0)
    except _Limit as lim:
        return None, [Issue(file, lim.line, lim.col, lim.code, lim.message)]
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        return None, [Issue(file, line, col, "yaml-syntax", (exc.problem or "invalid value"))]
    except (ValueError, TypeError, OverflowError) as exc:
        line, col = _pos(node)
        return None, [Issue(file, line, col, "yaml-syntax", f"invalid value: {exc}"[:200])]
    except RecursionError:
        return None, [Issue(file, 1, 1, "yaml-too-deep", "document nested too deeply")]
    if any(i.code == "invalid-tag" for i in builder.issues):
        # The value under a refused tag is unknown: checking the rest would only add noise.
        return None, builder.issues
    return YamlDoc(data, builder.pos, file, text), builder.issues
