"""The formula language: parsed into a tree (never eval-ed), errors located at the token."""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ovm.rubric import formula
from ovm.rubric.formula import BinOp, Call, EvaluationError, FormulaSyntaxError, Num, Unary, Var


def value(text: str, **env: float) -> float:
    return float(formula.evaluate(formula.parse(text), dict(env)))


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("votes / registered * 100", {"votes": 350, "registered": 1000}, 35.0),
        ("2 + 3 * 4", {}, 14.0),
        ("(2 + 3) * 4", {}, 20.0),
        ("2 - 3 - 4", {}, -5.0),  # left associative: (2 - 3) - 4
        ("8 / 4 / 2", {}, 1.0),  # left associative: (8 / 4) / 2
        ("-2 * 3", {}, -6.0),
        ("--3", {}, 3.0),
        ("+-+3", {}, -3.0),
        ("2 * -3", {}, -6.0),
        ("min(3, 1, 2)", {}, 1.0),
        ("max(a, b) - min(a, b)", {"a": 7, "b": 3}, 4.0),
        ("abs(a - b)", {"a": 3, "b": 7}, 4.0),
        ("1.5e2 + .5 + 1.", {}, 151.5),
        ("  x  ", {"x": 9}, 9.0),
    ],
)
def test_evaluates_like_arithmetic(text: str, env: dict, expected: float) -> None:
    assert value(text, **env) == expected


def test_parses_into_a_tree_with_variable_and_number_offsets() -> None:
    assert formula.parse("a + b * -2") == BinOp(
        "+", Var("a", 0), BinOp("*", Var("b", 4), Unary(Num(2.0, 9)))
    )
    assert formula.parse("min(x, abs(y))") == Call(
        "min", (Var("x", 4), Call("abs", (Var("y", 11),)))
    )
    assert [(v.name, v.offset) for v in formula.names(formula.parse("v / r + v"))] == [
        ("v", 0),
        ("r", 4),
        ("v", 8),
    ]


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("", "empty formula", 0),
        ("   ", "empty formula", 0),
        ("a +", "unexpected end of formula", 3),
        ("a $ b", "unexpected character '$'", 2),
        ("a.b", "unexpected character '.'", 1),
        ("2 ** 3", "unexpected '*'", 3),
        ("a b", "unexpected 'b'", 2),
        ("a)", "unexpected ')'", 1),
        ("(a", "expected ')', found end of formula", 2),
        ("min(a,)", "unexpected ')'", 6),
        ("foo(1)", "unknown function 'foo' (allowed: abs, max, min)", 0),
        ("x + min(1)", "min() takes at least 2 arguments, got 1", 4),
        ("abs(1, 2)", "abs() takes 1 argument, got 2", 0),
        ("min", "min is a function: write min(...)", 0),
        ("1e999", "number out of range", 0),
        ("__import__('os').system('true')", 'unexpected character "\'"', 11),
        ("x" * 2001, "formula longer than 2000 characters", 0),
    ],
)
def test_syntax_errors_carry_the_offending_offset(text: str, message: str, offset: int) -> None:
    with pytest.raises(FormulaSyntaxError) as info:
        formula.parse(text)
    assert (info.value.message, info.value.offset) == (message, offset)


@pytest.mark.parametrize(
    "text",
    ["-" * 1500 + "x", "+" * 1500 + "x", "(" * 60 + "x" + ")" * 60, "-(" * 40 + "x" + ")" * 40],
)
def test_deep_nesting_is_a_syntax_error_not_a_crash(text: str) -> None:
    with pytest.raises(FormulaSyntaxError) as info:
        formula.parse(text)
    assert info.value.message == "formula nested too deeply"


def test_division_by_zero_and_missing_inputs_are_evaluation_errors() -> None:
    with pytest.raises(EvaluationError) as info:
        formula.evaluate(formula.parse("a / (b - b)"), {"a": 1.0, "b": 2.0})
    assert info.value.code == "division-by-zero"
    with pytest.raises(EvaluationError) as info:
        formula.evaluate(formula.parse("a + c"), {"a": 1.0})
    assert (info.value.code, info.value.message) == ("missing-input", "no value for c")


def test_evaluates_element_wise_on_arrays() -> None:
    out = formula.evaluate(
        formula.parse("max(a, 2) / b"), {"a": np.array([1.0, 4.0]), "b": np.array([2.0, 4.0])}
    )
    assert np.array_equal(out, np.array([1.0, 1.0]))
    with pytest.raises(EvaluationError):
        formula.evaluate(formula.parse("1 / b"), {"b": np.array([1.0, 0.0])})


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("a-(b-c)", "a - (b - c)"),
        ("(a-b)-c", "a - b - c"),
        ("-(a+b)*c", "-(a + b) * c"),
        ("a/(b*c)", "a / (b * c)"),
        ("(a*b)/c", "a * b / c"),
        ("a*-b", "a * -b"),
        ("-+-x", "--x"),
        ("((x))", "x"),
        ("min(a, b+c, -d)", "min(a, b + c, -d)"),
        ("2.50 + 1e3 + 0.1", "2.5 + 1000 + 0.1"),
    ],
)
def test_to_text_writes_only_the_parentheses_precedence_needs(text: str, canonical: str) -> None:
    assert formula.to_text(formula.parse(text)) == canonical


def test_a_long_chain_survives_to_text_and_parse_again() -> None:
    # A fully parenthesised rendering of a 60-term sum would nest past the parser's limit.
    text = " + ".join(f"v{i}" for i in range(60))
    env = {f"v{i}": float(i) for i in range(60)}
    again = formula.parse(formula.to_text(formula.parse(text)))
    assert formula.evaluate(again, env) == sum(range(60))


# --- properties ------------------------------------------------------------------------------

VARS = ["a", "b", "c"]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 4 or draw(st.integers(0, 3)) == 0:
        return draw(
            st.sampled_from(VARS) | st.integers(0, 1000).map(str) | st.floats(0.001, 1e6).map(repr)
        )
    kind = draw(st.sampled_from(["bin", "bin", "neg", "paren", "call"]))
    if kind == "bin":
        op = draw(st.sampled_from(["+", "-", "*", "/"]))
        return f"{draw(expressions(depth + 1))} {op} {draw(expressions(depth + 1))}"
    if kind == "neg":
        return f"-{draw(expressions(depth + 1))}"
    if kind == "paren":
        return f"({draw(expressions(depth + 1))})"
    func = draw(st.sampled_from(["min", "max", "abs"]))
    n = 1 if func == "abs" else draw(st.integers(2, 3))
    return f"{func}({', '.join(draw(expressions(depth + 1)) for _ in range(n))})"


def outcome(expr: formula.Expr, env: dict[str, float]) -> float | str:
    try:
        result = float(formula.evaluate(expr, env))  # type: ignore[arg-type]
    except EvaluationError as exc:
        return exc.code
    return "nan" if math.isnan(result) else result


@given(st.text(max_size=80))
def test_arbitrary_text_parses_or_raises_formula_syntax_error_only(text: str) -> None:
    try:
        expr = formula.parse(text)
    except FormulaSyntaxError as exc:
        assert 0 <= exc.offset <= len(text)
    else:
        assert formula.to_text(expr)


@given(st.text(alphabet="ab1.() +-*/,minaxs", max_size=40))
def test_formula_shaped_text_parses_or_raises_formula_syntax_error_only(text: str) -> None:
    try:
        formula.parse(text)
    except FormulaSyntaxError as exc:
        assert 0 <= exc.offset <= len(text)


@given(expressions(), st.fixed_dictionaries({v: st.floats(-100, 100) for v in VARS}))
def test_to_text_then_parse_evaluates_the_same(text: str, env: dict[str, float]) -> None:
    expr = formula.parse(text)
    canonical = formula.to_text(expr)
    again = formula.parse(canonical)
    assert outcome(again, env) == outcome(expr, env)
    assert formula.to_text(again) == canonical
    assert [v.name for v in formula.names(again)] == [v.name for v in formula.names(expr)]


def test_tree_nodes_behave_as_frozen_records() -> None:
    tree = formula.parse("min(a, rating(pr)) - -2")
    same = formula.parse("min(a, rating(pr)) - -2")
    assert tree == same and hash(tree) == hash(same)
    assert tree != formula.parse("min(a, rating(pr)) - -3")
    assert repr(BinOp("+", Var("a", 0), Num(2.0, 4))) == (
        "BinOp(op='+', left=Var(name='a', offset=0), right=Num(value=2.0, offset=4))"
    )
    # Equal only to a node of the same kind: a reference and an operation holding the same
    # three values are different nodes, as they were different dataclasses.
    assert formula.Ref("+", "a", 0) != BinOp("+", "a", 0)  # type: ignore[arg-type]
    assert len({formula.Ref("score", "x", 0), formula.Ref("score", "x", 0)}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        tree.left = Num(1.0, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        del tree.op  # type: ignore[union-attr]
    assert pickle.loads(pickle.dumps(tree)) == tree
    assert copy.deepcopy(tree) == tree


# --- a divisor zero whatever the data ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("v / 0", [("0", 4)]),
        ("v / 0.0 + v / .0", [("0", 4), ("0", 14)]),
        ("v / -0", [("-0", 5)]),
        ("v / (1 - 1) * 2", [("1 - 1", 5)]),
        ("v / min(3, 0) / abs(-0.5 + 0.5)", [("min(3, 0)", 8), ("abs(-0.5 + 0.5)", 21)]),
        # The inner division is the one said; its result is no number to divide by.
        ("v / (1 / 0)", [("0", 9)]),
        ("v / 100", []),
        ("v / (2 - 1)", []),
        ("v / (0 + w)", []),
        ("v / (w - w)", []),
        ("0 / v", []),
        ("v * 0", []),
    ],
)
def test_a_divisor_zero_whatever_the_data_is_found_at_its_first_number(
    text: str, found: list[tuple[str, int]]
) -> None:
    divisions = formula.zero_divisors(formula.parse(text))
    assert [(formula.to_text(d.right), offset) for d, offset in divisions] == found


@given(expressions(), st.fixed_dictionaries({v: st.floats(-100, 100) for v in VARS}))
def test_a_formula_with_a_zero_divisor_fails_to_evaluate_whatever_the_data(
    text: str, env: dict[str, float]
) -> None:
    expr = formula.parse(text)
    if formula.zero_divisors(expr):
        assert outcome(expr, env) == "division-by-zero"
