"""The formula language of quantitative indicators, parsed into a tree and never ``eval``-ed.

Grammar: numbers, declared variable names, ``+ - * /``, unary minus, parentheses and the
functions ``min``, ``max`` (two or more arguments) and ``abs`` (one). A formula (a group's, or a
quantitative indicator's beside its variables) may also read other nodes: ``value(id)``,
``score(id)``, ``band(id)`` (the index of its band) and ``rating(id)`` (its band's rating), where
``id`` is a node id as written in the rubric.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import FrozenInstanceError
from typing import TYPE_CHECKING, NoReturn, Union

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TypeAlias

    import numpy as np
    import numpy.typing as npt

    from ovm.rubric.model import Rubric
    from ovm.scoring.results import NodeStatus

    FloatArray: TypeAlias = npt.NDArray[np.float64]
    Value: TypeAlias = Union[float, FloatArray]

FUNCTIONS = {"min": (2, None), "max": (2, None), "abs": (1, 1)}
REFERENCES = ("value", "score", "band", "rating")
"""Functions that read another node's result; their argument is a node id."""
MAX_LENGTH = 2000
MAX_DEPTH = 50

_TOKEN = re.compile(
    r"\s*(?:(?P<ref>(?:value|score|band|rating)\s*\(\s*[a-z0-9][a-z0-9_.-]*\s*\))"
    r"|(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>[-+*/(),]))"
)


class FormulaSyntaxError(ValueError):
    """A formula that does not parse; ``offset`` is the 0-based character position.

    ``params`` are the parts of the message by name, ``variant`` naming which sentence it is
    (the rubric's ``formula-syntax`` issue words it in every language from them).
    """

    def __init__(self, message: str, offset: int, variant: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.params: dict[str, object] = {"variant": variant, **params}


class EvaluationError(ArithmeticError):
    """A formula that cannot be evaluated for the given inputs (division by zero, missing)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Node:
    """A node of a formula's tree: immutable, equal to a node of its own class with equal
    fields, hashable and shown as built, as a frozen dataclass is. Written out rather than made
    by ``dataclass``, which compiles six methods for each class as every process starts: the
    rubric's modules load on every command."""

    # Each class's __slots__ names its fields in their order: the order of its arguments, and
    # of the values compared, hashed and shown.
    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _Node)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({fields})"

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[_Node], tuple[object, ...]]:
        return type(self), self._values()


class Num(_Node):
    """A numeric literal, at the character ``offset`` of the formula."""

    __slots__ = ("value", "offset")  # noqa: RUF023 (the fields' order)
    value: float
    offset: int

    def __init__(self, value: float, offset: int) -> None:
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "offset", offset)


class Var(_Node):
    """A reference to a declared variable."""

    __slots__ = ("name", "offset")
    name: str
    offset: int

    def __init__(self, name: str, offset: int) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "offset", offset)


class Ref(_Node):
    """A reference to another node's result: ``rating(pr)``."""

    __slots__ = ("func", "node", "offset")
    func: str
    node: str
    offset: int

    def __init__(self, func: str, node: str, offset: int) -> None:
        object.__setattr__(self, "func", func)
        object.__setattr__(self, "node", node)
        object.__setattr__(self, "offset", offset)

    @property
    def key(self) -> str:
        """How the reference is written, canonically: its name among a formula's inputs."""
        return f"{self.func}({self.node})"


class Unary(_Node):
    """Unary minus."""

    __slots__ = ("operand",)
    operand: Expr

    def __init__(self, operand: Expr) -> None:
        object.__setattr__(self, "operand", operand)


class BinOp(_Node):
    """One of ``+ - * /``."""

    __slots__ = ("op", "left", "right")  # noqa: RUF023 (the fields' order)
    op: str
    left: Expr
    right: Expr

    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        object.__setattr__(self, "op", op)
        object.__setattr__(self, "left", left)
        object.__setattr__(self, "right", right)


class Call(_Node):
    """``min``, ``max`` or ``abs``."""

    __slots__ = ("func", "args")  # noqa: RUF023 (the fields' order)
    func: str
    args: tuple[Expr, ...]

    def __init__(self, func: str, args: tuple[Expr, ...]) -> None:
        object.__setattr__(self, "func", func)
        object.__setattr__(self, "args", args)


Expr = Union[Num, Var, Ref, Unary, BinOp, Call]


class _Tok:
    __slots__ = ("kind", "offset", "text")

    def __init__(self, kind: str, text: str, offset: int) -> None:
        self.kind = kind
        self.text = text
        self.offset = offset


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            bad = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise FormulaSyntaxError(
                f"unexpected character {text[bad]!r}", bad, "character", character=text[bad]
            )
        kind = m.lastgroup or "op"
        toks.append(_Tok(kind, m.group(kind), m.start(kind)))
        pos = m.end()
    toks.append(_Tok("end", "", len(text)))
    return toks


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            if tok.kind == "end":
                raise FormulaSyntaxError(
                    f"expected {text!r}, found end of formula",
                    tok.offset,
                    "expected_end",
                    expected=text,
                )
            raise FormulaSyntaxError(
                f"expected {text!r}, found {tok.text!r}",
                tok.offset,
                "expected",
                expected=text,
                found=tok.text,
            )

    def expr(self) -> Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaSyntaxError("formula nested too deeply", self.peek().offset, "deep")
        node = self.term()
        while self.peek().text in ("+", "-"):
            op = self.take().text
            node = BinOp(op, node, self.term())
        self.depth -= 1
        return node

    def term(self) -> Expr:
        node = self.unary()
        while self.peek().text in ("*", "/"):
            op = self.take().text
            node = BinOp(op, node, self.unary())
        return node

    def unary(self) -> Expr:
        if self.peek().text in ("-", "+"):
            # Each sign nests like a parenthesis: bounded, so a run of signs cannot overflow.
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FormulaSyntaxError("formula nested too deeply", self.peek().offset, "deep")
            sign = self.take().text
            operand = self.unary()
            self.depth -= 1
            return Unary(operand) if sign == "-" else operand
        return self.atom()

    def atom(self) -> Expr:
        tok = self.take()
        if tok.kind == "ref":
            func, _, rest = tok.text.partition("(")
            return Ref(func.strip(), rest.rstrip(")").strip(), tok.offset)
        if tok.kind == "num":
            value = float(tok.text)
            if not math.isfinite(value):
                raise FormulaSyntaxError("number out of range", tok.offset, "number")
            return Num(value, tok.offset)
        if tok.kind == "name":
            if self.peek().text == "(":
                if tok.text in REFERENCES:
                    raise FormulaSyntaxError(
                        f"{tok.text}() takes one node id, as written in the rubric",
                        tok.offset,
                        "reference",
                        function=tok.text,
                    )
                if tok.text not in FUNCTIONS:
                    raise FormulaSyntaxError(
                        f"unknown function {tok.text!r} (allowed: abs, max, min)",
                        tok.offset,
                        "function",
                        function=tok.text,
                        allowed=sorted(FUNCTIONS),
                    )
                self.take()
                args = [self.expr()]
                while self.peek().text == ",":
                    self.take()
                    args.append(self.expr())
                self.expect(")")
                lo, hi = FUNCTIONS[tok.text]
                if len(args) < lo or (hi is not None and len(args) > hi):
                    want = f"{lo}" if hi == lo else f"at least {lo}"
                    noun = "argument" if lo == 1 else "arguments"
                    raise FormulaSyntaxError(
                        f"{tok.text}() takes {want} {noun}, got {len(args)}",
                        tok.offset,
                        "arguments" if hi == lo else "arguments_at_least",
                        function=tok.text,
                        n=lo,
                        got=len(args),
                    )
                return Call(tok.text, tuple(args))
            if tok.text in FUNCTIONS:
                raise FormulaSyntaxError(
                    f"{tok.text} is a function: write {tok.text}(...)",
                    tok.offset,
                    "call",
                    function=tok.text,
                )
            return Var(tok.text, tok.offset)
        if tok.text == "(":
            node = self.expr()
            self.expect(")")
            return node
        if tok.kind == "end":
            raise FormulaSyntaxError("unexpected end of formula", tok.offset, "unexpected_end")
        raise FormulaSyntaxError(
            f"unexpected {tok.text!r}", tok.offset, "unexpected", found=tok.text
        )


def parse(text: str) -> Expr:
    """Parse a formula; raises :class:`FormulaSyntaxError` with the offending offset."""
    if len(text) > MAX_LENGTH:
        raise FormulaSyntaxError(
            f"formula longer than {MAX_LENGTH} characters", 0, "long", n=MAX_LENGTH
        )
    if not text.strip():
        raise FormulaSyntaxError("empty formula", 0, "empty")
    parser = _Parser(text)
    node = parser.expr()
    tok = parser.peek()
    if tok.kind != "end":
        raise FormulaSyntaxError(
            f"unexpected {tok.text!r}", tok.offset, "unexpected", found=tok.text
        )
    return node


def names(node: Expr) -> list[Var]:
    """Every variable reference in the tree, in order of appearance."""
    if isinstance(node, Var):
        return [node]
    if isinstance(node, Unary):
        return names(node.operand)
    if isinstance(node, BinOp):
        return names(node.left) + names(node.right)
    if isinstance(node, Call):
        return [v for a in node.args for v in names(a)]
    return []


def refs(node: Expr) -> list[Ref]:
    """Every node reference in the tree, in order of appearance."""
    if isinstance(node, Ref):
        return [node]
    if isinstance(node, Unary):
        return refs(node.operand)
    if isinstance(node, BinOp):
        return refs(node.left) + refs(node.right)
    if isinstance(node, Call):
        return [r for a in node.args for r in refs(a)]
    return []


def zero_divisors(node: Expr) -> list[tuple[BinOp, int]]:
    """Every division whose divisor is 0 whatever the data, with the offset of the divisor's
    first number: a divisor of numbers alone (``0``, ``0.0``, ``-0``, ``(1 - 1)``) that the
    scoring's arithmetic makes 0. Such a formula can never be evaluated; a divisor that reads
    a variable or a node depends on the data and is never judged here."""
    found: list[tuple[BinOp, int]] = []
    if isinstance(node, Unary):
        found += zero_divisors(node.operand)
    elif isinstance(node, BinOp):
        found += zero_divisors(node.left) + zero_divisors(node.right)
        if node.op == "/" and _constant(node.right) == 0.0:
            first = _first_number(node.right)
            if first is not None:
                found.append((node, first.offset))
    elif isinstance(node, Call):
        for a in node.args:
            found += zero_divisors(a)
    return found


def _constant(node: Expr) -> float | None:
    """The value of a tree of numbers alone, by the float arithmetic :func:`evaluate` does on
    them (without loading NumPy, which a rubric check does not need); None when it reads a
    variable or a node, or divides by zero itself (that division is reported on its own)."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Unary):
        inner = _constant(node.operand)
        return None if inner is None else -inner
    if isinstance(node, BinOp):
        left, right = _constant(node.left), _constant(node.right)
        if left is None or right is None or (node.op == "/" and right == 0):
            return None
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        return left * right if node.op == "*" else left / right
    if isinstance(node, Call):
        args = [_constant(a) for a in node.args]
        known = [a for a in args if a is not None]
        if len(known) < len(args):
            return None
        if node.func == "abs":
            return abs(known[0])
        return min(known) if node.func == "min" else max(known)
    return None


def _first_number(node: Expr) -> Num | None:
    """The leftmost number of a tree, where a message about it points."""
    if isinstance(node, Num):
        return node
    if isinstance(node, Unary):
        return _first_number(node.operand)
    if isinstance(node, BinOp):
        return _first_number(node.left) or _first_number(node.right)
    if isinstance(node, Call):
        return next((n for a in node.args if (n := _first_number(a)) is not None), None)
    return None


def distinct_refs(found: Iterable[Ref]) -> tuple[Ref, ...]:
    """One reference per thing read (node and what of it), the first of each, in order: a
    formula that names a node twice still has one input for it."""
    return tuple({r.key: r for r in found}.values())


def read_node(
    rubric: Rubric, ref: Ref, status: str, score: float | None, value: float | str | None
) -> float | None:
    """What ``ref`` reads of its node's result (status, score, value), or None when the node
    has no score, or no band or rating where ``ref`` asks for one."""
    if status != "scored" or score is None:
        return None
    if ref.func == "score":
        return score
    if ref.func == "value":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return score
    node = rubric.node(ref.node)
    band = rubric.band_at(node, score)
    if band is None:
        return None
    if ref.func == "band":
        return float(rubric.bands_for(node).index(band))
    return band.rating


def absent_status(statuses: Sequence[NodeStatus]) -> NodeStatus:
    """The status of a formula some of whose nodes gave nothing to read, from theirs: pending or
    undefined when one of them is, insufficient when one is insufficient or scored (without the
    band or rating asked for), else missing."""
    if "pending" in statuses:
        return "pending"
    if "undefined" in statuses:
        return "undefined"
    if "insufficient" in statuses or "scored" in statuses:
        return "insufficient"
    return "missing"


def evaluate(node: Expr, env: dict[str, Value]) -> Value:
    """Evaluate on floats or NumPy arrays (element-wise); raises :class:`EvaluationError`.

    ``env`` maps variable names, and node references by their :attr:`Ref.key`, to values.
    """
    import numpy as np

    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        if node.key not in env:
            raise EvaluationError("missing-input", f"no value for {node.key}")
        return env[node.key]
    if isinstance(node, Var):
        if node.name not in env:
            raise EvaluationError("missing-input", f"no value for {node.name}")
        return env[node.name]
    if isinstance(node, Unary):
        return -evaluate(node.operand, env)
    if isinstance(node, BinOp):
        left = evaluate(node.left, env)
        right = evaluate(node.right, env)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        if np.any(np.asarray(right) == 0):
            raise EvaluationError("division-by-zero", "division by zero")
        return left / right
    args = [evaluate(a, env) for a in node.args]
    if node.func == "abs":
        return np.abs(args[0]) if isinstance(args[0], np.ndarray) else abs(args[0])
    if any(isinstance(a, np.ndarray) for a in args):
        stack = np.broadcast_arrays(*[np.asarray(a, dtype=float) for a in args])
        out: FloatArray = np.min(stack, axis=0) if node.func == "min" else np.max(stack, axis=0)
        return out
    floats = [float(a) for a in args]
    return min(floats) if node.func == "min" else max(floats)


def to_text(node: Expr) -> str:
    """Canonical text of a formula tree, with parentheses only where precedence needs them.

    ``parse(to_text(e))`` gives back ``e``; minimal parentheses keep the text within the
    nesting limit whenever the original formula was.
    """
    if isinstance(node, Num):
        text = repr(node.value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(node, Var):
        return node.name
    if isinstance(node, Ref):
        return node.key
    if isinstance(node, Unary):
        return f"-{_operand(node.operand, 3)}"
    if isinstance(node, BinOp):
        prec = _PRECEDENCE[node.op]
        # Operators associate to the left: a right operand of equal precedence keeps its brackets.
        return f"{_operand(node.left, prec)} {node.op} {_operand(node.right, prec + 1)}"
    return f"{node.func}({', '.join(to_text(a) for a in node.args)})"


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _operand(node: Expr, at_least: int) -> str:
    prec = _PRECEDENCE[node.op] if isinstance(node, BinOp) else 3
    text = to_text(node)
    return f"({text})" if prec < at_least else text
