"""ovm reads its gettext catalogues itself: every entry as Babel's reader gives it.

Babel stays the reference: the shipped catalogues, and any catalogue Babel writes, read the
same through both readers (the header entry aside, which Babel rewrites), and the texts of
every language are those the catalogues gave through Babel.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from hypothesis import given, settings
from hypothesis import strategies as st

from ovm import i18n
from ovm.i18n import LANGUAGES, read_catalogue

FILES = [("ovm.pot", None), *((f"{lang}.po", lang) for lang in LANGUAGES if lang != "en")]


def babel_entries(text: str, locale: str | None) -> list[tuple[Any, ...]]:
    catalogue = read_po(BytesIO(text.encode()), locale=locale)
    return [
        (
            m.context,
            tuple(m.id) if isinstance(m.id, tuple | list) else (m.id,),
            tuple(m.string) if isinstance(m.string, tuple | list) else (m.string,),
            m.fuzzy,
        )
        for m in catalogue
        if m.id
    ]


def own_entries(text: str, plurals: int = 2) -> list[tuple[Any, ...]]:
    return [
        (m.context, m.ids, m.strings, m.fuzzy)
        for m in read_catalogue(text, plurals)
        if m.ids != ("",)
    ]


@pytest.mark.parametrize(("name", "locale"), FILES)
def test_each_shipped_catalogue_reads_as_babel_reads_it(name: str, locale: str | None) -> None:
    text = i18n._read(name)
    assert own_entries(text) == babel_entries(text, locale)
    assert len(own_entries(text)) > 700


def _old_messages(lang: str) -> dict[str, tuple[str, ...]]:
    """The texts of ``lang`` as they were read through Babel."""
    source = read_po(BytesIO(i18n._read("ovm.pot").encode()))
    english = {
        m.context: tuple(m.id) if isinstance(m.id, tuple | list) else (m.id,)
        for m in source
        if m.context
    }
    if lang == "en":
        return english
    catalogue = read_po(BytesIO(i18n._read(f"{lang}.po").encode()), locale=lang)
    forms = len(i18n.plural_categories(lang))
    out = dict(english)
    for m in catalogue:
        if not m.context or m.context not in english or m.fuzzy:
            continue
        raw = m.string if isinstance(m.string, tuple | list) else (m.string,)
        strings = tuple(i18n.punctuate(str(x or ""), lang) for x in raw)
        wanted = forms if len(english[m.context]) > 1 else 1
        if len(strings) == wanted and all(strings):
            out[m.context] = strings
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_the_texts_babel_read(lang: str) -> None:
    assert dict(i18n.messages(lang)) == _old_messages(lang)


TEXT = st.text(
    st.characters(blacklist_categories=["Cs", "Cc"]) | st.sampled_from('\n\t\r"\\{}#~'),
    max_size=90,
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text("abcdefghij_.", min_size=1, max_size=12),
            TEXT.filter(bool),
            st.none() | TEXT.filter(bool),
            st.lists(TEXT, min_size=3, max_size=3),
            st.booleans(),
        ),
        max_size=8,
        unique_by=lambda e: e[0],
    ),
    st.integers(20, 90),
)
def test_any_catalogue_babel_writes_reads_alike(
    entries: list[tuple[str, str, str | None, list[str], bool]], width: int
) -> None:
    catalogue = Catalog(locale="fr")
    for context, msgid, plural, strings, fuzzy in entries:
        ident = (msgid, plural) if plural else msgid
        string = tuple(strings[:2]) if plural else strings[0]
        catalogue.add(ident, string, context=context, flags=["fuzzy"] if fuzzy else [])
    out = BytesIO()
    write_po(out, catalogue, width=width)
    text = out.getvalue().decode()
    assert own_entries(text) == babel_entries(text, "fr")
