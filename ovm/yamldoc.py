"""YAML read safely, with the position of every node, duplicate keys refused and limits.

Documents are composed by libyaml (PyYAML's C extension) when it is installed, else by PyYAML's
pure-Python loader; both give the same nodes, so every guard below holds on either path. When
libyaml refuses a document, the pure-Python loader composes it again only to word the error
(its messages name where the construct opened). The limits, checked in this order:

- ``MAX_BYTES``: the file's size, before anything is read into memory;
- libyaml's own nesting limit (1000) while composing, or Python's recursion limit;
- ``MAX_ALIASES`` alias uses and ``MAX_NODES`` nodes once every alias is expanded, counted on
  the composed graph (each shared node once) before anything expands: an alias bomb is
  refused at the node that would make it explode (a document without aliases, a tree, is
  built first, and walked only where the build fails, has issues or meets a merge: the same
  refusal at the same node);
- ``MAX_DEPTH`` levels of nesting, duplicate keys, keys that are not scalars and tags other
  than YAML's standard ones, each at its node, while building the plain data.
"""

from __future__ import annotations

import re
import stat
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ovm.errors import Issue, PathPart
from ovm.files import os_error_params
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
    def __init__(self, code: str, message: str, line: int, col: int, **params: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.col = code, message, line, col
        self.params = params


class _CheckFirst(Exception):
    """A build that went ahead of the check of the graph's expansion (see :func:`_parse`) met
    what that check must see first: a merge (``<<``) or value (``=``) key, before it reshapes
    the graph, or a failure or issue, before it is reported."""


class _Constructor(yaml.constructor.SafeConstructor):
    pass


_ALIAS = re.compile(r"\*[^\s,\[\]{}]")
"""Where a document may use an alias: a ``*`` followed by a character an anchor's name may
hold (YAML's rule, wider than the loaders', which take letters, digits, ``-`` and ``_``). A
document with none composes to a tree, every value once."""


_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge")
)
"""The tags a plain document resolves to; any other (``!!python/...``, ``!custom``) is refused
rather than quietly read as the plain value under it."""


_STR = "tag:yaml.org,2002:str"
_FLATTENED = frozenset(("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"))
"""The key tags ``flatten_mapping`` acts on: a merge (``<<``) and a value key (``=``)."""


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
        self.values = self.pos.values
        self.keys = self.pos.keys
        self.ctor = _Constructor()
        self.unchecked = False
        """The expansion is not checked yet: a merge stops the build (:class:`_CheckFirst`)."""

    def build(self, node: Node, path: tuple[PathPart, ...], depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            line, col = _pos(node)
            raise _Limit(
                "yaml-too-complex",
                f"document expands to more than {MAX_NODES} nodes (alias bomb?)",
                line,
                col,
                limit=MAX_NODES,
            )
        if depth > MAX_DEPTH:
            line, col = _pos(node)
            raise _Limit(
                "yaml-too-deep", f"nesting deeper than {MAX_DEPTH}", line, col, limit=MAX_DEPTH
            )
        mark = node.start_mark
        self.values.setdefault(path, (mark.line + 1, mark.column + 1))
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
                    params={"tag": _shown_tag(node.tag)},
                )
            )
            return None
        if isinstance(node, MappingNode):
            # Only a merge (<<) or value (=) key changes the mapping: the rest pass as they are.
            if any(knode.tag in _FLATTENED for knode, _ in node.value):
                if self.unchecked:
                    raise _CheckFirst
                self.ctor.flatten_mapping(node)
            out: dict[Any, Any] = {}
            keys = self.keys
            below = depth + 1
            for knode, vnode in node.value:
                key = knode.value if knode.tag == _STR else self.scalar(knode)
                if not isinstance(key, str | int | float | bool) and key is not None:
                    line, col = _pos(knode)
                    self.issues.append(
                        Issue(
                            self.file,
                            line,
                            col,
                            "invalid-key",
                            "keys must be plain scalars",
                            path,
                        )
                    )
                    continue
                skey: PathPart = key if isinstance(key, str) else str(key)
                if isinstance(key, bool) and isinstance(knode, ScalarNode):
                    # YAML 1.1 reads a key "yes" or "no" as a boolean; keys are names, as written.
                    skey = knode.value
                at = (*path, skey)
                if skey in out:
                    line, col = _pos(knode)
                    first = keys.get(at)
                    where = f" (first at line {first[0]})" if first else ""
                    self.issues.append(
                        Issue(
                            self.file,
                            line,
                            col,
                            "duplicate-key",
                            f"key {skey!r} appears more than once{where}",
                            at,
                            params={
                                "key": skey,
                                **({"variant": "first", "line": first[0]} if first else {}),
                            },
                        )
                    )
                    continue
                kmark = knode.start_mark
                keys[at] = (kmark.line + 1, kmark.column + 1)
                out[skey] = self.build(vnode, at, below)
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
            if tag.endswith(":timestamp"):
                # Shaped like a date but none (2019-13-45): the text, which the schema then
                # refuses at its place, beside every other problem of the file (a text field
                # keeps it as written).
                return node.value
            # Located at the value itself (!!int abc), not at the document.
            line, col = _pos(node)
            params = {"variant": "value", "value": str(node.value)[:60]}
            said = _worded(params) or f"invalid value: {exc}"[:200]
            raise _Limit("yaml-syntax", said, line, col, **params) from None


@dataclass(frozen=True)
class YamlDoc:
    """A parsed document: plain data plus the positions of its nodes."""

    data: Any
    positions: Positions
    file: str
    text: str = ""

    @cached_property
    def lines(self) -> list[str]:
        """The document's lines, split once: a message may quote back many values."""
        return _LINE_BREAK.split(self.text)


_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
_PLAIN_TOKEN = re.compile(r"[^\s,\[\]{}#]+")


def plain_scalar(doc: YamlDoc, path: tuple[PathPart, ...]) -> str | None:
    """The value at ``path`` as it is written in the document, when it is a plain (unquoted)
    scalar of one word: what a message quotes back to the user (``no``, where the data holds
    False)."""
    pos = doc.positions.values.get(path)
    if pos is None or not doc.text:
        return None
    line, col = pos
    lines = doc.lines
    if line > len(lines):
        return None
    found = _PLAIN_TOKEN.match(lines[line - 1], col - 1)
    if found is None or found.group(0)[0] in "\"'!&*|>%@`":
        return None
    return found.group(0)


def too_large_message(size: int) -> str:
    """Why a YAML file of ``size`` bytes is not read, and what to do."""
    return (
        f"{size:,} bytes; the limit for a YAML file is {MAX_BYTES // 1024**2} MiB: split it, "
        "or remove what is not ovm's input"
    )


def too_large_params(size: int) -> dict[str, Any]:
    """The parts of :func:`too_large_message`, by name (the catalogue's ``yaml`` variant)."""
    return {"variant": "yaml", "size": size, "limit": MAX_BYTES // 1024**2}


def _unreadable(name: str, message: str, **params: Any) -> Issue:
    return Issue(name, None, None, "file-unreadable", message, params=params)


def read_text(source: str | Path, file: str | None = None) -> tuple[str, str, list[Issue]]:
    """Read a file (or take text) and return (text, name, issues) with the size limit applied."""
    if isinstance(source, Path):
        name = file or str(source)
        try:
            st = source.stat()
        except OSError as exc:
            return "", name, [_unreadable(name, exc.strerror or str(exc), **os_error_params(exc))]
        except ValueError as exc:  # a NUL byte in the name
            return "", name, [_unreadable(name, str(exc), variant="nul")]
        if not stat.S_ISREG(st.st_mode):
            # Reading a pipe would wait for a writer forever; a folder cannot be read.
            folder = stat.S_ISDIR(st.st_mode)
            what = "a folder" if folder else "a pipe or a device"
            variant = "folder" if folder else "device"
            return "", name, [_unreadable(name, f"{what}, not a file", variant=variant)]
        size = st.st_size
        if size > MAX_BYTES:
            return (
                "",
                name,
                [
                    Issue(
                        name,
                        1,
                        1,
                        "file-too-large",
                        too_large_message(size),
                        params=too_large_params(size),
                    )
                ],
            )
        try:
            raw = source.read_bytes()
            return raw.decode("utf-8-sig"), name, []
        except UnicodeDecodeError as exc:
            return "", name, [encoding_issue(name, raw, exc)]
        except OSError as exc:
            return "", name, [_unreadable(name, exc.strerror or str(exc), **os_error_params(exc))]
    name = file or "<text>"
    if len(source.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        size = len(source.encode("utf-8", "surrogatepass"))
        issue = Issue(
            name, 1, 1, "file-too-large", too_large_message(size), params=too_large_params(size)
        )
        return "", name, [issue]
    return source, name, []


def encoding_issue(name: str, raw: bytes, exc: UnicodeDecodeError) -> Issue:
    """Where a file stops being UTF-8: line, column and byte offset, and what to do; a
    workbook (XLSX, ODS: zipped files) given where YAML text is read is said to be one."""
    if raw.startswith(b"PK\x03\x04"):
        return Issue(
            name,
            1,
            1,
            "invalid-encoding",
            "a workbook or other zipped file (XLSX, ODS), not YAML text: give the YAML file "
            "(rubric.yaml, missions.yaml, ovm.yaml); tables of data are named in ovm.yaml",
            params={"variant": "zip"},
        )
    start = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
    head = raw[:start]
    line = head.count(b"\n") + 1
    # In characters, as an editor counts them (the offset says the byte).
    col = len(head[head.rfind(b"\n") + 1 :].decode("utf-8").lstrip("\ufeff")) + 1
    byte = raw[start : start + 1].hex()
    # The codec's reason is English: the catalogue words each reason it gives.
    kind = _DECODE_REASONS.get(exc.reason, "other")
    return Issue(
        name,
        line,
        col,
        "invalid-encoding",
        f"not UTF-8: byte 0x{byte} at offset {start} ({exc.reason}): save the file as UTF-8",
        params={"variant": kind, "byte": byte, "offset": start},
    )


_DECODE_REASONS = {
    "invalid start byte": "start",
    "invalid continuation byte": "continuation",
    "unexpected end of data": "end",
}


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


_PROBLEMS = (
    # The parser's problem (English) -> the kind of problem, which the catalogue words;
    # a named group is a part the sentence quotes. Compiled on first use (by ``re``'s own
    # cache): only a document that does not parse needs them.
    (r"mapping values are not allowed here", "colon"),
    (r"found undefined alias '?(?P<name>[^']*)'?", "alias"),
    (r"found unknown escape character '?(?P<char>[^']*)'?", "escape"),
    (r"expected escape sequence of (?P<digits>[0-9]+) hexadecimal numbers", "hex_escape"),
    (r"found character '\\t' that cannot start any token", "tab"),
    (r"found character '?(?P<char>.*?)'? that cannot start any token", "character"),
    (r"could not find expected ':'", "no_colon"),
    (r"found unexpected end of stream", "end"),
    (r"expected the node content", "content"),
    (r"found duplicate anchor|second occurrence", "anchor"),
    (r"expected alphabetic or numeric character", "name"),
)
_HEX_ESCAPES = {2: "x", 4: "u", 8: "U"}
"""The escape of double quotes each count of hexadecimal digits follows (``\\x41``, ``\\u00e9``)."""

_CONSTRUCTS = {
    # Where the construct that opened is named: the kind of construct left open.
    "flow sequence": "flow_sequence",
    "flow mapping": "flow_mapping",
    "block mapping": "block_mapping",
    "block collection": "block_collection",
    "quoted scalar": "quoted_scalar",
}


def _syntax_params(
    exc: yaml.MarkedYAMLError, what: str | None, opened: tuple[int, int] | None
) -> dict[str, Any]:
    """The parts of a syntax error in ovm's terms: the construct left open and where it
    opened, else the kind of problem; the catalogue words each."""
    problem = (exc.problem or "").strip()
    # A problem inside a construct (a bad escape in a quoted text) is that problem, not the
    # construct left open.
    for pattern, kind in _PROBLEMS[:4]:
        found = re.match(pattern, problem)
        if found and kind == "hex_escape":
            digits = int(found["digits"])
            return {"variant": kind, "letter": _HEX_ESCAPES.get(digits, "x"), "digits": digits}
        if found:
            return {"variant": kind, **found.groupdict()}
    construct = next((v for k, v in _CONSTRUCTS.items() if what and k in what), None)
    if construct is not None and opened is not None:
        return {"variant": construct, "line": opened[0], "column": opened[1]}
    for pattern, kind in _PROBLEMS[4:]:
        found = re.match(pattern, problem)
        if found:
            return {"variant": kind, **found.groupdict()}
    return {"variant": "other"}


def _syntax_issue(exc: yaml.MarkedYAMLError, text: str, file: str) -> Issue:
    """A syntax error at the place the parser gave up, naming where the construct opened."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    col = mark.column + 1 if mark else None
    msg = (exc.problem or exc.context or "invalid YAML").strip()
    ctx, cmark = exc.context, exc.context_mark
    what: str | None = None
    opened: tuple[int, int] | None = None
    if ctx and cmark is not None and exc.problem_mark is not None:
        what = ctx.removeprefix("while parsing a ").removeprefix("while scanning a ").strip()
        opened = (cmark.line + 1, cmark.column + 1)
        if what == "flow node" and "<stream end>" in (exc.problem or ""):
            # The file ends inside brackets or braces (``families: [`` as its last line): the
            # parser names the value it expected, but what is missing is the closing bracket.
            left_open = _left_open(text)
            if left_open is not None:
                what, opened = left_open
        msg += f" (in the {what} that opened at line {opened[0]}, column {opened[1]})"
        fix = next((f for k, f in _FIXES.items() if k in what), None)
        if fix:
            msg += f": {fix}"
    params = _syntax_params(exc, what, opened)
    return Issue(file, line, col, "yaml-syntax", _worded(params) or msg, params=params)


def _left_open(text: str) -> tuple[str, tuple[int, int]] | None:
    """The innermost list in brackets or mapping in braces that ``text`` never closes, and
    where it opened (line and column from 1); None when the tokens cannot be read that far."""
    opened: list[tuple[str, tuple[int, int]]] = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.FlowSequenceStartToken | yaml.FlowMappingStartToken):
                kind = (
                    "flow sequence"
                    if isinstance(token, yaml.FlowSequenceStartToken)
                    else "flow mapping"
                )
                mark = token.start_mark
                opened.append((kind, (mark.line + 1, mark.column + 1)))
            elif opened and isinstance(token, yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken):
                opened.pop()
    except yaml.YAMLError:
        return None
    return opened[-1] if opened else None


def _worded(params: dict[str, Any]) -> str | None:
    """The English of a YAML problem ovm tells apart, in ovm's words as every other language
    says it (the parser's own words only for a problem it does not tell apart)."""
    if params.get("variant") == "other":
        return None
    from ovm.i18n import coded

    return coded("issue", "yaml-syntax", params, "en")


class _Resolving(yaml.resolver.Resolver):
    """Resolves each plain scalar's text to its tag once per document: a document repeats
    the same keys and words thousands of times, and PyYAML tries its patterns on every one.

    The tag of a plain scalar depends only on its text when the loader has no path resolvers
    (the safe loaders have none); with any, resolution goes the usual way.
    """

    def __init__(self, stream: str) -> None:
        # The loader the class is mixed into takes the document.
        super().__init__(stream)  # type: ignore[call-arg]
        self._plain_tags: dict[str, str] = {}

    def resolve(self, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode and implicit[0] and not self.yaml_path_resolvers:
            tag = self._plain_tags.get(value)
            if tag is None:
                tag = self._plain_tags[value] = _resolved(self, kind, value, implicit)
            return tag
        return _resolved(self, kind, value, implicit)


_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _resolved(
    resolver: yaml.resolver.BaseResolver,
    kind: type[Node],
    value: str,
    implicit: tuple[bool, bool],
) -> str:
    """PyYAML's own resolution of a node's tag, but for numbers in base 60: YAML 1.1 reads
    ``10:00`` as the number 600 (YAML 1.2 has no such numbers), so an opening hour written
    without quotes would be 00:10, or no time of day at all. Such a scalar is the text it
    shows."""
    tag = str(yaml.resolver.BaseResolver.resolve(resolver, kind, value, implicit))  # type: ignore[no-untyped-call]
    if tag in _NUMBERS and ":" in value:
        return "tag:yaml.org,2002:str"
    return tag


class _PythonComposer(_Resolving, yaml.SafeLoader):
    pass


_COMPOSERS: dict[str, Any] = {"python": _PythonComposer}
if LOADER == "libyaml":

    class _LibyamlComposer(_Resolving, yaml.CSafeLoader):
        pass

    _COMPOSERS["libyaml"] = _LibyamlComposer


def _compose(text: str, loader: str) -> Node | None:
    composer = _COMPOSERS[loader](text)
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
                    params={"limit": MAX_NODES},
                )
            sizes[key] = total
            continue
        if key in sizes or key in opened:
            line, col = _pos(node)
            if key in opened:
                return Issue(
                    file,
                    line,
                    col,
                    "yaml-too-deep",
                    "an alias refers to a value that holds it",
                    params={"variant": "cycle"},
                )
            aliases += 1
            if aliases > MAX_ALIASES:
                return Issue(
                    file,
                    line,
                    col,
                    "yaml-too-complex",
                    f"more than {MAX_ALIASES} aliases (the last refers to this value)",
                    params={"variant": "aliases", "limit": MAX_ALIASES},
                )
            continue
        if isinstance(node, ScalarNode):
            sizes[key] = 1
            continue
        opened.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node))
    return None


def _other_syntax(file: str, line: int | None, col: int | None, message: str) -> Issue:
    """A document the YAML library refuses for a reason ovm does not tell apart: its English
    text is the recorded message, the catalogue says only that the YAML is invalid there."""
    return Issue(file, line, col, "yaml-syntax", message, params={"variant": "other"})


def _too_deep(file: str) -> Issue:
    return Issue(
        file, 1, 1, "yaml-too-deep", "document nested too deeply", params={"variant": "recursion"}
    )


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
                params={"variant": "reader", "character": f"U+{exc.character:04X}"},
            )
        ]
    except yaml.YAMLError as exc:
        return None, [_other_syntax(file, None, None, str(exc).splitlines()[0])]
    except RecursionError:
        return None, [_too_deep(file)]
    except ValueError as exc:
        return None, [_other_syntax(file, None, None, str(exc)[:200])]
    if node is None:
        return YamlDoc(None, builder.pos, file, text), []
    # The walk that refuses an alias bomb before anything expands costs a tenth of the parse of
    # a large document. A document without aliases composes to a tree, where the build meets
    # every value the walk would count, once, and stops past MAX_NODES itself: there the walk
    # runs only when the build fails, skips a value (issues) or meets a merge (before it
    # reshapes the graph), and its refusal comes first, as when it runs before the build.
    builder.unchecked = _ALIAS.search(text) is None
    if not builder.unchecked:
        too_big = _expansion_issue(node, file)
        if too_big is not None:
            return None, [too_big]
    try:
        return _built(builder, node, file, text)
    except _CheckFirst:
        pass
    too_big = _expansion_issue(node, file)
    if too_big is not None:
        return None, [too_big]
    return _built(_Builder(file), node, file, text)


def _built(
    builder: _Builder, node: Node, file: str, text: str
) -> tuple[YamlDoc | None, list[Issue]]:
    """The document built from its composed ``node``; an unchecked build
    (:attr:`_Builder.unchecked`) that fails or has issues raises :class:`_CheckFirst` instead."""
    try:
        data = builder.build(node, (), 0)
    except _Limit as lim:
        failed = [Issue(file, lim.line, lim.col, lim.code, lim.message, params=lim.params)]
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        failed = [_other_syntax(file, line, col, exc.problem or "invalid value")]
    except (ValueError, TypeError, OverflowError) as exc:
        line, col = _pos(node)
        failed = [_other_syntax(file, line, col, f"invalid value: {exc}"[:200])]
    except RecursionError:
        failed = [_too_deep(file)]
    else:
        failed = []
    if builder.unchecked and (failed or builder.issues):
        raise _CheckFirst
    if failed:
        return None, failed
    if any(i.code == "invalid-tag" for i in builder.issues):
        # The value under a refused tag is unknown: checking the rest would only add noise.
        return None, builder.issues
    return YamlDoc(data, builder.pos, file, text), builder.issues
