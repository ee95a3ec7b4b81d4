"""No English in what ovm says about a workspace it cannot set up, in each language.

Every case of the bad-input corpus whose code is a problem of reading files (YAML included),
of setting up the workspace (ovm.yaml, missions.yaml) or of reading a table at all is run
through ``ovm check --lang`` in each non-English language, with a few damaged files the corpus
reaches only through ``ovm validate``: each code is printed, no word of the English vocabulary
is left (the detector of ``test_untranslated``) once the data the messages quote are taken out
(their parameters, the workspace's folder, the document paths), and no placeholder is left
unfilled. (``test_worded_rubric`` holds every code of those areas to an entry in each
catalogue.)

The checks of ovm's own (a form to pull, a mission's country or period, the analysis settings)
each say their own sentence: whole outputs of ``ovm check`` and ``ovm compare`` are compared in
four languages. So are the first lines of a template refused for its missions file and of a
wide table that cannot be used.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError
from test_untranslated import LANGS, SHARED, _english, english_left, loose_punctuation
from test_untranslated_data import CODE

from ovm import i18n
from ovm.cli.app import main
from ovm.cli.workspace import check_workspace
from ovm.codes import CODES
from ovm.data.wide import observations_from_wide, wide_groups
from ovm.errors import CheckError, DataError, Issue, check_error, format_path
from ovm.field.template import write_template
from ovm.indicators.text import wording
from ovm.rubric.model import load_rubric
from ovm.scoring.aggregate import parse_aggregation
from ovm.settings import ComparisonSettings, SensitivitySettings, Settings
from tests.bad_inputs.cases import CASES, MINI, Case, Make, Sparse, sub
from tests.bad_inputs.runner import prepare

AREAS = ("files", "workspace", "pull")
CODES_HERE = sorted({c for c, v in CODES.items() if v.area in AREAS} | {"unreadable-table"})
"""The codes of reading files, setting up a workspace and pulling, and a table unreadable."""

PROPER = {"libreoffice", "unicode", "parquet", "toml", "mib", "x", "kobotoolbox", "uid", "https"}
"""Names of products (KoboToolbox), protocols, formats and units the messages name in every
language (``0x`` too), and a KoboToolbox form's ``uid``."""
FIELDS = {
    *("rubric", "missions", "country", "name", "sheet", "asset", "project", "form", "values"),
    "path",
}
"""Fields of ovm.yaml and missions.yaml a message names: the keys the user writes."""
KEYWORDS = {"plain", "kobo", "odk", "yes", "no", "high", "medium", "low"}
"""The values a field of ovm.yaml or missions.yaml takes, written as the user writes them."""
SHARED_HERE = {
    # words of these messages that the language shares with English
    "es": {"byte", "bytes", "control", "alias", "variables"},
    "fr": {"table", "tables", "variables"},
    "pt": {"byte", "bytes", "alias"},
}

EXTRA = [
    # Damage the corpus reaches only through ovm validate, or not at all.
    Case("config-key-a-list", {"missions.yaml": sub("missions:", "? [a, b]\n: 1\nmissions:")},
         1, "invalid-key", "missions.yaml", 1),
    Case("config-is-a-folder", {"ovm.yaml": lambda _raw: Make.FOLDER}, 1, "file-unreadable",
         "ovm.yaml", None),
    Case("config-over-the-size-limit", {"ovm.yaml": lambda _raw: Sparse(6 * 1024**2)}, 1,
         "file-too-large", "ovm.yaml", 1),
    Case("missions-tab", {"missions.yaml": sub("missions:", "\tmissions:")}, 1, "yaml-syntax",
         "missions.yaml", 1),
    Case("missions-date-tag", {"missions.yaml": sub("name: B 2021", "name: !!int x")}, 1,
         "yaml-syntax", "missions.yaml", 11),
    # The schemas of ovm.yaml and missions.yaml: every kind of refusal each file can meet.
    # A workspace of observer checklists alone: its variables are given by nothing, said once.
    Case("config-without-statistics", {"ovm.yaml": sub("statistics: [statistics.csv]\n", "")}, 0,
         "variable-not-given", "rubric.yaml", 12),
    Case("config-settings-typo", {"ovm.yaml": sub("seed: 7", "sead: 7")}, 1, "unknown-field",
         "ovm.yaml", 8),
    Case("config-settings-unknown", {"ovm.yaml": sub("seed: 7", "seed: 7, bogus: 1")}, 1,
         "unknown-field", "ovm.yaml", 8),
    Case("config-top-unknown", {"ovm.yaml": sub("settings:", "extra: 1\nsettings:")}, 1,
         "unknown-field", "ovm.yaml", 8),
    Case("config-confidence-2", {"ovm.yaml": sub("seed: 7", "seed: 7, confidence: 2")}, 1,
         "invalid-value", "ovm.yaml", 8),
    Case("config-table-confidence-sure", {"ovm.yaml": sub("simulated: true", "simulated: true\n"
         "    confidence: sure")}, 1, "invalid-choice", "ovm.yaml", 8),
    Case("mission-answer-misspelt", {"missions.yaml": sub("rights.postal: no",
         "rights.postal: no\n      rights.posta: no")}, 1, "unknown-indicator", "missions.yaml",
         16),
    Case("mission-value-misspelt", {"missions.yaml": sub("rights.postal: no",
         "rights.postal: no\n    values: {registred_abroad: 10}")}, 1, "unknown-variable",
         "missions.yaml", 16),
    Case("config-seed-negative", {"ovm.yaml": sub("seed: 7", "seed: -1")}, 1,
         "invalid-value", "ovm.yaml", 8),
    Case("config-bootstrap-huge", {"ovm.yaml": sub("bootstrap: 50", "bootstrap: 1000001")}, 1,
         "invalid-value", "ovm.yaml", 8),
    Case("config-title-a-number", {"ovm.yaml": sub("title: {en: Mini workspace, es: Espacio "
         "m\u00ednimo}", "title: [1]")}, 1, "invalid-value", "ovm.yaml", 1),
    Case("config-pull-no-asset", {"ovm.yaml": sub("simulated: true", "simulated: true\n    pull:"
         " {server: kobo, url: 'https://kf.example.org'}")}, 1, "invalid-value", "ovm.yaml", 8),
    Case("missions-top-unknown", {"missions.yaml": sub("missions:", "extra: 1\nmissions:")}, 1,
         "unknown-field", "missions.yaml", 1),
    Case("mission-unknown-field", {"missions.yaml": sub("country: BRA", "country: BRA\n    "
         "colour: red")}, 1, "unknown-field", "missions.yaml", 11),
    Case("mission-no-name", {"missions.yaml": sub("    name: B 2021\n", "")}, 1,
         "missing-field", "missions.yaml", 9),
    Case("mission-round-a-word", {"missions.yaml": sub("round: 2", "round: two")}, 1,
         "invalid-value", "missions.yaml", 12),
    Case("mission-date-short", {"missions.yaml": sub("date: 2021-03-01", "date: 03-2021")}, 1,
         "invalid-value", "missions.yaml", 12),
    Case("mission-date-dmy", {"missions.yaml": sub("date: 2021-03-01", "date: '01/03/2021'")},
         1, "invalid-value", "missions.yaml", 12),
    Case("mission-date-unpadded", {"missions.yaml": sub("date: 2021-03-01", "date: 2021-3-1")},
         1, "invalid-value", "missions.yaml", 12),
    Case("mission-confidence-sure", {"missions.yaml": sub("confidence: high",
         "confidence: sure")}, 1, "invalid-choice", "missions.yaml", 6),
    # A level in the team's language, more than a level: the level its word names is meant.
    Case("mission-confidence-muy-alta", {"missions.yaml": sub("confidence: high",
         "confidence: muy alta")}, 1, "invalid-choice", "missions.yaml", 6),
    Case("config-table-confidence-muy-alta", {"ovm.yaml": sub("simulated: true",
         "simulated: true\n    confidence: muy alta")}, 1, "invalid-choice", "ovm.yaml", 8),
    Case("mission-id-pattern", {"missions.yaml": sub("id: bbb-2021", "id: B B")}, 1,
         "invalid-format", "missions.yaml", 9),
    # ovm's own checks of the two files, each with a sentence of its own.
    Case("config-seed-yes", {"ovm.yaml": sub("seed: 7", "seed: yes")}, 1, "invalid-value",
         "ovm.yaml", 8),
    Case("config-title-a-list", {"ovm.yaml": sub("title: {en: Mini workspace, es: Espacio "
         "mínimo}", "title: [a, b]")}, 1, "invalid-value", "ovm.yaml", 1),
    Case("config-pull-url", {"ovm.yaml": sub("simulated: true", "simulated: true\n    pull:"
         " {server: kobo, url: kf.example.org, asset: a}")}, 1, "invalid-value", "ovm.yaml", 8),
    Case("config-pull-project", {"ovm.yaml": sub("simulated: true", "simulated: true\n    pull:"
         " {server: odk, url: 'https://odk.example.org', project: 0, form: f}")}, 1,
         "invalid-value", "ovm.yaml", 8),
    Case("config-pull-server", {"ovm.yaml": sub("simulated: true", "simulated: true\n    pull:"
         " {server: ona, url: 'https://ona.example.org'}")}, 1, "invalid-choice", "ovm.yaml", 8),
    Case("config-pull-no-form", {"ovm.yaml": sub("simulated: true", "simulated: true\n    pull:"
         " {server: odk, url: 'https://odk.example.org', project: 1}")}, 1, "invalid-value",
         "ovm.yaml", 8),
    Case("mission-period-not-a-year", {"missions.yaml": sub("rights.postal: no", "rights.postal: "
         "no\n  - {id: ccc-2025, entity: C, name: C, period: 20x5}")}, 1, "invalid-value",
         "missions.yaml", 16),
    Case("mission-no-country-no-entity", {"missions.yaml": sub("rights.postal: no",
         "rights.postal: no\n  - {id: ddd-2025, name: D, period: 2025}")}, 1, "invalid-value",
         "missions.yaml", 16),
    Case("mission-election-and-period", {"missions.yaml": sub("rights.postal: no",
         "rights.postal: no\n  - {id: eee-2025, entity: E, name: E, period: 2025, election: "
         "{type: general, date: 2025-01-01}}")}, 1, "invalid-value", "missions.yaml", 16),
    Case("table-neither-path-nor-mapping", {"ovm.yaml": sub("statistics: [statistics.csv]",
         "statistics: [statistics.csv, [a]]")}, 1, "invalid-value", "ovm.yaml", 4),
]  # fmt: skip

WORKSPACE_SENTENCES = {
    "issue_unknown-field_known",
    "issue_variable-not-given_table",
    "issue_variable-not-given_none",
    "issue_invalid-value_date",
    "issue_invalid-value_date_dmy",
    "issue_invalid-value_date_none",
    "issue_invalid-value_date_unpadded",
    "issue_invalid-value_period",
    "issue_invalid-value_round",
    "issue_invalid-value_time",
    "issue_missing-field_missions_file",
    *(f"issue_invalid-value_hint_{h}" for h in ("simulated", "confidence", "seed")),
    "issue_invalid-choice_choice_meant",
    "issue_invalid-value_listed_text",
    "issue_invalid-value_path_or_mapping",
    "issue_unknown-indicator_unknown_meant",
    "issue_unknown-variable_missions_meant",
    "issue_invalid-value_hint_bootstrap",
    *(f"issue_invalid-value_hint_pull_{f}" for f in ("url", "project")),
    *(
        f"issue_invalid-value_{check}"
        for check in (
            "pull_odk",
            "pull_kobo",
            "mission_place",
            "election_or_period",
            "period_format",
            "number_not_yes_no",
        )
    ),
}
"""The sentences only ovm.yaml and missions.yaml say."""

WORKSPACE_FILES = ("ovm.yaml", "missions.yaml")
"""The workspace's own files: every code either can emit is run, whatever its area."""


def _cases() -> list[Case]:
    # A rubric's code a missions file meets too (a value for no variable of the rubric).
    here = [c for c in CASES if c.code == "unknown-variable" and c.file == "missions.yaml"]
    files = [
        c
        for c in CASES
        if c.file in WORKSPACE_FILES
        and c.command[0] == "check"
        and c.status == 1
        and c.code not in CODES_HERE
    ]
    return (
        [c for c in CASES if c.code in CODES_HERE and c.command[0] == "check"]
        + here
        + files
        + EXTRA
    )


def _longest_first(found: set[str]) -> list[str]:
    return sorted((s for s in found if s), key=len, reverse=True)


def _quoted(issues: list[Issue], lang: str) -> list[str]:
    """What the messages quote: their parameters, as ``lang`` writes them, and the rubric's
    labels of the nodes they name (in English where the rubric has none in ``lang``); longest
    first."""
    return _longest_first(
        {i18n.param_text(v, lang) for i in issues for k, v in i.params.items() if k != "variant"}
        | {wording(labels, lang).text for i in issues for labels in i.labels.values()}
    )


def _words(line: str, ws: Path, issues: list[Issue], quoted: list[str]) -> str:
    """A printed line less its data: the workspace's folder and the document paths, then the
    codes, options and places (ids, not words), then what the message quotes."""
    line = line.replace(str(ws), " ")
    for path in _longest_first({format_path(i.path) for i in issues}):
        # a path stands alone before its colon ("id:" names a field, not "invalid-tag")
        line = re.sub(rf"(?<!\S){re.escape(path)}(?=[\s\u202f:])", " ", line)
    return _strip(CODE.sub(" ", line), quoted)


def _check(ws: Path, lang: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["check", str(ws), "--lang", lang])
    return status, err.getvalue()


def _strip(text: str, quoted: list[str]) -> str:
    for data in quoted:
        text = text.replace(data, " ")
    return text


@pytest.mark.parametrize("lang", LANGS)
def test_every_set_up_problem_is_said_in_the_language_asked(lang: str, tmp_path: Path) -> None:
    printed: set[str] = set()
    said: set[str] = set()
    english: dict[str, list[str]] = {}
    unfilled: dict[str, str] = {}
    loose: dict[str, list[str]] = {}
    for n, case in enumerate(_cases()):
        ws = prepare(case, tmp_path / str(n))
        status, err = _check(ws, lang)
        issues, _ = check_workspace(ws, lang=lang)
        assert (case.name, status) == (case.name, case.status)
        assert f"[{case.code}]" in err, (case.name, err)
        printed.add(str(case.code))
        said |= {f"issue_{i.code}_{i.params['variant']}" for i in issues if i.params.get("variant")}
        quoted = _quoted(issues, lang)
        lines = "".join(f"<p>{_words(x, ws, issues, quoted)}</p>" for x in err.splitlines())
        shared = SHARED[lang] | SHARED_HERE[lang] | PROPER | FIELDS | KEYWORDS
        found = english_left(lines, _english(), shared, [])[0]
        if found:
            english[case.name] = sorted(found)
        if "{" in _strip(err, [str(ws), *quoted]):
            unfilled[case.name] = err
        if lang == "fr":
            # A place without its column ends with a colon: it is no prose.
            places = re.compile(r"^\S+?(?::\d+)*:(?= )")
            left = loose_punctuation(
                "".join(f"<p>{places.sub(' ', x)}</p>" for x in err.splitlines()),
                [str(ws), *(q for q in quoted if len(q) >= 4)],
            )
            if left:
                loose[case.name] = sorted(left)
    # Every code a workspace can meet is reached (the pull's are in test_pull).
    assert "unknown-variable" in printed
    assert sorted(set(CODES_HERE) - printed) == sorted(
        c for c in CODES_HERE if CODES[c].area == "pull"
    )
    assert WORKSPACE_SENTENCES - said == set()
    assert (english, unfilled, loose) == ({}, {}, {})


def test_a_yaml_syntax_error_is_worded_from_its_kind_and_place() -> None:
    from ovm.yamldoc import parse_yaml

    _, (issue,) = parse_yaml("a: [1, 2\nb: 3\n", "f.yaml")
    assert (issue.message, dict(issue.params)) == (
        "a list in brackets opened at line 1, column 4 is not closed where expected: close it "
        "with ']'",
        {"variant": "flow_sequence", "line": 1, "column": 4},
    )
    assert issue.text("es") == (
        "la lista entre corchetes abierta en la línea 1, columna 4, no se cierra donde debe: "
        "ciérrela con «]»"
    )


def _own_checks(root: Path) -> tuple[Path, Path]:
    """Two copies of the mini workspace: one whose ovm.yaml names two forms to pull without
    what finds them and a seed of yes, one whose missions.yaml fails each check of a
    mission's own."""
    config = prepare(
        Case("", {"ovm.yaml": lambda raw: sub("seed: 7", "seed: yes")(sub("simulated: true",
             "simulated: true\n    pull: {server: kobo, url: 'https://kf.example.org'}\n  - "
             "path: more.csv\n    pull: {server: odk, url: 'https://odk.example.org', project: "
             "1}")(raw))}, 1, None, "", None),
        root / "config",
    )  # fmt: skip
    missions = prepare(
        Case("", {"missions.yaml": sub("rights.postal: no", "rights.postal: no\n"
             "  - {id: ccc-2025, entity: C, name: C, period: 20x5}\n"
             "  - {id: ddd-2025, name: D, period: 2025}\n"
             "  - {id: eee-2025, entity: E, name: E, period: 2025, election: "
             "{type: general, date: 2025-01-01}}")}, 1, None, "", None),
        root / "missions",
    )  # fmt: skip
    return config, missions


NB = "\u202f"
OWN_CHECKS = {
    "en": [
        "WS/ovm.yaml:8:11 checklists[0].pull: a KoboToolbox form needs 'asset' (its uid) "
        "[invalid-value]",
        "WS/ovm.yaml:10:11 checklists[1].pull: an ODK form needs 'project' and 'form' "
        "[invalid-value]",
        "WS/ovm.yaml:11:18 settings.seed: a number is expected, not yes or no [invalid-value]",
        "WS/statistics.csv: 2 rows read, 2 used, 0 rejected",
        "WS: 3 errors, 0 warnings",
        "WS/missions.yaml:16:5 missions[2]: period '20x5' is not a year (2025) or a month "
        "(2025-06) [invalid-value]",
        "WS/missions.yaml:17:5 missions[3]: a mission needs a country (ISO 3166 alpha-3) or an "
        "entity id [invalid-value]",
        "WS/missions.yaml:18:5 missions[4]: give an election or a period, not both [invalid-value]",
        "WS: 3 errors, 0 warnings",
    ],
    "es": [
        "WS/ovm.yaml:8:11 checklists[0].pull: un formulario de KoboToolbox necesita «asset» "
        "(su uid) [invalid-value]",
        "WS/ovm.yaml:10:11 checklists[1].pull: un formulario de ODK necesita «project» "
        "y «form» [invalid-value]",
        "WS/ovm.yaml:11:18 settings.seed: se espera un número, no yes ni no [invalid-value]",
        "WS/statistics.csv: 2 filas leídas, 2 usadas, 0 rechazadas",
        "WS: 3 errores, 0 advertencias",
        "WS/missions.yaml:16:5 missions[2]: el periodo “20x5” no es un año (2025) ni un mes "
        "(2025-06) [invalid-value]",
        "WS/missions.yaml:17:5 missions[3]: una misión necesita un país (ISO 3166 alfa-3) o un "
        "identificador de entidad [invalid-value]",
        "WS/missions.yaml:18:5 missions[4]: indique una elección o un periodo, no ambos "
        "[invalid-value]",
        "WS: 3 errores, 0 advertencias",
    ],
    "fr": [
        f"WS/ovm.yaml:8:11 checklists[0].pull{NB}: un formulaire KoboToolbox demande "
        f"«\u202fasset\u202f» (son uid) [invalid-value]",
        f"WS/ovm.yaml:10:11 checklists[1].pull{NB}: un formulaire ODK demande "
        "«\u202fproject\u202f» et «\u202fform\u202f» [invalid-value]",
        f"WS/ovm.yaml:11:18 settings.seed{NB}: un nombre est attendu, pas yes ni no "
        "[invalid-value]",
        f"WS/statistics.csv{NB}: 2 lignes lues, 2 utilisées, 0 rejetée",
        f"WS{NB}: 3 erreurs, 0 avertissement",
        f"WS/missions.yaml:16:5 missions[2]{NB}: la période «\u202f20x5\u202f» "
        "n'est ni une année (2025) ni un mois (2025-06) [invalid-value]",
        f"WS/missions.yaml:17:5 missions[3]{NB}: une mission demande un pays (ISO 3166 alpha-3) "
        "ou un identifiant d'entité [invalid-value]",
        f"WS/missions.yaml:18:5 missions[4]{NB}: indiquez une élection ou une période, pas les "
        "deux [invalid-value]",
        f"WS{NB}: 3 erreurs, 0 avertissement",
    ],
    "pt": [
        "WS/ovm.yaml:8:11 checklists[0].pull: um formulário do KoboToolbox precisa de “asset” "
        "(o seu uid) [invalid-value]",
        "WS/ovm.yaml:10:11 checklists[1].pull: um formulário do ODK precisa de "
        "“project” e “form” [invalid-value]",
        "WS/ovm.yaml:11:18 settings.seed: espera-se um número, não yes nem no [invalid-value]",
        "WS/statistics.csv: 2 linhas lidas, 2 usadas, 0 rejeitada",
        "WS: 3 erros, 0 aviso",
        "WS/missions.yaml:16:5 missions[2]: o período “20x5” não é um ano (2025) nem um mês "
        "(2025-06) [invalid-value]",
        "WS/missions.yaml:17:5 missions[3]: uma missão precisa de um país (ISO 3166 alfa-3) ou "
        "de um identificador de entidade [invalid-value]",
        "WS/missions.yaml:18:5 missions[4]: indique uma eleição ou um período, não ambos "
        "[invalid-value]",
        "WS: 3 erros, 0 aviso",
    ],
}
"""What ``ovm check`` says of each check of ovm.yaml and missions.yaml of ovm's own."""


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_each_check_of_the_workspace_files_says_its_own_sentence(lang: str, tmp_path: Path) -> None:
    said = []
    for ws in _own_checks(tmp_path):
        status, err = _check(ws, lang)
        assert status == 1
        said += [x.replace(str(ws), "WS") for x in err.splitlines()]
    assert said == OWN_CHECKS[lang]


def test_the_english_of_each_check_is_its_catalogue_sentence(tmp_path: Path) -> None:
    issues = [i for ws in _own_checks(tmp_path) for i in check_workspace(ws)[0]]
    assert [i.code for i in issues] == ["invalid-value"] * 6
    sentences = [i18n.gettext(f"issue_invalid-value_{i.params['variant']}", "en", **i.params)
                 for i in issues]  # fmt: skip
    assert [i.message for i in issues] == sentences


SETTINGS_USES = {
    "a method that takes no exponent and a range upside down": [
        "--aggregation", "geometric:1", "--output-range", "5", "1",
    ],
    "an exponent that is no number": ["--aggregation", "generalised:x"],
    "a method ovm does not know": ["--aggregation", "nope"],
    "generalised means without exponent": [
        "--aggregation", "generalised", "--aggregation", "rights=generalised",
    ],
}  # fmt: skip
SETTINGS_SAID = {
    "en": [
        "the output range must be two finite numbers, low < high; geometric takes no exponent: "
        "'geometric:1'",
        "the exponent of 'generalised:x' is not a number",
        "unknown aggregation 'nope'; expected one of arithmetic, geometric, harmonic, "
        "generalised, minimum, sum (generalised:P for a generalised mean with exponent P)",
        "aggregation given for '*': a generalised mean needs an exponent here, the rubric gives "
        "none: write generalised:P; aggregation given for 'rights': a generalised mean needs an "
        "exponent here, the rubric gives none: write generalised:P",
    ],
    "es": [
        "el intervalo de salida se da con dos números finitos, el menor primero; geometric no "
        "lleva exponente: “geometric:1”",
        "el exponente de “generalised:x” no es un número",
        "agregación desconocida “nope”; se espera uno de los métodos arithmetic, geometric, "
        "harmonic, generalised, minimum, sum (generalised:P para una media generalizada de "
        "exponente P)",
        "agregación indicada para “*”: una media generalizada necesita aquí un exponente y la "
        "rúbrica no da ninguno: escriba generalised:P; agregación indicada para “rights”: una "
        "media generalizada necesita aquí un exponente y la rúbrica no da ninguno: escriba "
        "generalised:P",
    ],
    "fr": [
        f"l'intervalle de sortie doit être deux nombres finis, le plus petit d'abord{NB}; "
        f"geometric ne prend pas d'exposant{NB}: «\u202fgeometric:1\u202f»",
        "l'exposant de «\u202fgeneralised:x\u202f» n'est pas un nombre",
        f"agrégation inconnue «\u202fnope\u202f»{NB}; attendu l'une des méthodes "
        "arithmetic, geometric, harmonic, generalised, minimum, sum (generalised:P pour une "
        "moyenne généralisée d'exposant P)",
        f"agrégation donnée pour «\u202f*\u202f»{NB}: une moyenne généralisée "
        f"demande ici un exposant et la grille n'en donne aucun{NB}: écrivez generalised:P{NB}; "
        f"agrégation donnée pour «\u202frights\u202f»{NB}: une moyenne généralisée demande ici un "
        f"exposant et la grille n'en donne aucun{NB}: écrivez generalised:P",
    ],
    "pt": [
        "o intervalo de saída deve ser dois números finitos, o menor primeiro; geometric não "
        "leva expoente: “geometric:1”",
        "o expoente de “generalised:x” não é um número",
        "agregação desconhecida “nope”; espera-se um dos métodos arithmetic, geometric, harmonic, "
        "generalised, minimum, sum (generalised:P para uma média generalizada de expoente P)",
        "agregação indicada para “*”: uma média generalizada precisa aqui de um expoente e a "
        "rubrica não dá nenhum: escreva generalised:P; agregação indicada para “rights”: uma "
        "média generalizada precisa aqui de um expoente e a rubrica não dá nenhum: escreva "
        "generalised:P",
    ],
}
"""What ``ovm compare`` says of settings its checks refuse, whole, in each language."""


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_each_check_of_the_settings_says_its_own_sentence(lang: str, tmp_path: Path) -> None:
    ws = prepare(Case("", {}, 0, None, "", None), tmp_path)
    said = []
    for argv in SETTINGS_USES.values():
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(["compare", str(ws), "-q", *argv, "--lang", lang])
        assert status == 2
        said.append(err.getvalue())
    assert said == [f"ovm: {line}\n" for line in SETTINGS_SAID[lang]]


def _refused(make: Callable[[], object]) -> CheckError:
    with pytest.raises(ValueError) as caught:
        make()
    if isinstance(caught.value, CheckError):
        return caught.value
    assert isinstance(caught.value, ValidationError)
    (error,) = caught.value.errors()
    check = check_error(error)
    assert check is not None
    return check


LIBRARY_CHECKS: dict[str, Callable[[], object]] = {
    "zscore_scale": lambda: ComparisonSettings(zscore_scale=(0.0, 0.0)),
    "output_range": lambda: ComparisonSettings(output_range=(1.0, 1.0)),
    "sensitivity_choices": lambda: SensitivitySettings(choices=("weights", "colour")),
    "cohort": lambda: Settings(missions=()),
    "aggregation_unknown": lambda: parse_aggregation("nope"),
    "aggregation_exponent_taken": lambda: parse_aggregation("minimum:2"),
    "aggregation_exponent_needed": lambda: parse_aggregation("generalised"),
    "aggregation_exponent_nan": lambda: parse_aggregation("generalised:x"),
}
"""Each check of the analysis settings, as a library user meets it."""
SETTINGS_SENTENCES = {f"issue_invalid-value_{v}" for v in LIBRARY_CHECKS} | {
    "settings_aggregation_no_exponent"
}
"""The sentences only the settings of an analysis say (the command line's and the library's)."""


@pytest.mark.parametrize("lang", LANGS)
def test_each_check_of_the_settings_is_worded_in_each_language(lang: str) -> None:
    english: dict[str, list[str]] = {}
    for variant, make in LIBRARY_CHECKS.items():
        check = _refused(make)
        assert check.variant == variant
        assert str(check) == i18n.coded("issue", "invalid-value", check.issue_params(), "en")
        # generalised:P is what the user writes, in any language
        quoted = _quoted([Issue("", None, None, "", "", params=check.params)], lang)
        text = _strip(check.text(lang), ["generalised:P", *quoted])
        found = english_left(f"<p>{text}</p>", _english(), SHARED[lang], [])[0]
        if found or "{" in text:
            english[variant] = sorted(found) or [text]
    assert english == {}


def _refusal(make: Callable[[], object]) -> DataError:
    with pytest.raises(DataError) as caught:
        make()
    return caught.value


def test_a_template_of_an_invalid_missions_file_is_refused_in_each_language(
    tmp_path: Path,
) -> None:
    ws = prepare(
        Case("", {"missions.yaml": sub("round: 2", "round: two")}, 1, None, "", None), tmp_path
    )
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["template", str(ws), "-o", str(tmp_path / "t.xlsx")])
    place = f"{ws}/missions.yaml"
    assert (status, err.getvalue()) == (
        1,
        f"{place}:12:61 missions[1].election.round: must be a whole number [invalid-value]\n"
        f"{place}: invalid missions file (see ovm.yaml)\n",
    )
    refused = _refusal(lambda: write_template(ws, tmp_path / "t.xlsx"))
    where = f"{place}:12:61 missions[1].election.round"
    assert [refused.text(lang) for lang in LANGS] == [
        f"{place}: archivo de misiones no válido (véase ovm.yaml)\n"
        f"{where}: debe ser un número entero [invalid-value]",
        f"{place}{NB}: fichier des missions non valide (voir ovm.yaml)\n"
        f"{where}{NB}: doit être un nombre entier [invalid-value]",
        f"{place}: arquivo de missões inválido (ver ovm.yaml)\n"
        f"{where}: deve ser um número inteiro [invalid-value]",
    ]


def test_a_wide_table_that_cannot_be_used_is_refused_in_each_language(tmp_path: Path) -> None:
    rubric = load_rubric(MINI / "rubric.yaml")
    table, book = tmp_path / "wide.csv", tmp_path / "wide.xlsx"
    table.write_text("Code,votes_abroad\nARG,1\n", encoding="utf-8")
    book.write_bytes(b"not a workbook")
    no_id = _refusal(lambda: observations_from_wide(table, rubric))
    no_group = _refusal(lambda: wide_groups(table, "Group_X", id_column="Code"))
    unreadable = _refusal(lambda: observations_from_wide(book, rubric))
    said = {
        lang: [e.text(lang).splitlines() for e in (no_id, no_group, unreadable)]
        for lang in ["en", *LANGS]
    }
    reader = "File is not a zip file"
    assert said == {
        "en": [
            [f"{table}: no 'UnitCode' column",
             f"{table}:1: no 'UnitCode' column (the code of each unit) [missing-column]"],
            [f"{table}: no 'Group_X' column", f"{table}:1: no 'Group_X' column [missing-column]"],
            [f"{book}: cannot read the table",
             f"{book}: not a readable XLSX: {reader} [unreadable-table]"],
        ],
        "es": [
            [f"{table}: no hay ninguna columna “UnitCode”",
             f"{table}:1: falta la columna “UnitCode” [missing-column]"],
            [f"{table}: no hay ninguna columna “Group_X”",
             f"{table}:1: falta la columna “Group_X” [missing-column]"],
            [f"{book}: no se puede leer la tabla",
             f"{book}: no es un libro XLSX que ovm pueda leer (el lector indica “{reader}”): "
             "ábralo en una hoja de cálculo y guárdelo de nuevo como XLSX [unreadable-table]"],
        ],
        "fr": [
            [f"{table}{NB}: aucune colonne «\u202fUnitCode\u202f»",
             f"{table}:1: il manque la colonne «\u202fUnitCode\u202f» [missing-column]"],
            [f"{table}{NB}: aucune colonne «\u202fGroup_X\u202f»",
             f"{table}:1: il manque la colonne «\u202fGroup_X\u202f» [missing-column]"],
            [f"{book}{NB}: impossible de lire la table",
             f"{book}: ce n'est pas un classeur XLSX qu'ovm sait lire (le lecteur indique "
             f"«\u202f{reader}\u202f»){NB}: ouvrez-le dans un tableur et enregistrez-le de nouveau "
             "en XLSX [unreadable-table]"],
        ],
        "pt": [
            [f"{table}: não há nenhuma coluna “UnitCode”",
             f"{table}:1: falta a coluna “UnitCode” [missing-column]"],
            [f"{table}: não há nenhuma coluna “Group_X”",
             f"{table}:1: falta a coluna “Group_X” [missing-column]"],
            [f"{book}: não é possível ler a tabela",
             f"{book}: não é uma pasta de trabalho XLSX que o ovm consiga ler (o leitor indica "
             f"“{reader}”): abra-a numa planilha eletrônica e salve-a de novo como XLSX "
             "[unreadable-table]"],
        ],
    }  # fmt: skip
