"""The name a misspelt word most likely meant: one did-you-mean for every message that offers
one, whether the word is a rubric's field, a choice in a rubric or ovm.yaml, or a table's cell.

Loads nothing but the standard library: the rubric's messages ask here before any table is read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

CHOICE_WORDS: Mapping[str, str] = {
    **dict.fromkeys(
        ("alta", "alto", "élevée", "élevé", "haute", "haut", "elevada", "elevado"), "high"
    ),
    **dict.fromkeys(("media", "medio", "média", "médio", "moyenne", "moyen"), "medium"),
    **dict.fromkeys(("baja", "bajo", "baixa", "baixo", "faible", "basse", "bas"), "low"),
}
"""A choice as a mission team writing Spanish, French or Portuguese writes it (a confidence
level), by the word, in every gender and number a level agrees with (``alta``, ``alto``;
``élevée``, ``élevé``): a word names its choice only where that choice is allowed. Words are
compared without accents, so ``elevee`` is ``élevée``."""

NEGATIONS: frozenset[str] = frozenset(
    (
        *("no", "not", "none", "never", "nor", "neither", "without", "nothing"),
        *("ni", "nada", "nunca", "sin", "ninguno", "ninguna", "ningun", "jamas", "tampoco"),
        *("non", "pas", "jamais", "sans", "aucun", "aucune", "rien", "ne"),
        *("nao", "nem", "sem", "nenhum", "nenhuma"),
    )
)
"""Words that turn a sentence against the words beside them, in English, Spanish, French and
Portuguese, without accents (``não`` is ``nao``): ``no alta`` or ``not low`` means anything
but the choice it holds, so a text holding one is named as no choice."""

OTHERING: frozenset[str] = frozenset(
    (
        *("of", "with", "and", "or", "per", "by", "for", "over", "between", "versus", "vs"),
        *("de", "del", "y", "o", "con", "por", "para", "entre", "sobre"),
        *("des", "du", "et", "ou", "avec", "par", "pour", "sur"),
        *("da", "do", "das", "dos", "e", "com", "pelo", "pela"),
        *("weighted", "ponderada", "ponderado", "ponderee", "pondere"),
    )
)
"""Words that make a phrase holding a name another thing than that name, in English, Spanish,
French and Portuguese, without accents: a connector joining it to something else (``sum of
squares``, ``suma por mesa``, ``minimum and median``) or a word that changes what it computes
(``weighted sum``). So do a letter standing alone and a body named in parentheses
(:func:`_another_thing`); any other word beside a name only says more about it (``Kobo
Toolbox``, ``confianza alta``, ``muy alta``, ``minimum value``), and the name is named as
meant."""

CHOICE_ALIASES: Mapping[str, str] = {
    **dict.fromkeys(("kobotoolbox", "kobocollect", "koboform"), "kobo"),
    **dict.fromkeys(("opendatakit", "odkcollect", "odkcentral", "odc"), "odk"),
}
"""Other names of a choice, as a team names the product that makes the data (a table's layout,
a server to pull from): KoboToolbox and its apps for ``kobo``; Open Data Kit, its apps, and
``odc`` (the k written as it sounds) for ``odk``. Compared folded and without blanks, hyphens
or dots (``KoBoToolbox``, ``kobo-toolbox``, ``Open Data Kit``), as the whole text or one of its
words. Like a synonym, an alias is only suggested, never read, and only where its choice is
allowed: a word that is no alias names no choice by this table."""

CHOICE_CUTOFF = 0.75
"""How close a written value must be to a choice (or a key to any field of its mapping) to be
named as meant."""

FIELD_CUTOFF = 0.6
"""How close a written key must be to the name of a field that is missing beside it (or of a
field of ovm.yaml, which takes few) to be named as meant: the key likely stands for it."""


def folded(text: str) -> str:
    """A word as it is compared with a name: lower case, blanks as one space, without accents
    (``Constitución``, ``constitucion``)."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)


def _negated(wanted: str, names: Sequence[str]) -> bool:
    """Whether a folded text of several words holds a negation (``not low``, ``isn't high``)
    that is no word of a name (``not applicable`` may mean ``not_applicable``)."""
    plain = wanted.replace("\N{RIGHT SINGLE QUOTATION MARK}", "'")
    said = _words(plain)
    if len(said) < 2:
        return False
    named = {w for n in names for w in _words(n)}
    return bool((NEGATIONS - named).intersection(said)) or "n't" in plain


def closest(
    text: str,
    names: Sequence[str],
    *,
    cutoff: float = CHOICE_CUTOFF,
    synonyms: Mapping[str, str] = CHOICE_WORDS,
    words: bool = True,
) -> str | None:
    """The name of ``names`` a refused ``text`` most likely meant, when one is close enough
    to name; else None.

    Close in spelling (difflib at ``cutoff``), or the same letters in another order
    (``yse``), or a text one of whose words is a name or a synonym of an allowed name
    (``muy alta``; ``alta`` where no synonym is read, a rubric's priority: high). A synonym
    is only suggested, never read: ``muy alta`` is not a level, and which level the writer
    wants is theirs to say. ``words`` False leaves that last way out, where a word of a
    sentence may be a name without being meant (``no sé``); the other words of a text named
    that way may say more about it (``muy alta``, ``Kobo Toolbox``), unless one of them makes
    it another thing (:data:`OTHERING`: ``sum of squares`` is no sum; ``high x``). A text
    holding a name as one of its words is named by its words alone, never by the closeness of
    its letters (``high x`` is close in letters to ``high``); two letters swapped in a name of
    several words still are its misspelling (``vrey high``). A text of several words one of
    which is a negation (:data:`NEGATIONS`: ``no alta``, ``not sum``) means no name: the
    opposite of a name is never suggested as meant."""
    wanted = folded(text)
    by_fold = {folded(n): n for n in names}
    if _negated(wanted, list(by_fold)):
        return None
    said = wanted.split(" ")
    # A phrase holding a name as one of its words is no misspelling of it, however close its
    # letters (``high x``, ``sum y``): its words say whether it is that name. Words are what
    # blanks part: a key or a choice joined by underscores (``unit_on``, ``postal_erly``) is
    # one word, misspelt or not.
    phrase = len(said) > 1 and any(w in by_fold for w in said)
    # Only a word not understood needs difflib: imported here, it stays out of the start-up of
    # every command that reads data understood as written.
    import difflib

    close = [] if phrase else difflib.get_close_matches(wanted, list(by_fold), n=1, cutoff=cutoff)
    if close:
        return by_fold[close[0]]
    # Two letters typed in the wrong order (``yse``, ``wieght``): the same letters as one
    # name alone, which difflib finds too far on a short word. From three letters: two are
    # another word rather than a typo ("on" is no "no").
    if len(wanted) >= 3:
        same = [n for f, n in by_fold.items() if sorted(f) == sorted(wanted)]
        if len(same) == 1:
            return same[0]
    # Another name of a choice, written whole however it is spaced (``Open Data Kit``).
    alias = CHOICE_ALIASES.get(_compact(wanted))
    if alias is not None and alias in names:
        return alias
    if words:
        local = {folded(w): n for w, n in synonyms.items() if n in names}
        local.update((w, n) for w, n in CHOICE_ALIASES.items() if n in names)
        found = {by_fold.get(w) or local.get(w) for w in wanted.split(" ")} - {None}
        if len(found) == 1 and not _another_thing(text, wanted, list(by_fold)):
            return found.pop()
    return None


def _compact(folded_text: str) -> str:
    """A folded text without what may part the words of a product's name (blanks, hyphens,
    dots, underscores): ``open data kit``, ``kobo-toolbox``."""
    return "".join(_words(folded_text))


_AROUND = "()[]{}.,;:!?\"'" + "\u2018\u2019\u201c\u201d\u00ab\u00bb"
"""Marks a letter standing alone may be written between or beside: brackets, punctuation, and
straight, typographic and angle quotes (``high 'x'``, ``high “x”``, ``alta «x»``)."""

_LETTER_WORDS = frozenset({"a"})
"""Letters that are words saying more about a name, folded: an article or a preposition in
English, Spanish, French and Portuguese (``a high``, ``alta a nivel nacional``, ``élevée à
90 %``). The other one-letter words (``y``, ``o``, ``e``) are connectors (:data:`OTHERING`)."""

_ACRONYM = re.compile(r"\(\s*([^\W\d_]{2,})\s*\)")


def _another_thing(text: str, wanted: str, names: Sequence[str]) -> bool:
    """Whether a word beside a name in the phrase ``text`` (``wanted`` folded) makes it
    another thing than that name: a connector or a weighting (:data:`OTHERING`: ``sum of
    squares``, ``weighted sum``), a letter standing alone (a variable, ``high x``, or a
    connector of its own, ``sum y``; not a contraction's, ``isn't``), or a body named in
    parentheses by its capitals (``arithmetic (EMB)``: that body's figure). Other words only
    say more about the name (``Kobo Toolbox``, ``high confidence``, ``low (estimate)``)."""
    named = {w for n in names for w in _words(n)}
    if (OTHERING - named).intersection(_words(wanted)):
        return True
    alone = (t.strip(_AROUND) for t in wanted.split(" "))
    if any(
        len(t) == 1 and t.isalpha() and t not in named and t not in _LETTER_WORDS for t in alone
    ):
        return True
    # Capitals are a body's name only in a text that is not written all in capitals.
    return not text.isupper() and any(a.isupper() for a in _ACRONYM.findall(text))


def swapped(text: str, names: Sequence[str]) -> str | None:
    """The one name of ``names`` that is ``text`` with two neighbouring letters swapped, None
    if none is or several are: a field's key typed with two letters in the wrong order, which
    on a two-letter key (``ot`` for ``to``) neither spelling nor :func:`closest`'s same
    letters finds. Only for a mapping's keys, where a key that is no field is a typo; a word
    of two letters written for a choice is likelier another word (``on`` is no ``no``)."""
    found = {
        n
        for n in names
        if len(n) == len(text)
        and any(text[:i] + text[i + 1] + text[i] + text[i + 2 :] == n for i in range(len(text) - 1))
    }
    return found.pop() if len(found) == 1 else None
