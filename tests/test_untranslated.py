"""No English in a report asked for in another language.

Every example mission report and the comparison report are rendered in each non-English
language; their visible text (and the ``title``, ``alt`` and ``aria-label`` a reader meets) is
searched for English words. Text quoted as recorded in the workspace (sources, notes, names of
people and files) is taken out first: it is the data, not the report. Ids and codes (``code``
elements and the ``mid``/``hash``/``mono`` spans) are not words. What remains may hold no word
of the English vocabulary: every word of the English catalogue and the common words of
English, less the words each language shares with English
(listed below, reviewed by hand).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from ovm import i18n
from ovm.pipeline import Run, analyse
from ovm.reporting import report
from ovm.settings import SensitivitySettings, Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
LANGS = [lang for lang in i18n.LANGUAGES if lang != "en"]
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:'[a-z]+)?")
IDENTIFIER = re.compile(r"[\w-]*\w[._]\w[\w.-]*|\b[A-Za-z]+[0-9]\w*")
"""Node ids, variable names, file names, numbers and names with digits (rights.who_may_vote,
votes_abroad, p90)."""

_COMMON = """the of and is are was were be been being with for to in on at by from this that these
    those it its they their them there here which who whom whose what when where why how not or
    an than then more less each every all any only also but if would could should will can may
    must one two three has have had do does did done into over under between about after before
    within without per out up down same other others such some most many much very so yes
    score scores scored scoring answer answers answered mean median share rank ranks ranked
    weight weights missing data found needed needs need least none below above high low medium
    report reports mission missions country countries election elections observer observers
    place places polling abroad voting vote votes value values rule rules band bands"""
COMMON_ENGLISH = frozenset(_COMMON.split())

_NAMES = (
    "ovm sim sha saltelli jansen gamboa et al minmax html json xlsx csv bootstrap id excel"
    " central"  # ODK Central; a word of Spanish, French and Portuguese too
)
_FORMULA = "z u v f b i ya yb yabi ab mean compare format report mission"
SHARED = {
    # words the language shares with English (proper nouns, loanwords, formula symbols too)
    "es": set(
        f"{_NAMES} {_FORMULA} a no general total nominal original electoral error use "
        "sum legal plan decimal variable regular o".split()
    ),
    "fr": set(
        f"{_NAMES} {_FORMULA} a missions total nominal original type global minimum "
        "maximum note notes site sites simulation pages page source sources question "
        "questions normalisation population on plus absence non part parties "
        "gain date condition conditions rang place places plan vote votes distance file files "
        "points code min max message scores observer version imputation standard end an position "
        "positions variation comparative exports indices variance point alpha document "
        "minute minutes locale variable argument arguments comment plain analyse option "
        "options division plans section".split()
    ),
    "pt": set(
        f"{_NAMES} {_FORMULA} a no global general total nominal original site sites "
        "pages e do de legal as data linear na for move decimal use item o zero".split()
    ),
}


def _words(text: str) -> Iterator[str]:
    for w in WORD.findall(IDENTIFIER.sub(" ", re.sub(r"\{[a-z_]+\}", " ", text))):
        if not w.isupper():  # codes and acronyms (PER, OAS) are not words
            yield w.lower()


def _english(help_texts: bool = False) -> set[str]:
    """English words: the common ones and those of the catalogue; of the command line's help
    (``cli_help_*``, words of options and formats) only when asked, as only the help says them."""
    vocab = set(COMMON_ENGLISH)
    for key in i18n.msgids():
        if key.startswith("cli_help_") and not help_texts:
            continue
        for form in i18n.messages("en")[key]:
            vocab.update(_words(form))
    # The country of ovm init's example mission (init_example_name): a name in every language.
    vocab.discard("colombia")
    return vocab


def _is_language_map(x: dict[Any, Any]) -> bool:
    return bool(x) and all(isinstance(k, str) and k in i18n.LANGUAGES for k in x)


def _recorded(x: Any) -> Iterator[str]:
    """Strings written in the workspace as data (language mappings are texts to translate)."""
    if isinstance(x, dict):
        if _is_language_map(x):
            return
        for v in x.values():
            yield from _recorded(v)
    elif isinstance(x, list):
        for v in x:
            yield from _recorded(v)
    elif isinstance(x, str):
        yield x


def _as_recorded(folder: Path, run: Run) -> list[str]:
    found: set[str] = set()
    for path in sorted(folder.iterdir()):
        if path.suffix in (".yaml", ".yml"):
            found.update(_recorded(yaml.safe_load(path.read_text("utf-8"))))
        elif path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    found.update(v for v in row.values() if isinstance(v, str))
        found.add(path.name)
    found.add(run.rubric.id)
    for ref in run.rubric.references:
        found.update(str(v) for v in ref.model_dump(mode="json").values() if isinstance(v, str))
    return sorted((s for s in found if len(s) >= 4), key=len, reverse=True)


class _Text(HTMLParser):
    """Visible text and the attributes a reader meets; code, ids and hashes left out."""

    SKIP_TAGS = frozenset({"script", "style", "code"})
    SKIP_CLASSES = frozenset({"mid", "hash", "mono"})
    VOID = frozenset({"br", "img", "meta", "link", "input", "hr", "wbr", "col", "source"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.parts: list[str] = []
        self.fallbacks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        # A text in another language than the page's is marked with its lang (a fallback).
        fallback = tag != "html" and bool(a.get("lang"))
        skip = (
            tag in self.SKIP_TAGS
            or bool(classes & self.SKIP_CLASSES)
            or a.get("translate") == "no"
            or fallback
        )
        if fallback and not any(self.stack[-1:]):
            self.fallbacks.append(f"<{tag} lang={a['lang']}>")
        if tag not in self.VOID:
            self.stack.append(skip or any(self.stack[-1:]))
        if not (skip or any(self.stack[-1:])):
            self.parts += [v for k, v in attrs if k in ("title", "alt", "aria-label") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not any(self.stack[-1:]):
            self.parts.append(data)


def english_left(
    html: str, english: set[str], shared: set[str], recorded: list[str]
) -> tuple[Counter[str], Counter[str]]:
    """English words of a page (with where they stand), and its texts marked as shown in
    another language (rubric texts the rubric lacks in the page's language)."""
    parser = _Text()
    parser.feed(html)
    found: Counter[str] = Counter()
    for part in parser.parts:
        text = part
        for data in recorded:
            if data in text:
                text = text.replace(data, " ")
        for word in _words(text):
            if word in english and word not in shared:
                found[f"{word!r} in {' '.join(part.split())[:90]!r}"] += 1
    return found, Counter(parser.fallbacks)


EXAMPLE_MISSIONS = [
    m["id"] for m in yaml.safe_load((EXAMPLES / "missions.yaml").read_text("utf-8"))["missions"]
]
LOOSE = re.compile(r"(?<!\u202f)[:;!?](?=\s|$)|(?<=[^\W\d_])[:;!?](?!\d)")
"""High punctuation French writes without its narrow no-break space: after a plain space or
none (``Note :``, ``oui: 100``); ``09:15`` and ``statistics.csv:4`` are not prose."""


def loose_punctuation(html: str, recorded: list[str]) -> Counter[str]:
    """Where a page's French prose sets ``:`` ``;`` ``!`` or ``?`` without a narrow no-break
    space, once the data quoted as recorded, ids, codes and URLs are taken out."""
    parser = _Text()
    parser.feed(html)
    found: Counter[str] = Counter()
    for part in parser.parts:
        # URLs and file:line provenance first (a recorded "2771" must not leave "missions.yaml:")
        text = re.sub(r"https?://\S*|\S+\.\w+:\d+", " ", part)
        for data in recorded:
            if data in text:
                text = text.replace(data, " ")
        for m in LOOSE.finditer(text):
            # (the narrow no-break space kept as such: str.split would take it for a space)
            found[re.sub(r"[ \t\r\n]+", " ", text[max(0, m.start() - 30) : m.end() + 10])] += 1
    return found


@pytest.fixture(scope="module")
def run() -> Run:
    return analyse(
        EXAMPLES,
        Settings(bootstrap=50, sensitivity=SensitivitySettings(runs=32)),
    )


@pytest.fixture(scope="module")
def vocabulary(run: Run) -> tuple[set[str], list[str]]:
    return _english(), _as_recorded(EXAMPLES, run)


@pytest.fixture(scope="module")
def pages(run: Run) -> dict[str, dict[str, str]]:
    """Every example report (the comparison and each mission's) in each non-English language."""
    out: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        ctx = report.report_context(run, lang=lang, date=dt.date(2024, 7, 1))
        out[lang] = {"comparison": report.render_html(ctx)}
        for mission in run.missions:
            ctx = report.report_context(run, lang=lang, mission=mission)
            out[lang][mission] = report.render_html(ctx)
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_no_english_in_any_example_report(
    run: Run, pages: dict[str, dict[str, str]], vocabulary: tuple[set[str], list[str]], lang: str
) -> None:
    english, recorded = vocabulary
    left = {}
    for name, html in pages[lang].items():
        found, _ = english_left(html, english, SHARED[lang], recorded)
        if found:
            left[name] = dict(found.most_common(12))
    message = "\n".join(f"{name}: {found}" for name, found in left.items())
    if left and lang not in run.rubric.languages:
        # Texts of the bundled rubric not yet written in this language are shown in English.
        words = sum(sum(found.values()) for found in left.values())
        pytest.xfail(f"the bundled rubric does not declare {lang}: {words} English words left")
    assert left == {}, message


@pytest.mark.parametrize("lang", LANGS)
def test_every_rubric_text_is_in_the_report_language(
    run: Run, pages: dict[str, dict[str, str]], vocabulary: tuple[set[str], list[str]], lang: str
) -> None:
    english, recorded = vocabulary
    marked = {
        name: sum(english_left(html, english, SHARED[lang], recorded)[1].values())
        for name, html in pages[lang].items()
    }
    if lang not in run.rubric.languages:
        pytest.skip(
            f"the bundled rubric does not declare {lang}: {sum(marked.values())} of its texts "
            "are shown in another language, marked"
        )
    assert {k: v for k, v in marked.items() if v} == {}


def test_the_detector_finds_english() -> None:
    english = {"the", "score", "answers", "mean"}
    page = (
        "<html lang='es'><body><p>Puntuación <b>mean</b> of <code>the.score</code></p>"
        "<p title='the answers'>x</p><p translate='no'>the score</p>"
        "<p>Fuentes: the score as recorded</p><span lang='en'>Rights</span>"
        "<span class='mid'>answers</span><script>var the = 1;</script></body></html>"
    )
    found, marked = english_left(page, english, set(), ["the score as recorded"])
    assert {k.split(" in ")[0] for k in found} == {"'mean'", "'the'", "'answers'"}
    assert marked == Counter({"<span lang=en>": 1})
    found, _ = english_left(page.replace("mean", "media"), english, {"the", "answers", "score"}, [])
    assert found == Counter()


def test_french_prose_sets_a_narrow_no_break_space_before_high_punctuation(
    pages: dict[str, dict[str, str]], vocabulary: tuple[set[str], list[str]]
) -> None:
    # The catalogue, the rubric's French texts, the workspace title and the rule texts built
    # from them; sources and notes quoted from the data stay as recorded.
    _, recorded = vocabulary
    found = {name: loose_punctuation(html, recorded) for name, html in pages["fr"].items()}
    assert {name: f for name, f in found.items() if f} == {}
    assert len(found) == 1 + len(EXAMPLE_MISSIONS)


def test_french_recommendations_in_markdown_space_their_punctuation(
    tmp_path: Path, vocabulary: tuple[set[str], list[str]]
) -> None:
    from ovm.cli.app import main

    _, recorded = vocabulary
    out = tmp_path / "rec.md"
    argv = ["recommend", str(EXAMPLES), "-q", "--bootstrap", "0", "--mission", "mex-2024"]
    assert main([*argv, "--lang", "fr", "-o", str(out)]) == 0
    text = out.read_text("utf-8")
    # each evidence line: the input, its value, then its source as recorded (after " — ")
    prose = [line.split(" — ")[0] for line in text.splitlines()]
    assert "Éléments probants\u202f:" in prose
    page = "".join(f"<p>{line}</p>" for line in prose if line)
    assert loose_punctuation(page, recorded) == Counter()


def test_the_punctuation_detector_finds_loose_french() -> None:
    page = (
        "<html lang='fr'><body><p>Distance au meilleur : droits</p><p>oui: 100 · non\u202f: 0</p>"
        "<p>ouvert à 09:15, statistics.csv:4, https://x.org/a?b</p><p>Note\u202f; fin\u202f!</p>"
        "<p>Source: as recorded</p><code>a: b</code><span class='mid'>x;</span></body></html>"
    )
    assert loose_punctuation(page, ["Source: as recorded"]) == Counter(
        {"Distance au meilleur : droits": 1, "oui: 100 · non": 1}
    )
