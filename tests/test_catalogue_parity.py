"""Every catalogue holds every English text, with its placeholders and plural forms, translated.

Read from the files as shipped (``ovm/locale/*.po``), so that an entry the reader would take
in English (empty, fuzzy, a missing plural form) is seen here. A translation that is the
English text itself is refused unless the text is the same word in that language (a name, a
symbol, a cognate), listed below by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ovm import i18n

LOCALE = Path(__file__).resolve().parent.parent / "ovm" / "locale"
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != "en"]

SAME_EVERYWHERE = {
    "{low}–{high}",  # a range
    "±{n}",
    "SIM",  # the mark of simulated data, an abbreviation
    "F{n}",  # family number
    "Id",
    "nominal",
    "{name}: {errors}, {warnings}",
    "{name}: {errors}",
    "{value} {unit}",  # a number and its unit, in the order every language writes a measure
}
"""Texts that are no words of English: symbols, abbreviations, placeholders."""

SAME_WORDS = {
    "es": {"no", "error", "{n} error"},
    "fr": {
        "Mission",
        "mission",
        "Missions",
        "missions",
        "Source",
        "Sources",
        "Message",
        "Code",
        "Version",
        "Note",
        "Gain",
        "Condition",
        "Date: {date}.",
        "Normalisation",
        "normalisation",
        "imputation",
        "minimum",
        "maximum",
        "min-max",
        "options",
        "argument {argument}: {message}",
        "ISO 3166 alpha-3",
    },
    "pt": set(),
}
"""Texts each language writes as English does (French shares many words with it)."""


def _entries(name: str, plurals: int) -> dict[str, i18n.CatalogueEntry]:
    text = (LOCALE / name).read_text(encoding="utf-8")
    return {e.context: e for e in i18n.read_catalogue(text, plurals=plurals) if e.context}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_english_text_is_in_the_catalogue_with_its_placeholders_and_plural_forms(
    lang: str,
) -> None:
    forms = len(i18n.plural_categories(lang))
    english = _entries("ovm.pot", 2)
    said = _entries(f"{lang}.po", forms)
    problems = {}
    for key, source in english.items():
        entry = said.get(key)
        if entry is None:
            problems[key] = "missing"
            continue
        wanted = forms if len(source.ids) > 1 else 1
        names = i18n.placeholders(source.ids[-1])
        if entry.ids != source.ids:
            problems[key] = "translated from another English text"
        elif entry.fuzzy or len(entry.strings) != wanted or not all(entry.strings):
            problems[key] = f"{len([s for s in entry.strings if s])} of {wanted} forms"
        elif any(i18n.placeholders(s) != names for s in entry.strings):
            problems[key] = f"placeholders {[sorted(i18n.placeholders(s)) for s in entry.strings]}"
    problems.update(dict.fromkeys(said.keys() - english.keys(), "not in the English"))
    assert problems == {}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_translation_is_the_english_text_but_the_words_the_language_shares(lang: str) -> None:
    english = i18n.messages("en")
    said = i18n.messages(lang)
    allowed = SAME_EVERYWHERE | SAME_WORDS[lang]
    # French spaces its colons: "Date : {date}." is the English "Date: {date}." as French writes it
    same = {
        key: text
        for key, forms in english.items()
        for text in said[key]
        if text in {i18n.punctuate(f, lang) for f in forms}
        and text not in {i18n.punctuate(a, lang) for a in allowed}
    }
    assert same == {}


def test_the_shared_words_are_each_met_in_a_catalogue() -> None:
    # An allowance no entry needs any more is taken off the list.
    met = {
        (lang, text)
        for lang in TRANSLATED
        for key, forms in i18n.messages("en").items()
        for text in i18n.messages(lang)[key]
        if text in {i18n.punctuate(f, lang) for f in forms}
    }
    unused = {
        (lang, a)
        for lang in TRANSLATED
        for a in SAME_WORDS[lang]
        if (lang, i18n.punctuate(a, lang)) not in met
    }
    unused |= {
        ("any", a)
        for a in SAME_EVERYWHERE
        if not any((lang, i18n.punctuate(a, lang)) in met for lang in TRANSLATED)
    }
    assert unused == set()
