"""The gettext catalogues and the locale formats (CLDR through Babel)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from ovm import i18n
from tests.spreadsheet import shown

LOCALE = Path(__file__).resolve().parent.parent / "ovm" / "locale"
MINI = Path(__file__).resolve().parent / "data" / "mini"
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != "en"]


def _names(text: str) -> set[str]:
    # As str.format reads the text: "{{path: {path}}}" holds the placeholder path.
    return i18n.placeholders(text)


def _po(lang: str) -> dict[str, tuple[object, tuple[str, ...], bool]]:
    """``msgctxt -> (msgid, translations, fuzzy)`` of one catalogue file as written."""
    catalogue = read_po(BytesIO((LOCALE / f"{lang}.po").read_bytes()), locale=lang)
    out = {}
    for m in catalogue:
        if m.context:
            strings = m.string if isinstance(m.string, tuple | list) else (m.string,)
            out[m.context] = (m.id, tuple(strings), m.fuzzy)
    return out


def test_every_language_has_a_catalogue_and_english_is_the_source() -> None:
    assert i18n.LANGUAGES == ("en", "es", "fr", "pt")
    assert sorted(p.name for p in LOCALE.iterdir()) == sorted(
        ["ovm.pot", *(f"{lang}.po" for lang in TRANSLATED)]
    )
    assert len(i18n.msgids()) > 300


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_text_is_translated_from_the_current_english(lang: str) -> None:
    source = read_po(BytesIO((LOCALE / "ovm.pot").read_bytes()))
    english = {m.context: m.id for m in source if m.context}
    po = _po(lang)
    assert set(po) == set(english)
    stale = [k for k, (msgid, _, _) in po.items() if msgid != english[k]]
    untranslated = [k for k, (_, strings, fuzzy) in po.items() if fuzzy or not all(strings)]
    forms = len(i18n.plural_categories(lang))
    wrong_forms = [
        k
        for k, (msgid, strings, _) in po.items()
        if len(strings) != (forms if isinstance(msgid, tuple | list) else 1)
    ]
    assert (stale, untranslated, wrong_forms) == ([], [], [])


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_are_the_same_in_every_form_and_language(lang: str) -> None:
    differ = {}
    for key in i18n.msgids():
        english = i18n.messages("en")[key]
        wanted = _names(english[-1])
        forms = [*english, *i18n.messages(lang)[key]]
        if any(_names(f) != wanted for f in forms):
            differ[key] = [sorted(_names(f)) for f in forms]
    assert differ == {}


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("name", ["ovm.pot", *(f"{lang}.po" for lang in TRANSLATED)])
def test_gnu_msgfmt_accepts_the_catalogues(name: str, tmp_path: Path) -> None:
    done = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(LOCALE / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")


_NOT_PROSE = re.compile(r"\{[^{}]*\}|`[^`]*`|https?://[^\s\"]*")
"""What a catalogue text quotes rather than writes: ``{placeholders}`` (``{x:.1f}`` too),
code spans in backquotes and URLs."""
_BREAKABLE = re.compile(r"[ \u00a0][;:!?»]|«[ \u00a0]")
"""A space before ``;`` ``:`` ``!`` ``?`` ``»`` or after ``«`` that is not French's narrow
no-break space: a plain one lets the line break before the colon, a no-break one is wider."""


def test_french_texts_space_high_punctuation_and_guillemets_with_no_break() -> None:
    # As written, not as read: reading respaces a mark followed by a space, but not the
    # guillemets nor a mark before a bracket ("une bombe d'alias ?)"), which are shown as written.
    loose = {
        (key, prose[max(0, m.start() - 20) : m.end() + 5])
        for key, (_, strings, _) in _po("fr").items()
        for prose in (_NOT_PROSE.sub("\0", form) for form in strings)
        for m in _BREAKABLE.finditer(prose)
    }
    assert loose == set()


def test_the_french_typography_check_leaves_quoted_text_alone() -> None:
    quoted = "`ovm check :` {x:.1f} https://x.org/a?b=1 {{y}}"
    assert _BREAKABLE.findall(_NOT_PROSE.sub("\0", quoted)) == []
    assert _BREAKABLE.findall(_NOT_PROSE.sub("\0", "Missions : {n} « {a} »")) == [" :", "« ", " »"]


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        ("en", {0: "0 answers", 1: "1 answer", 2: "2 answers", 1_000_000: "1000000 answers"}),
        ("es", {0: "0 respuestas", 1: "1 respuesta", 2: "2 respuestas"}),
        ("fr", {0: "0 réponse", 1: "1 réponse", 2: "2 réponses"}),
        ("pt", {0: "0 resposta", 1: "1 resposta", 2: "2 respostas"}),
    ],
)
def test_plurals_follow_the_cldr_rules_of_the_language(lang: str, counts: dict[int, str]) -> None:
    if lang not in i18n.LANGUAGES:
        pytest.skip("fr and pt come with their catalogues")
    t = i18n.translator(lang)
    assert {n: t("answers_n", n=n) for n in counts} == counts
    # a count written out as the language writes numbers picks the same form
    assert t("answers_n", n=i18n.format_number(1, lang, 0)) == counts[1]


@pytest.mark.parametrize(
    ("x", "lang", "digits", "text"),
    [
        (84.7285, "en", 1, "84.7"),
        (84.7285, "es", 1, "84,7"),
        (1234.5, "en", 1, "1,234.5"),
        (1234.5, "es", 1, "1.234,5"),
        (1234.5, "fr", 1, "1\u202f234,5"),
        (1234.5, "pt", 1, "1.234,5"),
        (-0.01, "en", 1, "0.0"),
        (-0.01, "fr", 1, "0,0"),
        (-2.44, "es", 1, "-2,4"),
        # Stored as 2.67499999999999982..., shown 2.68 by a spreadsheet: so by ovm.
        (2.675, "en", 2, "2.68"),
        (78.25, "en", 1, "78.3"),
        (78.85, "es", 1, "78,9"),
        (-78.25, "en", 1, "-78.3"),
        (0.5, "en", 0, "1"),
        (1376071.5, "en", 0, "1,376,072"),
    ],
)
def test_numbers_follow_the_language(x: float, lang: str, digits: int, text: str) -> None:
    assert i18n.format_number(x, lang, digits) == text


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "12.3%"), ("es", "12,3\u00a0%"), ("fr", "12,3\u00a0%"), ("pt", "12,3%")],
)
def test_percentages_follow_the_language(lang: str, text: str) -> None:
    assert i18n.format_percent(0.1234, lang, 1) == text


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "July 1, 2024"),
        ("es", "1 de julio de 2024"),
        ("fr", "1 juillet 2024"),
        ("pt", "1 de julho de 2024"),
    ],
)
def test_dates_are_written_out_in_the_language(lang: str, text: str) -> None:
    assert i18n.format_date(dt.date(2024, 7, 1), lang) == text


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 3))
def test_every_language_rounds_a_number_as_english_does(x: float, digits: int) -> None:
    english = i18n.format_number(x, "en", digits)
    for lang in ("es", "fr", "pt"):
        text = i18n.format_number(x, lang, digits)
        sep = i18n.decimal_separator(lang)
        digits_only = re.sub(r"[^0-9-]", "", text.replace(sep, "|").split("|")[0])
        assert digits_only == re.sub(r"[^0-9-]", "", english.split(".")[0])
        assert text.rsplit(sep, 1)[-1] == english.rsplit(".", 1)[-1] or digits == 0


@given(
    st.one_of(
        st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
        # Exact halves of the last decimal shown, as shares of 4, 8 or 16 visits make them.
        st.integers(-(10**9), 10**9).map(lambda n: n / 8),
        st.integers(-(10**7), 10**7).map(lambda n: n / 1000 + 0.0005),
    ),
    st.integers(0, 3),
)
def test_numbers_are_rounded_as_a_spreadsheet_shows_them(x: float, digits: int) -> None:
    """Workbooks store exact numbers under number formats: reports and messages round as the
    spreadsheet displays them, so one score reads the same in both."""
    assert i18n.format_number(x, "en", digits).replace(",", "") == shown(x, digits)
    assert i18n.fixed(x, digits) == shown(x, digits)
    assert i18n.format_percent(x / 100, "en", digits).replace(",", "") == f"{shown(x, digits)}%"


def _babel_number(x: float, lang: str, digits: int, trim: bool) -> str:
    """The number as Babel formats it with the language's CLDR decimal pattern."""
    import copy
    from decimal import Decimal

    from babel import Locale

    loc = Locale.parse(lang)
    pattern = copy.copy(loc.decimal_formats[None])
    pattern.frac_prec = (0 if trim else digits, digits)
    # Rounded as every output rounds (test_numbers_are_rounded_as_a_spreadsheet_shows_them).
    value = Decimal(i18n.fixed(x, digits))
    return str(pattern.apply(abs(value) if value == 0 else value, loc))


@given(
    st.one_of(
        st.floats(min_value=-1e18, max_value=1e18),
        st.integers(-(10**12), 10**12).map(lambda n: n / 1000),
        st.sampled_from([0.0, -0.0, -0.004, 0.05, 999.95, -999.95, 1e15, 5e-7, 1234567.891]),
    ),
    # Besides ovm's languages, locales whose formats differ: Indian grouping, a Unicode minus.
    st.sampled_from([*i18n.LANGUAGES, "hi", "sv", "ar", "de_CH"]),
    st.integers(0, 4),
    st.booleans(),
)
def test_numbers_are_formatted_as_babel_formats_them(
    x: float, lang: str, digits: int, trim: bool
) -> None:
    assert i18n.format_number(x, lang, digits, trim=trim) == _babel_number(x, lang, digits, trim)


def test_unknown_msgid_and_language_are_refused() -> None:
    with pytest.raises(KeyError):
        i18n.translator("en")("no_such_message")
    with pytest.raises(ValueError, match="unsupported"):
        i18n.translator("de")


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "March 1, 2021"), ("es", "1 de marzo de 2021"), ("fr", "1 mars 2021")],
)
def test_reports_write_dates_out_in_their_language(lang: str, text: str) -> None:
    import ovm
    from ovm.reporting.report import render_html, report_context

    run = ovm.analyse(MINI, ovm.Settings(bootstrap=0))
    html = render_html(report_context(run, lang=lang, mission="bbb-2021"))
    assert f", {text} (" in html


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@given(label=st.text(alphabet="abcdefghij ", min_size=1).map(str.strip).filter(bool))
def test_the_colon_and_semicolon_after_a_label_follow_the_punctuation_rule(
    lang: str, label: str
) -> None:
    # A template writes "label{{ t.colon }} value": the same text as punctuating the sentence.
    t = i18n.Translator(lang)
    assert f"{label}{t.colon} x" == i18n.punctuate(f"{label}: x", lang)
    assert f"{label}{t.semicolon} x" == i18n.punctuate(f"{label}; x", lang)


_CODE_SPAN = re.compile(r"`[^`]*`")


@pytest.mark.parametrize("lang", ["es", "fr", "pt"])
def test_a_code_span_of_a_message_is_read_as_written(lang: str) -> None:
    # A code span quotes what the user types (`headline: none`): French spacing would make it
    # YAML that reads otherwise, so every one is shown as the catalogue writes it.
    written = {key: forms for key, (_, forms, _) in _po(lang).items() if all(forms)}
    read = i18n.messages(lang)
    changed = {
        key: spans
        for key, forms in written.items()
        for form, shown in zip(forms, read[key], strict=True)
        if (spans := _CODE_SPAN.findall(form)) != _CODE_SPAN.findall(shown)
    }
    assert changed == {}


def test_the_messages_quoting_yaml_keep_its_colons_in_french() -> None:
    assert i18n.gettext("rec_no_gain_no_overall", "fr") == (
        "la grille n'a pas de note globale (`headline: none`)"
    )
    assert i18n.gettext("usage_sensitivity_no_headline", "fr", where="r.yaml:3:1") == (
        "r.yaml:3:1 `headline: none`\u202f: l'analyse de sensibilité classe les missions par "
        "leur note globale, et cette grille n'en a pas\u202f; nommez le nœud qui les classe "
        "(`headline: NŒUD`) pour analyser son classement"
    )


@given(
    before=st.text(alphabet="ab :;!?`", max_size=12),
    span=st.text(alphabet="ab :;!?", max_size=12),
    after=st.text(alphabet="ab :;!?", max_size=12),
)
def test_french_spacing_leaves_a_code_span_alone(before: str, span: str, after: str) -> None:
    text = f"{before.replace('`', '')} `{span}` {after}"
    assert f"`{span}`" in i18n.punctuate(text, "fr")


@pytest.mark.parametrize("name", ["ovm.pot", "es.po", "fr.po", "pt.po"])
def test_a_catalogue_parts_its_entries_by_one_blank_line(name: str) -> None:
    # An entry taken out leaves no second blank line: the files stay as msgmerge writes them.
    lines = (LOCALE / name).read_text("utf-8").split("\n")
    doubled = [n + 1 for n, (a, b) in enumerate(itertools.pairwise(lines)) if a == b == ""]
    assert doubled == []
