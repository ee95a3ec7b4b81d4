"""Country names for ISO 3166 alpha-3 codes in the languages of the reports, from pycountry.

pycountry carries ISO 3166-1 with the translations of the Debian iso-codes project. The short
common name is preferred where ISO's name is inverted or formal ("Bolivia", not "Bolivia,
Plurinational State of"). Portuguese names are Brazilian, as the OAS writes them.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import gettext

_CATALOGUES = {"es": "es", "fr": "fr", "pt": "pt_BR"}
"""The iso-codes catalogue of each report language (English is the source)."""


@functools.cache
def _translation(lang: str) -> gettext.NullTranslations:
    import gettext

    import pycountry

    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[_CATALOGUES[lang]], fallback=True
    )


@functools.cache
def country_name(code: str, lang: str = "en") -> str:
    """The country's name in ``lang``; the code itself when ISO 3166 does not know it."""
    import pycountry

    country = pycountry.countries.get(alpha_3=code.upper())
    if country is None:
        return code
    name = str(getattr(country, "common_name", None) or country.name)
    if lang in _CATALOGUES:
        return _translation(lang).gettext(name)
    return name


@functools.cache
def _regions() -> dict[str, str]:
    """UN M49 region codes by the slug of their English name: ``south-america`` -> ``005``."""
    import re

    from babel import Locale

    english = Locale.parse("en").territories
    return {
        re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-"): code
        for code, name in english.items()
        if code.isdigit()
    }


@functools.cache
def region_name(group: str, lang: str = "en") -> str:
    """A region or peer group as readers see it: a UN M49 region written as a slug of its English
    name (``south-america``, ``caribbean``) by its CLDR name in ``lang``; any other group as
    the settings name it."""
    from babel import Locale

    code = _regions().get(group.strip().lower())
    if code is None:
        return group
    return str(Locale.parse(lang).territories.get(code, group))
