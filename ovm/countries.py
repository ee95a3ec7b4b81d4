"""Country names (English and Spanish) for ISO 3166 alpha-3 codes: OAS members and main hosts."""

from __future__ import annotations

_NAMES: dict[str, tuple[str, str]] = {
    "ARG": ("Argentina", "Argentina"),
    "ATG": ("Antigua and Barbuda", "Antigua y Barbuda"),
    "BHS": ("The Bahamas", "Bahamas"),
    "BLZ": ("Belize", "Belice"),
    "BOL": ("Bolivia", "Bolivia"),
    "BRA": ("Brazil", "Brasil"),
    "BRB": ("Barbados", "Barbados"),
    "CAN": ("Canada", "Canadá"),
    "CHL": ("Chile", "Chile"),
    "COL": ("Colombia", "Colombia"),
    "CRI": ("Costa Rica", "Costa Rica"),
    "CUB": ("Cuba", "Cuba"),
    "DMA": ("Dominica", "Dominica"),
    "DOM": ("Dominican Republic", "República Dominicana"),
    "ECU": ("Ecuador", "Ecuador"),
    "GRD": ("Grenada", "Granada"),
    "GTM": ("Guatemala", "Guatemala"),
    "GUY": ("Guyana", "Guyana"),
    "HND": ("Honduras", "Honduras"),
    "HTI": ("Haiti", "Haití"),
    "JAM": ("Jamaica", "Jamaica"),
    "KNA": ("Saint Kitts and Nevis", "San Cristóbal y Nieves"),
    "LCA": ("Saint Lucia", "Santa Lucía"),
    "MEX": ("Mexico", "México"),
    "NIC": ("Nicaragua", "Nicaragua"),
    "PAN": ("Panama", "Panamá"),
    "PER": ("Peru", "Perú"),
    "PRY": ("Paraguay", "Paraguay"),
    "SLV": ("El Salvador", "El Salvador"),
    "SUR": ("Suriname", "Surinam"),
    "TTO": ("Trinidad and Tobago", "Trinidad y Tobago"),
    "URY": ("Uruguay", "Uruguay"),
    "USA": ("United States", "Estados Unidos"),
    "VCT": ("Saint Vincent and the Grenadines", "San Vicente y las Granadinas"),
    "VEN": ("Venezuela", "Venezuela"),
    "ABW": ("Aruba", "Aruba"),
    "AUS": ("Australia", "Australia"),
    "AUT": ("Austria", "Austria"),
    "BEL": ("Belgium", "Bélgica"),
    "CHE": ("Switzerland", "Suiza"),
    "CHN": ("China", "China"),
    "DEU": ("Germany", "Alemania"),
    "ESP": ("Spain", "España"),
    "FRA": ("France", "Francia"),
    "GBR": ("United Kingdom", "Reino Unido"),
    "ITA": ("Italy", "Italia"),
    "JPN": ("Japan", "Japón"),
    "NLD": ("Netherlands", "Países Bajos"),
    "NOR": ("Norway", "Noruega"),
    "PRT": ("Portugal", "Portugal"),
    "SWE": ("Sweden", "Suecia"),
}


def country_name(code: str, lang: str = "en") -> str:
    """The country's name in ``lang`` (en or es); the code itself when unknown."""
    names = _NAMES.get(code.upper())
    if names is None:
        return code
    return names[1] if lang == "es" else names[0]
