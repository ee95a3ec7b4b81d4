"""YAML is read safely: positions kept, duplicate keys refused, hostile documents stopped early."""

from __future__ import annotations

import json
import re
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

import ovm
from ovm import DataError, check_rubric
from ovm.yamldoc import MAX_ALIASES, MAX_BYTES, MAX_NODES

# Every test runs with each YAML composer (libyaml and pure Python).
pytestmark = pytest.mark.usefixtures("yaml_loader")

RUBRICS = Path(__file__).parent / "data" / "rubrics"
VALID = (RUBRICS / "valid.yaml").read_text(encoding="utf-8")


def where(issues: list[ovm.Issue]) -> list[tuple[int | None, int | None, str]]:
    return [(i.line, i.column, i.code) for i in issues]


def test_syntax_error_points_at_the_offending_character() -> None:
    rubric, issues = check_rubric(RUBRICS / "yaml-syntax.yaml")
    # Line 15 is "        kind: levels: x": the second colon, at column 21, is the problem.
    assert rubric is None
    assert where(issues) == [(15, 21, "yaml-syntax")]
    assert issues[0].message == (
        "a ':' where the value was expected: put each key on a line of its own, or quote a text "
        "that holds ': '"
    )


def test_duplicate_key_is_an_error_naming_the_first_occurrence() -> None:
    rubric, issues = check_rubric(RUBRICS / "duplicate-key.yaml")
    assert where(issues) == [(19, 9, "duplicate-key")]
    assert issues[0].message == "key 'labels' appears more than once (first at line 16)"
    assert issues[0].path == ("families", 0, "children", 0, "labels")
    # The first value is kept, not silently replaced by the last as plain PyYAML does.
    assert rubric is not None
    assert rubric.node("law.basis").labels == {"en": "Legal basis", "es": "Base legal"}
    with pytest.raises(ovm.RubricError):
        ovm.load_rubric(RUBRICS / "duplicate-key.yaml")


def test_a_collection_used_as_a_key_is_refused() -> None:
    _rubric, issues = check_rubric(RUBRICS / "invalid-key.yaml")
    assert where(issues) == [(4, 3, "invalid-key")]


def test_billion_laughs_stops_at_the_node_limit_with_an_issue_instead_of_eating_memory() -> None:
    # Fully expanded, the document holds 9**9 (387 million) strings: many gigabytes. The reader
    # stops after MAX_NODES nodes, so the memory it takes is bounded by that limit, not by the
    # bomb: at most 512 bytes a node (about 210 at the time of writing). Traced allocations
    # do not depend on the machine's load, unlike time (timings belong in benchmarks/).
    tracemalloc.start()
    try:
        rubric, issues = check_rubric(RUBRICS / "billion-laughs.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rubric is None
    # Refused before anything expands, at the anchor whose value first passes the limit:
    # f (9**6 = 531441 strings), line 8.
    assert where(issues) == [(8, 4, "yaml-too-complex")]
    assert peak < MAX_NODES * 512


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    for text in ("a: &x [1, *x]\n", "a: &x {b: *x}\n"):
        _doc, issues = ovm.yamldoc.parse_yaml(text, "f.yaml")
        assert where(issues) == [(1, 4, "yaml-too-deep")], text


def test_too_many_aliases_are_refused_even_when_each_is_small() -> None:
    text = "a: &x 1\nb: [" + ", ".join(["*x"] * MAX_ALIASES) + "]\n"
    doc, issues = ovm.yamldoc.parse_yaml(text, "f.yaml")
    assert issues == []
    assert doc is not None
    assert doc.data["b"] == [1] * MAX_ALIASES
    _doc, issues = ovm.yamldoc.parse_yaml(text.replace("[", "[*x, "), "f.yaml")
    assert where(issues) == [(1, 4, "yaml-too-complex")]


def test_anchors_aliases_and_merge_keys_within_limits_are_fine() -> None:
    text = VALID.replace("labels: {en: Law, es: Ley}", "labels: &law {en: Law, es: Ley}")
    text = text.replace("labels: {en: Turnout, es: Participación}", "labels: *law")
    text = text.replace(
        "      - id: law.turnout\n", "      - <<: {weight: 2}\n        id: law.turnout\n"
    )
    rubric, issues = check_rubric(text)
    assert issues == []
    assert rubric is not None
    assert rubric.node("law.turnout").labels == {"en": "Law", "es": "Ley"}
    assert rubric.node("law.turnout").weight == 2


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        (250, [(1, 204, "yaml-too-deep")]),  # the 201st nested list starts at column 204
        (20_000, [(1, 1, "yaml-too-deep")]),  # too deep even for the YAML parser's recursion
    ],
)
def test_deep_nesting_is_refused(depth: int, expected: list) -> None:
    rubric, issues = check_rubric("a: " + "[" * depth + "]" * depth)
    assert rubric is None
    assert where(issues) == expected


def test_a_file_over_the_size_limit_is_not_parsed(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("#" * MAX_BYTES + "\n", encoding="utf-8")
    rubric, issues = check_rubric(path)
    assert rubric is None
    assert [(i.file, i.line, i.code) for i in issues] == [(str(path), 1, "file-too-large")]
    rubric, issues = check_rubric("#" * (MAX_BYTES + 1) + "\n")
    assert [i.code for i in issues] == ["file-too-large"]


def test_a_file_that_is_not_utf8_is_an_issue(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(VALID.replace("Participación", "Participaci\xf3n").encode("latin-1"))
    rubric, issues = check_rubric(path)
    assert rubric is None
    assert [i.code for i in issues] == ["invalid-encoding"]


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    rubric, issues = check_rubric(path)
    assert issues == []
    assert rubric == ovm.load_rubric(RUBRICS / "valid.yaml")


def test_a_second_document_is_refused() -> None:
    rubric, issues = check_rubric(VALID + "---\nid: second\n")
    assert rubric is None
    assert where(issues) == [(28, 1, "yaml-syntax")]


def test_python_tags_are_refused_not_executed(tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    canary.write_text("still here", encoding="utf-8")
    for tag, code in [
        ("!!python/name:os.getcwd", "invalid-tag"),
        # A tag on a list was once dropped silently and the list read as plain data.
        (f"!!python/object/apply:os.remove [{str(canary)!r}]", "invalid-tag"),
        ("!custom 3", "invalid-tag"),
    ]:
        rubric, issues = check_rubric(VALID.replace('version: "1"', f"version: {tag}"))
        assert rubric is None
        assert where(issues) == [(3, 10, code)], tag
    assert canary.exists()


def write_ws(root: Path, missions: str, config: str = "rubric: rubric.yaml\n") -> Path:
    root.mkdir(exist_ok=True)
    (root / "rubric.yaml").write_text(VALID, encoding="utf-8")
    (root / "missions.yaml").write_text(missions, encoding="utf-8")
    (root / "ovm.yaml").write_text(config, encoding="utf-8")
    return root


MISSION = """\
missions:
  - id: aaa-2020
    country: ARG
    name: A 2020
    election: {type: general, date: 2020-05-01}
    answers:
      law.basis: full
"""


def test_an_impossible_date_in_a_missions_file_is_located_at_the_date(tmp_path: Path) -> None:
    """A date that does not exist is a value the schema refuses at its place, beside every
    other problem of the file (the country here), not a syntax error that hides them."""
    text = MISSION.replace("2020-05-01", "2020-13-01").replace("country: ARG", "country: Arg")
    ws = write_ws(tmp_path, text)
    with pytest.raises(DataError) as info:
        ovm.load_workspace(ws)
    line = "    election: {type: general, date: 2020-13-01}"
    assert [
        (Path(i.file).name, i.line, i.column, i.code, i.params.get("variant"))
        for i in info.value.issues
    ] == [
        ("missions.yaml", 3, 14, "invalid-country", "near_one"),
        ("missions.yaml", 5, line.index("2020-13") + 1, "invalid-value", "date_none"),
    ]
    assert [i.text("es") for i in info.value.issues][1] == (
        "“2020-13-01” no es una fecha que exista: escríbala como AAAA-MM-DD"
    )


@pytest.mark.parametrize("written", ["2020-5-1", '"2020-5-1"', "'2020-05-1'"])
def test_a_date_written_without_its_zeros_is_said_how_to_write_it(
    tmp_path: Path, written: str
) -> None:
    """A day of the calendar written without its leading zeros is no date that does not
    exist: the message gives it as YYYY-MM-DD, quoted or not."""
    ws = write_ws(tmp_path, MISSION.replace("2020-05-01", written))
    with pytest.raises(DataError) as info:
        ovm.load_workspace(ws)
    text = written.strip("'\"")
    assert [(i.line, i.code, dict(i.params)) for i in info.value.issues] == [
        (5, "invalid-value", {"variant": "date_unpadded", "text": text, "meant": "2020-05-01"})
    ]
    issue = info.value.issues[0]
    assert issue.message.endswith(f"'{text}' is not written as YYYY-MM-DD: write it as 2020-05-01")
    assert (
        issue.text("es") == f"“{text}” no está escrita como AAAA-MM-DD: escríbala como 2020-05-01"
    )


def test_a_previous_mission_that_cannot_be_read_is_not_said_to_be_missing(
    tmp_path: Path,
) -> None:
    """bbb-2021's previous mission is listed with an error of its own: that error is the one
    said, not "no mission 'aaa-2020'"."""
    later = (
        "  - id: bbb-2021\n    country: ARG\n    name: B 2021\n"
        "    election: {type: general, date: 2021-05-01}\n    previous: aaa-2020\n"
    )
    ws = write_ws(tmp_path, MISSION.replace("country: ARG", "country: Argentina") + later)
    with pytest.raises(DataError) as info:
        ovm.load_workspace(ws)
    assert [(i.line, i.code) for i in info.value.issues] == [(3, "invalid-country")]


def test_duplicate_keys_in_a_missions_file_are_errors(tmp_path: Path) -> None:
    ws = write_ws(tmp_path, MISSION + "      law.basis: none\n")
    with pytest.raises(DataError) as info:
        ovm.load_workspace(ws)
    assert [
        (Path(i.file).name, i.line, i.column, i.code, i.category) for i in info.value.issues
    ] == [("missions.yaml", 8, 7, "duplicate-key", "data")]


def test_duplicate_keys_in_the_workspace_file_are_errors(tmp_path: Path) -> None:
    ws = write_ws(tmp_path, MISSION, "rubric: rubric.yaml\nrubric: other.yaml\n")
    with pytest.raises(DataError) as info:
        ovm.load_workspace(ws)
    # The files read with the first rubric give none of its variables: said beside, as
    # ovm check says it.
    assert [(Path(i.file).name, i.line, i.column, i.code) for i in info.value.issues] == [
        ("ovm.yaml", 2, 1, "duplicate-key"),
        ("rubric.yaml", 7, 1, "variable-not-given"),
    ]


def test_yaml_booleans_in_answers_read_as_the_words_written(tmp_path: Path) -> None:
    # YAML 1.1 reads "no" as false; an answer of "no" must stay the answer "no".
    rubric = VALID.replace(
        "      - id: law.turnout\n",
        "      - {id: law.postal, kind: answer, labels: {en: Postal, es: Postal}, "
        "source: legal}\n      - id: law.turnout\n",
    )
    ws = write_ws(tmp_path, MISSION + "      law.postal: no\n")
    (ws / "rubric.yaml").write_text(rubric, encoding="utf-8")
    obs = ovm.load_workspace(ws).observations
    assert obs.mission("aaa-2020").answers["law.postal"].value == "no"


def test_yaml_booleans_as_keys_stay_the_words_written() -> None:
    # "scores: {yes: 90, no: 10}" must set the scores of yes and no, not keys True and False.
    text = VALID.replace(
        "      - id: law.turnout\n",
        "      - {id: law.postal, kind: answer, labels: {en: Postal, es: Postal}, source: legal,"
        " scores: {yes: 90, partial: 40, no: 10}}\n      - id: law.turnout\n",
    )
    rubric, issues = check_rubric(text)
    assert issues == []
    assert rubric is not None
    scores = rubric.node("law.postal").scores  # type: ignore[union-attr]
    assert (scores.yes, scores.partial, scores.no) == (90, 40, 10)
    _rubric, issues = check_rubric(text.replace("no: 10}", "no: 10, On: 5}"))
    assert [(i.as_dict()["path"], i.code) for i in issues] == [
        ("families[0].children[1].scores.On", "unknown-field")
    ]


def test_an_unclosed_flow_sequence_names_where_it_opened_and_where_parsing_failed() -> None:
    doc, issues = ovm.yamldoc.parse_yaml("a: [1, 2\nb: 3\n", "f.yaml")
    assert doc is None
    assert where(issues) == [(2, 2, "yaml-syntax")]
    assert issues[0].message == (
        "a list in brackets opened at line 1, column 4 is not closed where expected: close it "
        "with ']'"
    )


def test_a_key_indented_one_space_less_names_the_mapping_it_breaks() -> None:
    _doc, issues = ovm.yamldoc.parse_yaml("labels:\n  en: x\n es: y\n", "f.yaml")
    assert where(issues) == [(3, 2, "yaml-syntax")]
    assert issues[0].message == (
        "a key is not aligned with the other keys of the mapping opened at line 1, column 1: "
        "align it with them"
    )


def test_a_nul_byte_in_a_comment_is_located() -> None:
    _doc, issues = ovm.yamldoc.parse_yaml("# a\x00b\nx: 1\n", "f.yaml")
    assert where(issues) == [(1, 4, "yaml-syntax")]


def test_a_latin1_byte_gives_line_column_and_byte_offset(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_bytes(b"a: 1\nlabel: caf\xe9\n")
    _text, _name, issues = ovm.yamldoc.read_text(tmp_path / "f.yaml")
    assert where(issues) == [(2, 11, "invalid-encoding")]
    assert "offset 15" in issues[0].message


def parsed_with(loader: str, text: str) -> tuple[object, object, list[ovm.Issue]]:
    old = ovm.yamldoc.LOADER
    ovm.yamldoc.LOADER = loader
    try:
        doc, issues = ovm.yamldoc.parse_yaml(text, "f.yaml")
    finally:
        ovm.yamldoc.LOADER = old
    if doc is None:
        return None, None, issues
    return doc.data, (doc.positions.values, doc.positions.keys), issues


needs_both = pytest.mark.skipif(len(ovm.yamldoc.LOADERS) < 2, reason="PyYAML built without libyaml")
EXAMPLES = Path(__file__).parent.parent / "examples"
DOCUMENTS = sorted(
    [
        *RUBRICS.glob("*.yaml"),
        *EXAMPLES.glob("*.yaml"),
        Path(ovm.__file__).parent / "rubrics" / "deco-voting-abroad.yaml",
    ]
)


@needs_both
@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_both_composers_read_every_document_alike(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert parsed_with("libyaml", text) == parsed_with("python", text)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["yes", "no", "on", "2020-05-01", "0x1f", "1_000", "~", "<<", "&a", "*a"]),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=25,
)


@needs_both
@given(data=DATA, flow=st.sampled_from([None, True, False]), unicode=st.booleans())
def test_both_composers_agree_on_any_document(
    data: object, flow: bool | None, unicode: bool
) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=unicode)
    assert parsed_with("libyaml", text) == parsed_with("python", text)


WORDS = st.one_of(
    st.sampled_from(
        [
            "yes",
            "Yes",
            "YES",
            "y",
            "no",
            "on",
            "off",
            "~",
            "null",
            "Null",
            "true",
            "1",
            "01",
            "1.5",
            "1e3",
            ".inf",
            "-.inf",
            "0x1f",
            "0o17",
            "1_000",
            "12:30",
            "2020-05-01",
            "2020-05-01 10:00:00",
            "abc",
            "=",
            "a b",
        ]
    ),
    st.text(alphabet="ab019.:-_eE+x", min_size=1, max_size=6).filter(
        lambda w: w[0] not in "-:" and w[-1] != ":" and ": " not in w
    ),
)
STYLES = st.sampled_from(["plain", "single", "double"])


def written(word: str, style: str) -> str:
    if style == "single":
        return "'" + word.replace("'", "''") + "'"
    if style == "double":
        return json.dumps(word)
    return word


@given(values=st.lists(st.tuples(WORDS, STYLES), min_size=1, max_size=12))
@example(values=[("123", "plain"), ("123", "single"), ("yes", "double"), ("yes", "plain")])
def test_a_scalar_reads_as_pyyaml_reads_it_however_often_the_document_repeats_it(
    values: list[tuple[str, str]],
) -> None:
    # A plain scalar's tag is resolved once per text and document; the same text quoted is a
    # string, and each value reads as PyYAML's own loader reads it, on either composer, but a
    # number in base 60 (YAML 1.1's 12:30), which is the text it shows.
    text = "".join(f"k{i}: {written(w, s)}\n" for i, (w, s) in enumerate(values))
    try:
        read = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        # A plain = is YAML 1.1's value tag, which neither loader reads: ovm refuses it too.
        assert all(parsed_with(loader, text)[0] is None for loader in ovm.yamldoc.LOADERS)
        return
    expected = {
        k: w if isinstance(v, int | float) and ":" in w and s == "plain" else v
        for (k, v), (w, s) in zip(read.items(), values, strict=True)
    }
    for loader in ovm.yamldoc.LOADERS:
        assert parsed_with(loader, text)[0] == expected


GUARDS = {"duplicate-key", "invalid-key", "invalid-tag", "yaml-too-deep", "yaml-too-complex"}


@needs_both
@given(
    text=st.text(alphabet=st.sampled_from(list("ab: -[]{},'\"&*!#\n\t?|>%@`é\x00")), max_size=40)
)
def test_both_composers_refuse_alike(text: str) -> None:
    # libyaml's refusals are worded by the pure-Python loader: the same issue at the same place.
    # Every guard holds on both paths. (libyaml accepts a few degenerate documents PyYAML
    # refuses, such as a tab or a comment right after a block scalar's indicator.)
    fast, slow = parsed_with("libyaml", text), parsed_with("python", text)
    if any(i.code == "yaml-syntax" for i in fast[2]) or any(i.code in GUARDS for i in slow[2]):
        assert fast == slow


def test_a_value_key_is_read_as_written_and_a_merge_key_merges() -> None:
    text = "a: {=: 1, b: 2}\nc:\n  <<: {d: 3}\n  e: 4\n"
    doc, issues = ovm.yamldoc.parse_yaml(text, "f.yaml")
    assert issues == []
    assert doc is not None
    assert doc.data == {"a": {"=": 1, "b": 2}, "c": {"d": 3, "e": 4}}
    assert doc.positions.find(("c", "d")) == (3, 11)


def _flow_mapping(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


# Flow documents with what the check of an alias bomb and the build each refuse: values past a
# small node limit, duplicate keys hiding values, merges, refused tags and keys, aliases, and
# a `*` that is no alias.
FLOW = st.recursive(
    st.sampled_from(["1", "x", "a * b", "*x", "*1", "&x 2", "!!python/none 1", "~", "'*q'"]),
    lambda inner: (
        st.lists(inner, max_size=5).map(lambda xs: "[" + ", ".join(xs) + "]")
        | st.lists(inner, max_size=5).map(lambda xs: "&x [" + ", ".join(xs) + "]")
        | st.lists(inner, max_size=5).map(lambda xs: "&1 [" + ", ".join(xs) + "]")
        | st.lists(
            st.tuples(st.sampled_from(["a", "b", "<<", "=", "[k]", "!!binary a"]), inner),
            max_size=5,
        ).map(_flow_mapping)
    ),
    max_leaves=30,
)


@given(text=FLOW, nodes=st.integers(1, 30), aliases=st.integers(0, 4))
@example(text="{<<: {}}", nodes=1, aliases=0)
@example(text="[&1 [1], *1, *1]", nodes=30, aliases=1)
def test_a_document_without_aliases_reads_as_when_its_expansion_is_checked_first(
    text: str, nodes: int, aliases: int
) -> None:
    # A document with no alias is built before its expansion is checked (the check runs only
    # if the build fails, has issues or meets a merge): the same data, positions and issues,
    # at any limit, as when the check always runs first.
    limits = ovm.yamldoc.MAX_NODES, ovm.yamldoc.MAX_ALIASES, ovm.yamldoc._ALIAS
    ovm.yamldoc.MAX_NODES, ovm.yamldoc.MAX_ALIASES = nodes, aliases
    try:
        given_ = ovm.yamldoc.parse_yaml(text, "f.yaml")
        ovm.yamldoc._ALIAS = re.compile("")
        checked = ovm.yamldoc.parse_yaml(text, "f.yaml")
    finally:
        ovm.yamldoc.MAX_NODES, ovm.yamldoc.MAX_ALIASES, ovm.yamldoc._ALIAS = limits

    def whole(result: tuple[ovm.yamldoc.YamlDoc | None, list[ovm.Issue]]) -> object:
        doc, issues = result
        if doc is None:
            return None, issues
        return doc.data, doc.positions.values, doc.positions.keys, issues

    assert whole(given_) == whole(checked)


def test_a_tree_past_the_node_limit_is_refused_where_its_expansion_is_checked() -> None:
    # Without aliases the build goes first, and would stop at the value past the limit (the
    # fifth 3); the refusal is the expansion check's, at the collection whose values pass it.
    text = "a: [1, 2]\nb:\n  - [" + ", ".join(["3"] * 10) + "]\n"
    limit = ovm.yamldoc.MAX_NODES
    ovm.yamldoc.MAX_NODES = 10
    try:
        doc, issues = ovm.yamldoc.parse_yaml(text, "f.yaml")
    finally:
        ovm.yamldoc.MAX_NODES = limit
    assert doc is None
    assert where(issues) == [(3, 5, "yaml-too-complex")]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("a: 1\nb: [\n", "a list in brackets opened at line 2, column 4"),
        ("a: {x: 1,\n", "a mapping in braces opened at line 1, column 4"),
        # The innermost construct left open, past those closed before it.
        ("a: [[1], {b: [\n", "a list in brackets opened at line 1, column 14"),
        ("a: [1, {b: 2}, {c:\n", "a mapping in braces opened at line 1, column 16"),
    ],
)
def test_a_file_ending_inside_brackets_names_the_bracket_left_open(text: str, said: str) -> None:
    # The parser names the value it expected at the end of the file; what is missing is the
    # closing bracket or brace, as anywhere else in a file.
    doc, issues = ovm.yamldoc.parse_yaml(text, "f.yaml")
    assert doc is None
    closing = "]" if "brackets" in said else "}"
    assert [(i.line, i.column, i.code, i.message) for i in issues] == [
        (
            text.count("\n") + 1,
            1,
            "yaml-syntax",
            f"{said} is not closed where expected: close it with '{closing}'",
        )
    ]
