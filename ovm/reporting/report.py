"""Reports: scores and comparisons turned into a plain context, then into HTML, JSON or XLSX.

The renderer is split in two (results -> context -> template): :func:`comparison_context` and
:func:`mission_context` compute everything a report shows and format every number, so the
templates only lay the context out. The context is plain JSON-able data: ``--format json``
writes it as is, and :func:`render_xlsx` turns it into a workbook.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

import jinja2

from ovm import __version__
from ovm.comparison.ranking import IMPUTED, IMPUTED_STATUS, imputed_nodes, not_scored
from ovm.countries import country_name, region_name
from ovm.data.observations import Provenance
from ovm.i18n import (
    LANGUAGES,
    Translator,
    coded,
    decimal_separator,
    fixed,
    format_date,
    format_number,
    format_percent,
    method_words,
    number_formatter,
    translator,
)
from ovm.indicators import DEFAULT_SCALE, Band, Scale
from ovm.indicators.registry import kind_of
from ovm.indicators.text import Wording, number, with_unit, wording
from ovm.reporting.own import OwnData
from ovm.rubric.model import Group, Indicator, Rubric, along
from ovm.runtime import paused_gc
from ovm.scoring.critical import CODE as CRITICAL
from ovm.scoring.critical import critical_indicators, held_down
from ovm.scoring.critical import named as critical_named
from ovm.scoring.results import Finding, InputValue, NodeScore, Scorecard, ScoreSet, SiteNote
from ovm.scoring.shares import nominal_shares

if TYPE_CHECKING:
    from ovm.comparison.cohort import Comparison
    from ovm.comparison.recommend import Recommendation, Reference
    from ovm.comparison.sensitivity import Sensitivity
    from ovm.data.observations import LoadReport, Observations
    from ovm.data.places import PlanCoverage
    from ovm.errors import Issue
    from ovm.pipeline import Run

Context = dict[str, Any]
"""A report context: plain JSON-able data, every number already formatted."""

REPORT_FORMAT = "ovm-report/2"
TONES = 6
"""Colour steps of the band palette (``tone-0`` worst .. ``tone-5`` best) in ``report.css``."""
COLUMNS_PER_TABLE = 8
"""Missions per indicator table in a family section; more missions split the table."""
EVIDENCE_LIMIT = 3
"""Tied best performers whose evidence is shown in full; the others are listed."""
DEFAULT_SENSITIVITY_RUNS = 300
TEMPLATES = {"comparison": "comparison.html.j2", "mission": "mission.html.j2"}
TOP_RECOMMENDATIONS = 3
"""Recommendations per mission in the comparison's "what each country should fix"."""
PROBLEMS_SHOWN = 20
"""Rejected cells, or warnings, of one code that the data-quality section lists; the rest are
counted (``ovm check`` lists every one): a plausibility check may flag every visit."""
MISSION_REPORT_FILE = "mission-{id}.html"
"""Where the comparison expects each mission's report, next to it: ``ovm report --mission ID
-o mission-ID.html``. A recommendation's detail is at ``#rec-<recommendation id>`` there."""

Label = dict[str, Any]


# --- small formatting helpers ----------------------------------------------------------------


def text_label(text: Mapping[str, str] | str | None, lang: str) -> Label:
    """Text in ``lang`` as ``{text, lang, fallback}``; ``fallback`` says it is in another language.

    Templates mark a fallback (the text in English where Spanish was asked) visibly. The text is
    :func:`ovm.indicators.text.wording`'s (punctuated as ``lang`` writes it when in ``lang``).
    """
    return _wording(wording(text, lang))


def _plain(text: str) -> Label:
    return {"text": text, "lang": None, "fallback": False}


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def _coded(label: Label) -> Label:
    """A message's label with its code spans (```headline: none```) out of its text, which
    every format shows without the backticks, and in ``parts`` (the text cut at them, every
    second part a span) for the HTML to set as code."""
    parts = _CODE_SPAN.split(label["text"])
    if len(parts) == 1:
        return label
    return {**label, "text": "".join(parts), "parts": parts}


def _note(note: str | None) -> dict[str, Any]:
    """A recommendation's ``gain_note`` as the outputs show it, without backticks, and
    ``gain_note_parts`` where it holds a code span (see :func:`_coded`)."""
    if not note:
        return {"gain_note": None}
    said = _coded(_plain(note))
    if "parts" not in said:
        return {"gain_note": note}
    return {"gain_note": said["text"], "gain_note_parts": said["parts"]}


def _wording(w: Wording) -> Label:
    """A kind's text for a reader as a label (marked when it fell back to another language)."""
    return {"text": w.text, "lang": w.lang, "fallback": w.lang is not None}


def _english(text: str, lang: str) -> Label:
    """Text only available in English (engine messages): marked when the report is not."""
    if lang == "en":
        return _plain(text)
    return {"text": text, "lang": "en", "fallback": True}


def _cut_range(text: str) -> tuple[str, str, str] | None:
    """A range's text (``{low}–{high}``) as the literal texts before, between and after its
    two numbers; None when it is any other shape (the numbers the other way round, a format
    spec), which is then filled by ``str.format``."""
    import string

    literals, fields = [""], []
    for literal, name, spec, conv in string.Formatter().parse(text):
        literals[-1] += literal
        if name is not None:
            fields.append((name, spec, conv))
            literals.append("")
    if fields != [("low", "", None), ("high", "", None)]:
        return None
    return literals[0], literals[1], literals[2]


def _anchor(prefix: str, ident: str) -> str:
    return f"{prefix}-" + re.sub(r"[^A-Za-z0-9_-]", "-", ident)


def critical_anchor(mission: str, indicator: str) -> str:
    """The anchor of a mission's ``critical-indicator`` finding on ``indicator``: where a band
    it caps points to."""
    return _anchor("finding", f"{mission}-{indicator}")


# --- template loading ------------------------------------------------------------------------


def packaged_templates() -> jinja2.BaseLoader:
    """The loader of the templates shipped with ovm.

    An installed wheel holds them as ``ovm/_templates``; a source checkout (editable install)
    keeps them in ``reports/templates`` next to the package.
    """
    try:
        shipped = resources.files("ovm").joinpath("_templates")
        if shipped.is_dir():
            return jinja2.PackageLoader("ovm", "_templates")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    source_tree = Path(__file__).resolve().parents[2] / "reports" / "templates"
    if not source_tree.is_dir():
        raise FileNotFoundError(
            "ovm's report templates are missing: neither ovm/_templates (installed wheel) nor "
            f"{source_tree} (source checkout) exists"
        )
    return jinja2.FileSystemLoader(str(source_tree))


def environment(lang: str = "en", templates: str | Path | None = None) -> jinja2.Environment:
    """The Jinja environment of the reports: ``templates`` (a folder) overrides packaged files.

    Autoescaping is on for every template and string, undefined names raise, and the global
    ``t(msgid, **params)`` gives the fixed texts of the report in ``lang``. One environment
    serves every report of a language and template folder (it keeps the compiled templates:
    ``--with-missions`` renders dozens of pages), and the compiled templates are kept on disk
    for the next process (:mod:`ovm.reporting.cache`).
    """
    folder = None
    if templates is not None:
        folder = Path(templates).resolve()
        if not folder.is_dir():
            raise FileNotFoundError(f"no template folder at {templates}")
    from ovm.reporting.cache import user_cache_dir

    cache = user_cache_dir()
    return _environment(
        lang, None if folder is None else str(folder), None if cache is None else str(cache)
    )


_ENVIRONMENT_OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}
_AUTOESCAPE = {"default": True, "default_for_string": True}


@functools.lru_cache(maxsize=16)
def _environment(lang: str, templates: str | None, cache: str | None) -> jinja2.Environment:
    from ovm.reporting.cache import template_cache

    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        loaders.append(jinja2.FileSystemLoader(templates))
    loaders.append(packaged_templates())
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(
            default=_AUTOESCAPE["default"], default_for_string=_AUTOESCAPE["default_for_string"]
        ),
        # Compiled templates kept on disk: a new process renders without compiling them again.
        bytecode_cache=(
            template_cache(
                Path(cache), repr(sorted({**_ENVIRONMENT_OPTIONS, **_AUTOESCAPE}.items()))
            )
            if cache is not None
            else None
        ),
        **_ENVIRONMENT_OPTIONS,
    )
    env.globals["t"] = translator(lang)
    return env


# --- the context builder -------------------------------------------------------------------


class _Builder:
    """Formats scores of one score set in one language (shared by both report kinds)."""

    def __init__(
        self,
        scores: ScoreSet,
        rubric: Rubric,
        lang: str,
        root: str | Path | None = None,
        spans: Mapping[str, tuple[float, float]] | None = None,
        on_scale: ScoreSet | None = None,
    ) -> None:
        if lang not in LANGUAGES:
            raise ValueError(
                f"unsupported report language {lang!r}; use one of {', '.join(LANGUAGES)}"
            )
        self.scores = scores
        self.rubric = rubric
        self.lang = lang
        self.spans = spans or {}
        """The nodes whose scores lie on the comparison's output range (its bands read there)."""
        self.on_scale = on_scale
        """Under z-scores or ranks, the scores on the rubric's own scale a mission's report
        shows (:meth:`ovm.comparison.cohort.Comparison.judged`): their bands are capped and
        their values imputed as the comparison's are."""
        self.t: Translator = translator(lang)
        self.root = Path(root) if root is not None else None
        self._band_cache: dict[str, list[Label]] = {}
        self._label_cache: dict[str, Label] = {}
        self._pct_cache: dict[tuple[float, int], str] = {}
        self._tone_cache: dict[tuple[str, int | None], str] = {}
        self._text_cache: dict[tuple[str, str], str] = {}
        self._cell_cache: dict[tuple[int, str], tuple[NodeScore | None, dict[str, Any]]] = {}
        self._mission_cache: dict[int, tuple[Scorecard, dict[str, Any]]] = {}
        # Every score and interval end is written with one decimal: tens of thousands of them.
        self._num1 = number_formatter(lang, 1)
        self._range: str | None = None
        self._range_cut: tuple[str, str, str] | None = None
        self._root: Path | None = None
        self._file_cache: dict[str, str] = {}
        self._anchor_cache: dict[str, str] = {}
        self._gain_cache: dict[tuple[str, str, str], str] = {}
        self._band_words: dict[tuple[str, int | None, float | None, str | None], Any] = {}
        self._edges: dict[str, list[float]] = {}
        self._held: dict[int, tuple[NodeScore, dict[str, Any], Scorecard]] | None = None
        self._imputed: dict[int, NodeScore] | None = None
        self._shares: dict[str, float | None] | None = None
        self._own: OwnData | None = None

    # numbers
    def count(self, n: int) -> str:
        """A count as the report's language writes it (1,234 in English, 1.234 in Spanish)."""
        return format_number(n, self.lang, 0)

    def num(self, x: float | None, digits: int = 1) -> str:
        if x is None or not math.isfinite(x):
            return "—"
        if digits == 1:
            return self._num1(x)
        return format_number(x, self.lang, digits)

    def score_text(self, score: float | None, node_id: str) -> str:
        """A node's score with one decimal, or more where one would carry the figure into the
        next band (39.99, not 40.0, for a score below a band that starts at 40)."""
        if score is None or not math.isfinite(score):
            return "—"
        edges = self._edges.get(node_id)
        span = self.spans.get(node_id)
        if edges is None:
            node = None if node_id == "overall" else self.node(node_id)
            edges = sorted(
                {e for band in self.rubric.bands_for(node) for e in (band.low, band.high)}
            )
            scale = self.rubric.scale_for(node)
            own = (scale.min, scale.max)
            if span is not None and span != own:
                # The edges where the bands fall along the range the score was put on.
                edges = [along(e, own, span) for e in edges]
            self._edges[node_id] = edges
        # One decimal moves a figure by 0.05 at most: only a score that close to an edge can
        # be carried over it, and the rubric is asked only then (round() costs more than
        # the tens of thousands of cells can spare).
        i = bisect.bisect_left(edges, score - 0.0501)
        if i < len(edges) and edges[i] <= score + 0.0501 and round(score, 1) != score:
            # A figure one decimal writes exactly (0.0 and 100.0 fill many cells, on the
            # edges themselves) stays in its band whatever the edges: only others are asked.
            node = None if node_id == "overall" else self.node(node_id)
            return self.num(score, self.rubric.shown_digits(node, score, span=span))
        return self._num1(score)

    def pct(self, share: float | None, digits: int = 0) -> str:
        if share is None or not math.isfinite(share):
            return "—"
        # CLDR's percent formatting is slow and a cohort repeats few shares: each is formatted
        # once.
        key = (share, digits)
        text = self._pct_cache.get(key)
        if text is None:
            text = self._pct_cache[key] = format_percent(share, self.lang, digits)
        return text

    def weight_share(self, share: float | None) -> str:
        """A node's share of a score, as every report prints one: one decimal, so that eight
        parts of 12.5 % add up to 100 % and not to 96 %."""
        return self.pct(share, 1)

    def value(self, x: float) -> str:
        """A measured value: as many decimals as it needs, at most three."""
        return number(x, self.lang)

    def rating(self, rating: float) -> str:
        """A band's rating as the index publishes it ("rating 7")."""
        key = ("rating", repr(rating))
        found = self._text_cache.get(key)
        if found is None:
            found = self._text_cache[key] = self.t("band_rating", rating=self.value(rating))
        return found

    def rec_anchor(self, rec_id: str) -> str:
        """The anchor of a recommendation's detail (``rec-<id>``): a cohort's missions draft
        the same few dozen recommendations."""
        found = self._anchor_cache.get(rec_id)
        if found is None:
            found = self._anchor_cache[rec_id] = _anchor("rec", rec_id)
        return found

    def gain_text(self, gain: float, shown: str | None, gain_on: str, label: str) -> str:
        """A recommendation's gain in words (:func:`ovm.comparison.recommend.gain_text`), from
        the number already written beside it (``shown``) where it is finite."""
        from ovm.comparison.recommend import gain_text, gain_words

        if shown is None or not math.isfinite(gain):
            return gain_text(gain, gain_on, label, self.lang)
        # A cohort's recommendations show few distinct gains: each sentence is worded once.
        key = (shown, gain_on, label)
        found = self._gain_cache.get(key)
        if found is None:
            found = self._gain_cache[key] = gain_words(shown, gain_on, label, self.lang)
        return found

    def span(self, lo: float, hi: float, digits: int = 1) -> str:
        if self._range is None:
            self._range = self.t.text("range")
            self._range_cut = _cut_range(self._range)
        if digits == 1:
            num1, finite = self._num1, math.isfinite
            low = num1(lo) if finite(lo) else "—"
            high = num1(hi) if finite(hi) else "—"
        else:
            low, high = self.num(lo, digits), self.num(hi, digits)
        cut = self._range_cut
        if cut is None:
            return self._range.format(low=low, high=high)
        # Joined from the text cut once: str.format on every cell's interval showed.
        return cut[0] + low + cut[1] + high + cut[2]

    # labels
    def label(self, node_id: str) -> Label:
        if node_id not in self._label_cache:
            if node_id == "overall":
                self._label_cache[node_id] = _plain(self.t("overall"))
            elif node_id in self.rubric.nodes:
                self._label_cache[node_id] = text_label(self.rubric.node(node_id).labels, self.lang)
            else:
                self._label_cache[node_id] = _plain(node_id)
        return self._label_cache[node_id]

    def node_name(self, node_id: str) -> str:
        """A node as the report's sentences name it: its label in the report's language."""
        return str(self.label(node_id)["text"])

    def node(self, node_id: str) -> Group | Indicator | None:
        placed = self.rubric.nodes.get(node_id)
        return placed.node if placed is not None else None

    def bands(self, node_id: str) -> list[Label]:
        if node_id not in self._band_cache:
            node = None if node_id == "overall" else self.node(node_id)
            self._band_cache[node_id] = [
                text_label(b.label, self.lang) for b in self.rubric.bands_for(node)
            ]
        return self._band_cache[node_id]

    def tone(self, node_id: str, band: int | None) -> str:
        key = (node_id, band)
        found = self._tone_cache.get(key)
        if found is None:
            found = self._tone_cache[key] = self._tone(node_id, band)
        return found

    def status(self, status: str) -> str:
        """A score's status in the report's language (``status_scored``...)."""
        key = ("status", status)
        found = self._text_cache.get(key)
        if found is None:
            found = self._text_cache[key] = self.t(f"status_{status}")
        return found

    def _tone(self, node_id: str, band: int | None) -> str:
        n = len(self.bands(node_id))
        if band is None or n == 0:
            return "tone-none"
        known = node_id == "overall" or node_id in self.rubric.nodes
        if known and self.rubric.scale_of(node_id).better == "lower":
            # Bands run from the lowest score: where lower is better the first is the best.
            band = n - 1 - band
        step = TONES - 1 if n == 1 else round(band * (TONES - 1) / (n - 1))
        return f"tone-{min(TONES - 1, max(0, step))}"

    def file(self, path: str | None) -> str:
        if not path:
            return ""
        if self.root is None:
            return path
        # A report names the same few files thousands of times (each input's provenance):
        # each is resolved on the file system once.
        found = self._file_cache.get(path)
        if found is None:
            if self._root is None:
                self._root = self.root.resolve()
            try:
                found = Path(path).resolve().relative_to(self._root).as_posix()
            except ValueError:
                found = path
            self._file_cache[path] = found
        return found

    # scores
    def cell(self, ns: NodeScore | None, node_id: str | None = None) -> dict[str, Any]:
        """A score as the templates show it: number, band label, tone, interval, coverage.

        A score shown in several places (overview, family table, profile) is formatted once:
        the same dict serves each (templates and writers only read it)."""
        nid = node_id or (ns.node if ns is not None else "")
        key = (id(ns), nid)
        found = self._cell_cache.get(key)
        # the score is kept beside its cell so that a recycled id() is never mistaken for it
        if found is not None and found[0] is ns:
            return found[1]
        made = self._cell(ns, nid)
        self._cell_cache[key] = (ns, made)
        return made

    def _cell(self, ns: NodeScore | None, node_id: str | None = None) -> dict[str, Any]:
        if ns is None:
            return self._unscored("missing", 0.0)
        nid = node_id or ns.node
        if ns.status != "scored" or ns.score is None:
            return self._unscored(ns.status, ns.coverage)
        # What a node's band says (its label, rating and tone) is the same for every mission
        # in that band: worded once.
        key = (nid, ns.band, ns.rating, ns.band_label)
        band = self._band_words.get(key)
        if band is None:
            band = self._band_words[key] = self._band_part(ns, nid)
        made = self._scored_cell(ns, nid, band)
        if ns.band == 0:
            cap = self._cap(ns)
            if cap is not None:
                made["cap"] = cap
        if self._is_imputed(ns):
            # The status every output gives a score that is the cohort's mean.
            made["status"] = IMPUTED_STATUS
            made["status_text"] = self.t("value_imputed")
            made["imputed"] = True
        return made

    def _is_imputed(self, ns: NodeScore) -> bool:
        """Whether a score is an imputed value (:func:`ovm.comparison.ranking.imputed_nodes`)."""
        if self._imputed is None:
            self._imputed = {
                id(held): held
                for scores in self._score_sets()
                for card in scores.scorecards
                for held in map(card.node, sorted(imputed_nodes(card)))
            }
        return self._imputed.get(id(ns)) is ns

    def _score_sets(self) -> tuple[ScoreSet, ...]:
        """The scores the reports show: the comparison's, and under z-scores or ranks those on
        the rubric's own scale a mission's report shows."""
        return (self.scores,) if self.on_scale is None else (self.scores, self.on_scale)

    def imputed_shown(self, cards: Sequence[Scorecard]) -> bool:
        """Whether any of ``cards`` has an imputed value (the legend then says what the mark
        means)."""
        return any(imputed_nodes(card) for card in cards)

    def _scored_cell(self, ns: NodeScore, nid: str, band: dict[str, Any]) -> dict[str, Any]:
        score, coverage, interval = ns.score, ns.coverage, ns.interval
        if interval:
            lo, hi = interval
            return {
                "text": self.score_text(score, nid),
                "value": score,
                **band,
                "interval": self.span(lo, hi),
                "interval_low": lo,
                "interval_high": hi,
                "coverage": self.pct(coverage),
                "coverage_value": coverage,
                "scored": True,
            }
        return {
            "text": self.score_text(score, nid),
            "value": score,
            **band,
            "interval": None,
            "interval_low": None,
            "interval_high": None,
            "coverage": self.pct(coverage),
            "coverage_value": coverage,
            "scored": True,
        }

    def _cap(self, ns: NodeScore) -> dict[str, Any] | None:
        """What holds a score's band below the band its score falls in (a critical indicator,
        as :func:`ovm.scoring.critical.held_down` reads the scorecard's findings, as the score
        files' ``capped_by`` does): the
        indicator, the sentence that says so, the finding's anchor and the id of the legend's
        note that explains it; None when nothing does.
        """
        found = self._held_bands().get(id(ns))
        return found[1] if found is not None and found[0] is ns else None

    def _held_bands(self) -> dict[int, tuple[NodeScore, dict[str, Any], Scorecard]]:
        """Every band a critical indicator holds down, by the identity of its node's score
        (with the cap and its scorecard), read once for the run: in the comparison's scores
        and, under z-scores or ranks, in the scores on the rubric's scale a mission's report
        shows (each set capped on its own scale where it was made)."""
        if self._held is None:
            self._held = {}
            for scores in self._score_sets():
                for card in scores.scorecards:
                    self._hold(card)
        return self._held

    def _hold(self, card: Scorecard) -> None:
        """Record the bands a critical indicator holds down in ``card``."""
        assert self._held is not None
        for node_id, indicator in held_down(card).items():
            held = card.node(node_id)
            name = self.label(indicator)
            self._held[id(held)] = (
                held,
                {
                    "indicator": indicator,
                    "label": name,
                    "text": self.t("band_capped_by", indicator=name["text"]),
                    "href": "#" + critical_anchor(card.mission.id, indicator),
                    "note": _anchor("capped", indicator),
                },
                card,
            )

    def cap_notes(self, cards: Sequence[Scorecard]) -> list[dict[str, Any]]:
        """The legend's notes on the "capped" mark: one per critical indicator that holds a
        band of these missions down, in the rubric's order. Each mark points to its note
        (``aria-describedby``) rather than repeating the sentence: a large comparison has
        hundreds of marks."""
        shown = {id(c) for c in cards}
        notes: dict[str, dict[str, Any]] = {}
        for _, cap, card in self._held_bands().values():
            if id(card) in shown and cap["indicator"] not in notes:
                notes[cap["indicator"]] = {
                    k: cap[k] for k in ("indicator", "label", "text", "note")
                }
        order = {p.node.id: i for i, p in enumerate(self.rubric.walk())}
        return sorted(notes.values(), key=lambda n: order.get(n["indicator"], len(order)))

    def _band_part(self, ns: NodeScore, nid: str) -> dict[str, Any]:
        """The fields of a scored cell from ``status`` to ``tone``, in the cell's order."""
        band = ns.band
        band_label = None
        if band is not None:
            labels = self.bands(nid)
            if 0 <= band < len(labels):
                band_label = labels[band]
            elif ns.band_label:
                band_label = _english(ns.band_label, self.lang)
        return {
            "status": "scored",
            "status_text": self.status("scored"),
            "band": band,
            "band_label": band_label,
            # The band's rating, as the index publishes it ("rating 7"), beside its label.
            "rating": (
                self.rating(ns.rating) if band_label is not None and ns.rating is not None else None
            ),
            "tone": self.tone(nid, band),
        }

    def _unscored(self, status: str, coverage: float) -> dict[str, Any]:
        """The cell of a score not scored (or missing): its status says why."""
        return {
            "text": "—",
            "value": None,
            "status": status,
            "status_text": self.status(status),
            "band": None,
            "band_label": None,
            "rating": None,
            "tone": "tone-none",
            "interval": None,
            "interval_low": None,
            "interval_high": None,
            "coverage": self.pct(coverage),
            "coverage_value": coverage,
            "scored": False,
        }

    def mission(self, card: Scorecard) -> dict[str, Any]:
        """A mission as reports name it; made once per scorecard (a cohort names each mission
        in many places: tables, findings, lists of best performers)."""
        found = self._mission_cache.get(id(card))
        if found is not None and found[0] is card:
            return found[1]
        made = self._mission(card)
        self._mission_cache[id(card)] = (card, made)
        return made

    def _mission(self, card: Scorecard) -> dict[str, Any]:
        m = card.mission
        return {
            "id": m.id,
            "name": text_label(m.name, self.lang),
            "country": m.country or m.entity,
            # An entity without a country code is named by its own id.
            "country_name": country_name(m.country or m.key, self.lang),
            "date": m.election_date.isoformat(),
            "date_text": format_date(m.election_date, self.lang),
            "year": str(m.election_date.year),
            "election": (
                self.t(f"election_type_{m.election_type}")
                if self.t.has(f"election_type_{m.election_type}")
                else m.election_type
            ),
            "round": str(m.round),
            "region": m.region,
            "simulated": card.simulated,
            "anchor": _anchor("mission", m.id),
        }

    # inputs and evidence
    def input_name(self, inp: InputValue) -> Label:
        if "@" in inp.name:
            # a comparative input: a node's score at another mission of the cohort
            node_id, _, mission = inp.name.partition("@")
            label = self.label(node_id)
            return {**label, "text": f"{label['text']} ({mission})"}
        if inp.kind == "variable":
            try:
                return text_label(self.rubric.variable(inp.name).labels, self.lang)
            except KeyError:
                return _plain(inp.name)
        return self.label(inp.name)

    def answer_text(self, node_id: str, key: str) -> Label:
        node = self.node(node_id)
        if node is None or isinstance(node, Group):
            return _plain(key)
        return _wording(kind_of(node).value_text(node, key, self.lang))

    def input_value(self, inp: InputValue) -> Label:
        if inp.status != "value" or inp.value is None:
            return _plain(
                self.t(f"status_{inp.status}" if inp.status != "value" else "status_missing")
            )
        if inp.kind == "answer":
            return self.answer_text(inp.name, str(inp.value))
        if isinstance(inp.value, str):
            return _plain(inp.value)
        if inp.kind == "question":
            node = self.node(inp.name)
            if node is not None and not isinstance(node, Group):
                return _wording(kind_of(node).value_text(node, inp.value, self.lang))
            return _plain(self.value(inp.value))
        if inp.kind == "node":
            # A node's score as the annex gives every node score, so the two scores a change
            # or a distance is computed from are written to one precision.
            return _plain(self.score_text(inp.value, inp.name.partition("@")[0]))
        text = self.value(inp.value)
        if inp.kind == "variable":
            try:
                var = self.rubric.variable(inp.name)
            except KeyError:
                return _plain(text)
            text = with_unit(text, var.unit_text(self.lang, inp.value), var.unit_is_name, self.lang)
        return _plain(text)

    def provenance(self, prov: Provenance | None) -> list[str]:
        if prov is None:
            return []
        parts = []
        source, note = prov.worded(self.lang)
        if source:
            parts.append(source)
        if prov.date:
            parts.append(prov.date.isoformat())
        if prov.confidence:
            parts.append(self.t("confidence_is", level=self.t(f"confidence_{prov.confidence}")))
        if prov.recorded_by:
            parts.append(self.t("recorded_by", who=prov.recorded_by))
        if note:
            parts.append(note)
        if prov.file:
            where = self.file(prov.file)
            parts.append(f"{where}:{prov.line}" if prov.line else where)
        return parts

    def input_item(self, inp: InputValue) -> dict[str, Any]:
        details = None
        if inp.kind == "question" and inp.n is not None:
            parts = []
            if inp.accepted is not None:
                parts.append(self.t("answers_accepted", accepted=str(inp.accepted), n=str(inp.n)))
            else:
                parts.append(self.t("answers_n", n=str(inp.n)))
            if inp.not_applicable:
                parts.append(self.t("answers_na", n=str(inp.not_applicable)))
            if inp.not_observed:
                parts.append(self.t("answers_not_observed", n=str(inp.not_observed)))
            details = f"{self.t.semicolon} ".join(parts)
        return {
            "id": inp.name,
            "name": self.input_name(inp),
            "kind": inp.kind,
            "status": inp.status,
            "value": self.input_value(inp),
            "details": details,
            "simulated": inp.simulated,
            "sources": self.provenance(inp.provenance),
        }

    def note(self, note: SiteNote) -> dict[str, Any]:
        place = ", ".join(x for x in (note.city, note.country) if x)
        return {
            "site": note.site or "",
            "place": place,
            "observer": note.observer or "",
            "visited_at": note.visited_at or "",
            "text": note.text,
            "simulated": note.simulated,
        }

    def finding(
        self, f: Finding, card: Scorecard | None, of: Scorecard | None = None
    ) -> dict[str, Any]:
        """A finding as reports list it, its mission named when ``card`` is given. A
        ``critical-indicator`` finding of ``card`` (or of ``of``, a mission report's own
        mission) carries the anchor the bands it caps link to."""
        made = {
            "mission": self.mission(card) if card is not None else None,
            "node": f.node,
            "node_label": self.label(f.node) if f.node else None,
            "severity": f.severity,
            "severity_text": self.t(f"severity_{f.severity}"),
            "code": f.code,
            "message": self.finding_message(f, card if card is not None else of),
        }
        mission = card if card is not None else of
        if f.code == CRITICAL and mission is not None and f.node is not None:
            made["anchor"] = critical_anchor(mission.mission.id, f.node)
        return made

    def undefined_why(self, card: Scorecard) -> str | None:
        """Why a mission's overall is undefined, said where its score would be: the group whose
        mean a score of 0 or below left undefined (a geometric or harmonic mean), by label.
        None when the overall is not undefined, or for no such reason."""
        if card.overall.status != "undefined":
            return None
        found = next(
            (
                f
                for f in card.findings
                if f.code == "aggregation-undefined" and f.node not in (None, "overall")
            ),
            None,
        )
        if found is None or found.node is None:
            return None
        mean = method_words(str(found.params.get("method", "")), self.lang)
        return self.t("overall_undefined_why", group=self.node_name(found.node), mean=mean)

    def finding_message(self, f: Finding, card: Scorecard | None = None) -> Label:
        """A finding in the report's language when the catalogue knows its code; a
        ``critical-indicator`` finding of ``card`` names the bands it holds down by label."""
        if f.code == CRITICAL and {"indicator", "nodes"} <= set(f.params):
            params = dict(f.params)
            named = list(critical_named(f))
            if card is not None and "variant" not in params:
                # Recorded by an earlier version, which named every group the cap reached:
                # the bands it holds down are those the capped marks show.
                kept = [n for n in named if self._cap(card.node(n)) is not None]
                if not kept:
                    params["variant"] = "none" if named else "unreached"
                named = kept
            params["nodes"] = ", ".join(named)
            worded = coded(
                "finding", f.code, params, self.lang, text_numbers=True, name=self.node_name
            )
            if worded is not None:
                return _plain(worded)
        shown: Mapping[str, Any] = f.params
        if f.code == IMPUTED and "value" in f.params:
            # The figure as the report shows the score beside it (39.5, not 39.4716).
            with contextlib.suppress(ValueError):
                shown = {**f.params, "value": fixed(float(f.params["value"]), 1)}
        # The catalogue's wording, in English too: its plural forms ("1 mission", "2
        # missions") where an English message recorded by the stage that found it may not,
        # and the nodes it names by their labels in the report's language, not by ids.
        worded = coded("finding", f.code, shown, self.lang, text_numbers=True, name=self.node_name)
        if self.lang == "en":
            return _plain(worded if worded is not None else f.message)
        text = f.message if worded is None else worded
        # A finding recorded without the parts its text needs is said as recorded.
        return _english(text, self.lang) if text == f.message else _plain(text)

    def reason(self, issue: Mapping[str, Any]) -> dict[str, Any]:
        """Why a row was rejected (an issue as the scores file keeps it): its message in the
        report's language when the catalogue knows its code, and the code."""
        from ovm.i18n import coded

        code = str(issue.get("code", ""))
        english = str(issue.get("message", ""))
        params = issue.get("params") or {}
        text = None if self.lang == "en" else coded("issue", code, params, self.lang)
        return {
            "message": _coded(_english(english, self.lang) if text is None else _plain(text)),
            "code": code,
        }

    def owners(self, observations: Observations) -> OwnData:
        """The owners of the rows of ``observations`` (a run's), read once for every report
        this builder makes."""
        if self._own is None or self._own.observations is not observations:
            self._own = OwnData(observations)
        return self._own

    def problems(
        self, issues: Iterable[Issue], owners: OwnData
    ) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        """Problems of the files read, as a report lists them (file, row, column, the mission
        of their row by ``owners``, code, and the message in the report's language), the
        first :data:`PROBLEMS_SHOWN` of each code; and how many more of each code there are."""
        shown: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        for i in issues:
            k = seen[i.code] = seen.get(i.code, 0) + 1
            if k > PROBLEMS_SHOWN:
                continue
            shown.append(
                {
                    "file": self.file(i.file),
                    "row": "" if i.line is None else str(i.line),
                    "column": "" if i.column is None else str(i.column),
                    "mission": owners.mission_of(i) or "",
                    **self.reason({"code": i.code, "message": i.message, "params": i.params}),
                }
            )
        more = [
            {"code": code, "count": self.count(n - PROBLEMS_SHOWN)}
            for code, n in seen.items()
            if n > PROBLEMS_SHOWN
        ]
        return shown, more

    # rules and methodology
    def rule_text(self, node: Group | Indicator, with_formula: bool = True) -> str | None:
        if isinstance(node, Group):
            return None
        return kind_of(node).describe(node, self.lang, self.rubric, with_formula=with_formula)

    def formula_text(self, node: Group | Indicator | None, fallback: str | None) -> str | None:
        if node is None or isinstance(node, Group):
            return fallback
        return kind_of(node).formula_text(node, self.lang) or fallback

    def methodology(self, comparison: Comparison | None = None) -> dict[str, Any]:
        rb, t = self.rubric, self.t
        if self._shares is None:
            self._shares = nominal_shares(rb)
        shares = self._shares
        critical_ids = critical_indicators(rb)
        critical = frozenset(critical_ids)
        tree = []
        for placed in rb.walk():
            node = placed.node
            is_group = isinstance(node, Group)
            share = shares[node.id]
            tree.append(
                {
                    "id": node.id,
                    "label": self.label(node.id),
                    "depth": placed.depth,
                    "is_group": is_group,
                    "kind": node.kind
                    if not is_group
                    else ("family" if placed.depth == 1 else "group"),
                    "kind_text": (
                        kind_of(node).label(self.lang)
                        if not isinstance(node, Group)
                        else t(f"kind_{'family' if placed.depth == 1 else 'group'}")
                    ),
                    "weight": self.value(node.weight),
                    "weight_value": node.weight,
                    # The engine's share where every node is scored, as a mission's drags
                    # and explanations give it; a node that does not count is said so.
                    "share": self.weight_share(share),
                    "share_value": share,
                    "counts": node.contributes,
                    "not_counted": None
                    if node.contributes
                    else t("not_in_overall" if placed.depth == 1 else "not_in_parent"),
                    "critical": node.id in critical,
                    "aggregation": t(f"agg_{node.aggregation}")
                    if isinstance(node, Group)
                    else None,
                    "source": t(f"source_{node.source}") if not isinstance(node, Group) else None,
                    "rule": self.rule_text(node),
                    "formula": (
                        kind_of(node).formula_text(node, self.lang)
                        if not isinstance(node, Group) and kind_of(node).formula_is_code
                        else None
                    ),
                    "references": [{"id": r, "anchor": _anchor("ref", r)} for r in node.references],
                    "anchor": _anchor("method", node.id),
                }
            )
        refs = []
        for ref in rb.references:
            url = ref.url if ref.url and re.match(r"^https?://", ref.url, re.I) else None
            refs.append(
                {
                    "id": ref.id,
                    "title": ref.title,
                    "author": ref.author,
                    "publisher": ref.publisher,
                    "year": str(ref.year) if ref.year is not None else None,
                    "url": ref.url,
                    "href": url,
                    "anchor": _anchor("ref", ref.id),
                }
            )
        bands = []
        for i, band in enumerate(rb.bands):
            bands.append(
                {
                    "label": text_label(band.label, self.lang),
                    "range": self.span(band.low, band.high, 0),
                    "tone": self.tone("overall", i),
                }
            )
        settings = self.comparison_settings(comparison) if comparison is not None else []
        s = self.scores
        return {
            "rubric": {
                "id": rb.id,
                "version": rb.version,
                "sha256": s.rubric.sha256,
                "title": text_label(rb.title, self.lang),
                "description": text_label(rb.description, self.lang) if rb.description else None,
            },
            "data_sha256": s.data_sha256,
            "seed": str(s.seed),
            "bootstrap": str(s.bootstrap),
            "confidence": self.pct(s.confidence),
            "aggregation": t(f"agg_{rb.aggregation}"),
            "min_coverage": self.pct(rb.min_coverage),
            "bands": bands,
            "tree": tree,
            # The cap rule, said once where the rubric marks an indicator critical.
            "critical_rule": (t("critical_rule", capped=t("band_capped")) if critical else None),
            "critical": [
                {"id": c, "label": self.label(c), "anchor": _anchor("method", c)}
                for c in critical_ids
            ],
            "references": refs,
            "comparison_settings": settings,
            "ovm_version": __version__,
        }

    def scale_note(self, comparison: Comparison) -> dict[str, Any] | None:
        """What the scores of a comparison under z-scores or ranks are, said where a report
        would say "scores from 0 to 100": the overview's lead and legend, the best practices'
        note, the workbook. ``kept``: the nodes that keep the rubric's 0-100 scores and bands
        (family 7 kept out of the overall). None under any other normalisation."""
        from ovm.comparison.cohort import kept_on_scale

        t, s = self.t, comparison.settings
        if s.normalisation not in ("zscore", "rank"):
            return None
        kept = kept_on_scale(self.rubric, s)
        mean, sd = s.zscore_scale
        if s.normalisation == "rank":
            lead = t("overview_lead_rank")
        elif (mean, sd) == (0.0, 1.0):
            lead = t("overview_lead_zscore")
        else:
            lead = t(
                "overview_lead_zscore_scaled",
                mean=self.setting_text(mean),
                sd=self.setting_text(sd),
            )
        if kept:
            lead += " " + t("overview_lead_kept")
        return {
            "method": s.normalisation,
            "lead": lead,
            "legend": t(f"legend_unbanded_{s.normalisation}"),
            "best_practices": t("best_practices_on_scale", method=t(f"norm_{s.normalisation}")),
            "fixes": t("fixes_on_scale", method=t(f"norm_{s.normalisation}")),
            "family": t("family_tables_unbanded", method=t(f"norm_{s.normalisation}")),
            "kept": sorted(kept),
        }

    def lies_on(self, node_id: str) -> tuple[float, float]:
        """The range a node's scores lie on (``overall``: the overall's): the comparison's
        output range it was put on, else its own scale. The overview's lead and the legend
        both name it."""
        scale = self.rubric.scale_of(node_id)
        return self.spans.get(node_id) or (scale.min, scale.max)

    def overview_lead(self, fams: Sequence[Group]) -> str:
        """The overview's lead, naming the range its scores lie on: the comparison's output
        range the overall was put on (1 to 10), and the range of each family whose scores lie
        elsewhere (family 7 kept on 0-100 beside it, a family put on 1-10 alone)."""
        t = self.t
        on = self.lies_on

        def number(x: float, r: tuple[float, float]) -> str:
            return self.num(x, 0 if float(x).is_integer() else _edge_digits(r))

        main = on("overall")
        if main == (0.0, 100.0):
            lead = t("overview_lead")
        else:
            lead = t("overview_lead_range", low=number(main[0], main), high=number(main[1], main))
        elsewhere: dict[tuple[float, float], list[str]] = {}
        for f in fams:
            if (r := on(f.id)) != main:
                elsewhere.setdefault(r, []).append(str(self.label(f.id)["text"]))
        for (lo, hi), names in sorted(elsewhere.items()):
            lead += " " + t(
                "overview_lead_elsewhere",
                families=", ".join(str(n) for n in names),
                low=number(lo, (lo, hi)),
                high=number(hi, (lo, hi)),
            )
        return lead

    def comparison_settings(self, comparison: Comparison) -> list[dict[str, Any]]:
        """The settings the comparison was made with, said in the report's language."""
        from ovm.comparison.ranking import TIE_DECIMALS
        from ovm.scoring.aggregate import parse_aggregation

        t, s = self.t, comparison.settings
        norm = s.normalisation
        norm_text = t(f"norm_{norm}")
        aggregation = []
        for node, spec in sorted(s.aggregation.items()):
            method, power = parse_aggregation(spec) if ":" in spec else (spec.strip().lower(), None)
            p = f" (p = {self.setting_text(float(power))})" if power is not None else ""
            aggregation.append(f"{node}{t.colon} {t(f'agg_{method}')}{p}")
        groups = (
            "none"
            if s.imputation != "group_mean"
            else "given"
            if s.groups is not None
            else "region"
        )
        values: dict[str, str] = {
            "normalisation": norm_text,
            "cohort_indicators": (
                t("setting_cohort_rule")
                if norm == "none"
                else t("setting_cohort_by", method=norm_text)
            ),
            "normalised_nodes": (
                self.setting_text(sorted(s.normalise_nodes))
                if s.normalise_nodes is not None
                else t("setting_every_indicator")
                if norm != "none"
                else t("setting_cohort_only")
            ),
            "output_range": self.setting_text(list(s.output_range)),
            "zscore_scale": self.setting_text(list(s.zscore_scale)),
            "targets": self.setting_text(dict(sorted(s.targets.items()))),
            "aggregation": f"{t.semicolon} ".join(aggregation) or "—",
            "imputation": t(f"imputation_{s.imputation}"),
            "groups": t(f"groups_{groups}"),
            "ranking": t("setting_ranking_text", decimals=TIE_DECIMALS),
            "best_practice": t("setting_best_practice_text", bands=s.best_practice_bands),
            "group_intervals": t("setting_group_intervals_text"),
            "missions": str(comparison.missions),
        }
        return [
            {"key": t(f"setting_{key}"), "value": _plain(value)}
            for key, value in sorted(values.items())
        ]

    def setting_text(self, value: Any) -> str:
        """A setting's value as text: numbers with the language's decimal separator, lists and
        mappings joined with a separator that does not clash with it."""
        comma = decimal_separator(self.lang) == ","
        sep = f"{self.t.semicolon} " if comma else ", "
        if isinstance(value, list | tuple):
            return sep.join(self.setting_text(v) for v in value) or "—"
        if isinstance(value, Mapping):
            return (
                sep.join(f"{k}{self.t.colon} {self.setting_text(v)}" for k, v in value.items())
                or "—"
            )
        if isinstance(value, float):
            text = f"{value:g}"
            return text.replace(".", decimal_separator(self.lang))
        if value is None or value == "":
            return "—"
        return str(value)

    def quality(
        self,
        cards: Sequence[Scorecard],
        observations: Observations,
        extra_findings: Iterable[Finding] = (),
        list_info: bool = False,
        own: LoadReport | None = None,
    ) -> dict[str, Any]:
        """Coverage, files, rejected rows, rejected cells and warnings of the files read, and
        findings (``list_info``: list info one by one): the run's, or with ``own`` (a mission's
        report: ``Observations.cohort`` of its one mission) those of the mission, by one rule
        for rows, cells and the files' counts (its own rows, and those that name no mission of
        the workspace), the run's totals said in one sentence (``totals``). Each refused cell
        and warning names the mission of its row, read from the run's ``observations``."""
        s = self.scores
        fams = [f.id for f in self.rubric.families]
        coverage = []
        for card in cards:
            coverage.append(
                {
                    "mission": self.mission(card),
                    "overall": self.pct(card.overall.coverage),
                    "families": [self.pct(_coverage(card, f)) for f in fams],
                    "sites": str(card.sites),
                    "notes": str(card.notes_total),
                    "findings": str(len(card.findings)),
                }
            )
        shown_files = own.files if own is not None else s.files
        warned = own.warnings if own is not None else s.warnings
        files = [
            {
                "file": self.file(f.file),
                "kind": self.t(f"file_kind_{f.kind}")
                if self.t.has(f"file_kind_{f.kind}")
                else f.kind,
                "read": self.count(f.rows_read),
                "used": self.count(f.rows_used),
                "rejected": self.count(f.rows_rejected),
                "excluded": self.count(f.rows_excluded),
                "simulated": f.simulated,
                "unmatched": list(f.unmatched_columns),
            }
            for f in shown_files
        ]
        # Refused cells and warnings are said only where there are some: a report of clean
        # data reads as it did before they were shown.
        problems: dict[str, Any] = {}
        cells_total = sum(fr.cells_rejected for fr in shown_files)
        if cells_total:
            for entry, fr in zip(files, shown_files, strict=True):
                entry["cells"] = self.count(fr.cells_rejected)
            listed, more = self.problems(
                (i for fr in shown_files for i in fr.rejected_cells), self.owners(observations)
            )
            problems["cells"] = {"total": self.count(cells_total), "items": listed, "more": more}
        if own is not None:
            # Every row of a file is the mission's (used, rejected), excluded, or another's:
            # the rows of the other missions, those a --missions cohort leaves out included.
            others = [
                f.rows_read - f.rows_used - f.rows_rejected - f.rows_excluded for f in shown_files
            ]
            if any(others):
                for entry, n in zip(files, others, strict=True):
                    entry["others"] = self.count(n)
                problems["others"] = True
        elif any(fr.rows_outside for fr in s.files):
            # Rows of the missions a --missions cohort leaves out: a column only then.
            for entry, fr in zip(files, s.files, strict=True):
                entry["outside"] = self.count(fr.rows_outside)
            problems["outside"] = True
        if warned:
            listed, more = self.problems(warned, self.owners(observations))
            problems["warnings"] = {
                "total": self.count(len(warned)),
                "items": listed,
                "more": more,
            }
        # A row's reasons as the scores file keeps them (mappings), or as loading made them.
        rows: Iterable[tuple[str, int, str | None, Iterable[Mapping[str, Any]]]] = (
            ((r.file, r.row, r.mission, r.reasons) for r in s.rejected)
            if own is None
            else (
                (r.file, r.row, r.mission, ({**i.as_dict(), "params": i.params} for i in r.reasons))
                for r in own.rejected
            )
        )
        rejected = [
            {
                "file": self.file(file),
                "row": str(row),
                "mission": mission or "",
                "reasons": [self.reason(x) for x in reasons],
            }
            for file, row, mission, reasons in rows
        ]
        all_cells = sum(fr.cells_rejected for fr in s.files)
        if own is not None and len(s.scorecards) > 1 and (s.rejected or all_cells or s.warnings):
            problems["totals"] = self.t(
                "quality_totals",
                n=len(s.scorecards),
                rows=self.count(len(s.rejected)),
                cells=self.count(all_cells),
                warnings=self.count(len(s.warnings)),
            )
        order = {"error": 0, "warning": 1, "info": 2}
        findings = [self.finding(f, None) for f in extra_findings]
        for card in cards:
            findings.extend(self.finding(f, card) for f in card.findings)
        findings.sort(key=lambda f: order.get(f["severity"], 3))
        counts = {k: sum(1 for f in findings if f["severity"] == k) for k in order}
        by_code: dict[str, list[dict[str, Any]]] = {}
        for f in findings:
            if f["severity"] == "info":
                by_code.setdefault(f["code"], []).append(f)
        info_summary = [
            {
                "code": code,
                "count": self.count(len(items)),
                "missions": self.count(
                    len({f["mission"]["id"] for f in items if f["mission"] is not None})
                ),
                "example": items[0]["message"],
            }
            for code, items in sorted(by_code.items(), key=lambda kv: -len(kv[1]))
        ]
        return {
            "families": [self.label(f) for f in fams],
            "coverage": coverage,
            "files": files,
            "rejected": rejected,
            "rejected_total": self.count(len(rejected)),
            **problems,
            "findings": findings,
            "list_info": list_info,
            "info_summary": info_summary,
            "counts": {k: self.count(v) for k, v in counts.items()},
        }

    def simulated(self, cards: Sequence[Scorecard], *, marks: bool = False) -> dict[str, Any]:
        """Which missions and files of the report are simulated; ``every`` when each mission
        is (a comparison then says so once instead of marking each; ``marks``: a report that
        keeps its marks, as a mission report does for its one mission)."""
        from ovm.reporting.tables import shows_simulated

        missions = [self.mission(c) for c in cards if c.simulated]
        sources = [self.file(x) for x in self.scores.simulated_sources]
        return {
            "any": shows_simulated(self.scores, cards),
            # every mission shown is simulated: the banner says so once, no mission is marked
            "every": not marks and bool(cards) and len(missions) == len(cards),
            "sources": sources,
            "missions": missions,
        }

    def head(self, kind: str, title: str | None, cards: Sequence[Scorecard]) -> Context:
        rb = self.rubric
        span = self.spans.get("overall")
        scale = rb.scale_of("overall")

        def put(edge: float) -> float:
            """A band's edge where the comparison's output range puts it (the legend and the
            workbook's colours follow the scores shown)."""
            return edge if span is None else along(edge, (scale.min, scale.max), span)

        # On 0-100 the edges are whole; along another range (4.6 on 1-10) they need a decimal,
        # and more along a range narrower than 1 (0.36 on 0-0.9), so that no two edges read
        # the same.
        digits = 0 if span is None else _edge_digits(span)
        # A node whose scores lie on another range than the overall's (family 7 on 0-100
        # beside an overall on 1-10, a node normalise_nodes put on 1-10 beside an overall on
        # 0-100) is coloured by the rubric's bands along its own range; so is a node with bands
        # of its own (a node on a scale of its own keeps the rubric's bands, if any).
        off_range = [
            p.node
            for p in rb.walk()
            if not p.node.bands
            and self.spans.get(p.node.id) != span
            and not rb.keeps_scale(p.node.id)
        ]
        # The legend also gives each band's edges along the other ranges scores lie on: an
        # output range a node was put on, or the scale a node kept (family 7's 0-100 beside a
        # legend on 1-10); ``True`` marks an output range.
        legend_range = self.lies_on("overall")
        others = sorted(
            {
                (on, n.id in self.spans)
                for n in off_range
                if (on := self.lies_on(n.id)) != legend_range
            }
        )

        def edges(node: Group | Indicator, band: Band) -> dict[str, float | None]:
            """A band's edges where ``node``'s scores lie (its output range, else its scale)."""
            on = self.spans.get(node.id)
            if on is None:
                return {"min": band.min, "max": band.max}
            own = (node.scale_or_default.min, node.scale_or_default.max)
            return {
                "min": None if band.min is None else along(band.min, own, on),
                "max": None if band.max is None else along(band.max, own, on),
            }

        def along_ranges(band: Band) -> dict[str, list[str]]:
            if not others:
                return {}
            own = (scale.min, scale.max)
            return {
                "along": [
                    self.t(
                        "band_range_along" if output else "band_range_on_scale",
                        range=self.span(
                            along(band.low, own, s),
                            along(band.high, own, s),
                            0
                            if s == own and all(float(e).is_integer() for e in s)
                            else _edge_digits(s),
                        ),
                        span=self.span(
                            *s, 0 if all(float(e).is_integer() for e in s) else _edge_digits(s)
                        ),
                    )
                    for s, output in others
                ]
            }

        return {
            "format": REPORT_FORMAT,
            "kind": kind,
            "lang": self.lang,
            "title": title or self.t(f"title_{kind}"),
            "rubric_title": text_label(rb.title, self.lang),
            "generator": f"ovm {__version__}",
            "simulated": self.simulated(cards, marks=kind != "comparison"),
            "caps": self.cap_notes(cards),
            # The "imputed" mark's legend line, where a value shown is imputed.
            **({"imputed": self.t("value_imputed_note")} if self.imputed_shown(cards) else {}),
            "bands": [
                {
                    "label": text_label(b.label, self.lang),
                    "range": self.span(put(b.low), put(b.high), digits),
                    "tone": self.tone("overall", i),
                    "min": None if b.min is None else put(b.min),
                    "max": None if b.max is None else put(b.max),
                    # the score tables leave a band's rating to the legend
                    "rating": self.rating(b.rating) if b.rating is not None else None,
                }
                | along_ranges(b)
                for i, b in enumerate(rb.bands)
            ],
            # Nodes whose bands are their own (the workbook colours their scores by these).
            "node_bands": {
                p.node.id: [
                    edges(p.node, b) | {"tone": self.tone(p.node.id, i)}
                    for i, b in enumerate(p.node.bands)
                ]
                for p in rb.walk()
                if p.node.bands
            }
            | {
                node.id: [
                    edges(node, b) | {"tone": self.tone("overall", i)}
                    for i, b in enumerate(rb.bands)
                ]
                for node in off_range
            },
        }

    def not_scored(self, card: Scorecard) -> dict[str, Any] | None:
        """The families a ranked mission's overall has no score on
        (:func:`ovm.comparison.ranking.not_scored`), as its place in a ranking shows them: how
        many (``text``), their labels and ids; None when every family is scored."""
        ids = not_scored(card.overall)
        if not ids:
            return None
        return {
            "text": self.t("ranking_not_scored", n=len(ids)),
            "labels": [self.label(i) for i in ids],
            "ids": list(ids),
        }

    # charts
    def profile_chart(self, card: Scorecard) -> list[dict[str, Any]]:
        rows = []
        for fam in self.rubric.families:
            c = self.cell(_node_or_none(card, fam.id), fam.id)
            rows.append(
                {
                    "id": fam.id,
                    "label": self.label(fam.id),
                    "outside": not fam.contributes,
                    "score": c,
                    # A bar spans its family's own scale; a scale other than 0-100 is named.
                    "range": (
                        None
                        if fam.scale_or_default.is_default()
                        else self.span(fam.scale_or_default.min, fam.scale_or_default.max, 0)
                    ),
                    "width": (
                        f"{_percent(fam.scale_or_default, c['value']):.2f}"
                        if c["value"] is not None
                        else "0"
                    ),
                }
            )
        return rows


def _edge_digits(span: tuple[float, float]) -> int:
    """The decimals a legend writes band edges with along ``span``: one along a range 1 wide or
    more (4.6 on 1-10), one more for each tenth narrower (0.36 on 0-0.9)."""
    width = abs(span[1] - span[0])
    if not width or not math.isfinite(width):
        return 1
    return max(1, 1 - math.floor(math.log10(width)))


def _node_or_none(card: Scorecard, node_id: str) -> NodeScore | None:
    try:
        return card.node(node_id)
    except KeyError:
        return None


def _coverage(card: Scorecard, node_id: str) -> float:
    ns = _node_or_none(card, node_id)
    return ns.coverage if ns is not None else 0.0


def _node_index(card: Scorecard) -> dict[str, NodeScore]:
    out = {n.node: n for n in card.nodes}
    out["overall"] = card.overall
    return out


# --- comparison report -----------------------------------------------------------------------


def comparison_context(
    run: Run,
    *,
    lang: str = "en",
    title: str | None = None,
    columns_per_table: int = COLUMNS_PER_TABLE,
    mission_reports: bool = False,
) -> Context:
    """The context of the comparative report on a run's cohort.

    Every number comes from the run: scores after the cohort step, rankings, best performers,
    weakest missions, trends, cohort findings and, when the run has one, the sensitivity
    analysis' rank intervals. ``mission_reports``: each mission's report is written beside
    the comparison (``MISSION_REPORT_FILE``), which then links to its recommendations there
    instead of repeating their texts in an annex.
    """
    # Aged: the context (about 50,000 dicts and lists at 200 missions, with the
    # recommendations drafted for it) lives as long as the caller keeps it and leaves a few
    # dozen objects of cyclic garbage; the collector's next young collection would walk all
    # of it (0.02-0.03 s at 200 missions), and a later one again.
    with paused_gc(aged=True):
        ctx, b = _comparison_context(run, lang, title, columns_per_table, mission_reports)
        _with_sensitivity(b, ctx["ranking"], run.finished())
        return ctx


def _comparison_context(
    run: Run, lang: str, title: str | None, columns_per_table: int, mission_reports: bool
) -> tuple[Context, _Builder]:
    """The comparison's context but for the ranking's fields from the sensitivity analysis,
    kept in their places (:func:`_with_sensitivity` fills them), and the builder that made
    it."""
    comparison, rubric = run.comparison, run.rubric
    scores = comparison.scores
    b = _builder(run, lang)
    cards = list(scores.scorecards)
    index = {c.mission.id: c for c in cards}
    refs = {c.mission.id: b.mission(c) for c in cards}
    fams = list(rubric.families)
    nodes_by_card = {c.mission.id: _node_index(c) for c in cards}

    ctx = b.head("comparison", title, cards)
    ctx["mission_reports"] = mission_reports
    # The annex's lead, which names the command that writes the mission reports, as code.
    ctx["fixes_lead"] = _coded(_plain(b.t("fixes_lead")))
    ctx["missions"] = [refs[c.mission.id] for c in cards]
    ctx["families"] = [
        {
            "id": f.id,
            "label": b.label(f.id),
            "anchor": _anchor("family", f.id),
            "number": str(i + 1),
        }
        for i, f in enumerate(fams)
    ]

    # overview heatmap
    ctx["heatmap"] = {
        "columns": [{"id": "overall", "label": b.label("overall"), "outside": False}]
        + [{"id": f.id, "label": b.label(f.id), "outside": not f.contributes} for f in fams],
        "rows": [
            {
                "mission": refs[c.mission.id],
                "cells": [b.cell(c.overall, "overall")]
                + [b.cell(nodes_by_card[c.mission.id].get(f.id), f.id) for f in fams],
            }
            for c in cards
        ],
    }
    scale = b.scale_note(comparison)
    if scale is not None:
        ctx["scale"] = scale
    else:
        ctx["overview_lead"] = b.overview_lead(fams)

    # ranking
    ranking_entries = [(e.mission, e.score, e.rank, e.tied) for e in comparison.rankings["overall"]]
    rank_of = {m: r for m, _, r, _ in ranking_entries}
    rows = []
    overall_scale = b.rubric.scale_of("overall")
    for mid, _score, rank, tied in ranking_entries:
        if mid not in index:
            continue
        card = index[mid]
        cell = b.cell(card.overall, "overall")
        lo_hi = card.overall.interval if cell["scored"] else None
        chart = None
        if cell["scored"]:
            chart = {
                "x": _px(cell["value"], overall_scale),
                "x1": _px(lo_hi[0], overall_scale) if lo_hi else None,
                "x2": _px(lo_hi[1], overall_scale) if lo_hi else None,
            }
        rows.append(
            {
                "mission": refs[mid],
                "rank": str(rank) if rank is not None else "—",
                "rank_value": rank,
                "tied": tied,
                "score": cell,
                "chart": chart,
                "not_scored": b.not_scored(card),
                # The sensitivity analysis' fields, in their place, filled last (_with_sensitivity).
                **_NO_RANK_FIELDS,
            }
        )
        why = b.undefined_why(card)
        if why is not None:
            rows[-1]["why"] = why
    ctx["ranking"] = {
        "rows": rows,
        "sensitivity": None,
        "sensitivity_skipped": None,
        "cohort_scored": True,
        "any_unscored": False,
    }

    # family sections
    best_map, weak_map = comparison.leaders, comparison.weakest
    unbounded = "scale" in ctx
    step = max(1, columns_per_table)
    starts = list(range(0, len(cards), step)) or [0]
    mids = [c.mission.id for c in cards]
    sections: list[dict[str, Any]] = []
    for i, fam in enumerate(fams):
        placed = [
            p
            for p in rubric.walk()
            if p.node.id != fam.id and rubric.family_of(p.node.id) == fam.id
        ]
        # Each node's row as every table of the family heads it, and its cells across the
        # whole cohort: a table shows a slice of them.
        heads = [
            (
                {
                    "id": p.node.id,
                    "label": b.label(p.node.id),
                    "depth": str(p.depth - 1),
                    "is_group": isinstance(p.node, Group),
                    # the rubric's bands on its 0-100 scale: the legend's ranges name
                    # each score's band, which the family tables then leave out
                    "legend_bands": _legend_bands(p.node, b.spans),
                },
                [b.cell(nodes_by_card[m].get(p.node.id), p.node.id) for m in mids],
            )
            for p in placed
        ]
        family_legend = _legend_bands(fam, b.spans)
        family_cells = [b.cell(nodes_by_card[m].get(fam.id), fam.id) for m in mids]
        tables = []
        for k, start in enumerate(starts):
            end = start + step
            tables.append(
                {
                    "family_legend_bands": family_legend,
                    "missions": [refs[m] for m in mids[start:end]],
                    "family_cells": family_cells[start:end],
                    "rows": [{**head, "cells": row[start:end]} for head, row in heads],
                    "part": (
                        b.t("table_part", part=str(k + 1), parts=str(len(starts)))
                        if len(starts) > 1
                        else None
                    ),
                }
            )
        best_rows: list[dict[str, Any]] = []
        for p in placed:
            if isinstance(p.node, Group):
                continue
            nid = p.node.id
            bp = best_map.get(nid)
            if bp is not None:
                winners = [m for m in bp.missions if m in index]
                evidence = list(bp.evidence)
                runner_up = bp.runner_up
                lead_holds: bool | None = bool(bp.lead_holds) if bp.runner_up else None
                weakest = [m for m in weak_map.get(nid, ()) if m in index]
                best_score = b.score_text(bp.score, nid)
                why_not_code = bp.why_not
                why_not = None if why_not_code is None else b.t(f"no_best_practice_{why_not_code}")
            else:
                winners, evidence, runner_up, weakest = [], [], None, []
                lead_holds, best_score, why_not, why_not_code = None, "—", None, None
            if not winners:
                best_rows.append(
                    {
                        "id": nid,
                        "label": b.label(nid),
                        "missions": [],
                        "score": "—",
                        "score_value": None,
                        "best_practice": False,
                        "weakest_score_value": None,
                        "evidence": [],
                        "weakest": [],
                        "weakest_score": None,
                        "lead_holds": None,
                        "runner_up": None,
                    }
                )
                continue
            ev_items = []
            for mid, ns in list(zip(winners, evidence, strict=False))[:EVIDENCE_LIMIT]:
                inputs = [b.input_item(x) for x in ns.explanation.inputs]
                # an answered question is its own input: keep only its sources
                own = [x for x in inputs if x["id"] == nid and x["kind"] == "answer"]
                ev_items.append(
                    {
                        "mission": refs[mid],
                        "value": _value_text(b, ns),
                        "sources": own[0]["sources"] if own else [],
                        "inputs": [
                            x for x in inputs if not (x["id"] == nid and x["kind"] == "answer")
                        ],
                    }
                )
            weak_cells = [nodes_by_card[m].get(nid) for m in weakest]
            weak_value = next(
                (w.score for w in weak_cells if w is not None and w.score is not None), None
            )
            if unbounded and bp is not None:
                # the leaders' scale (the rubric's), not the z-scores or ranks of the tables
                weak_value = bp.weakest_score if weakest else None
            weak_score = b.score_text(weak_value, nid) if weak_value is not None else None
            best_rows.append(
                {
                    "id": nid,
                    "label": b.label(nid),
                    "missions": [refs[m] for m in winners],
                    "score": best_score,
                    "score_value": bp.score if bp is not None else None,
                    "best_practice": bp is not None and bp.is_best_practice,
                    "weakest_score_value": weak_value,
                    "rule": b.rule_text(p.node),
                    "evidence": ev_items,
                    "evidence_more": [refs[m] for m in winners[EVIDENCE_LIMIT:]],
                    "weakest": [refs[m] for m in weakest],
                    "weakest_score": weak_score,
                    "lead_holds": lead_holds,
                    "why_not": why_not,
                    "why_not_code": why_not_code,
                    "runner_up": refs.get(runner_up) if runner_up else None,
                }
            )
        sections.append(
            {
                "id": fam.id,
                "number": str(i + 1),
                "label": b.label(fam.id),
                "description": text_label(fam.description, lang) if fam.description else None,
                "anchor": _anchor("family", fam.id),
                "tables": tables,
                "best": best_rows,
            }
        )
    ctx["family_sections"] = sections
    # the summary of best practices: the indicators whose leader is one (evidence in sections)
    ctx["best_practices"] = [
        {
            "id": row["id"],
            "label": row["label"],
            "family": sec["number"],
            "anchor": sec["anchor"],
            "missions": row["missions"],
            "score": row["score"],
            "weakest": row["weakest"],
            "weakest_score": row["weakest_score"],
        }
        for sec in sections
        for row in sec["best"]
        if row["best_practice"]
    ]

    # profiles
    ctx["profiles"] = [
        {
            "mission": refs[c.mission.id],
            "overall": b.cell(c.overall, "overall"),
            "rank": (str(rank_of[c.mission.id]) if rank_of.get(c.mission.id) is not None else None),
            "bars": b.profile_chart(c),
            "anchor": _anchor("profile", c.mission.id),
        }
        for c in cards
    ]

    # what each country should fix: the run's recommendations, most important first
    from ovm.comparison.recommend import practice_of, reference

    judged = {c.mission.id: c for c in comparison.judged().scorecards}
    fixes = []
    for c in cards:
        mid = c.mission.id
        recs = run.recommendations(mid, lang)
        peers = comparison.peers_of(mid)
        # Written alone, the comparison links to no mission report: none is beside it.
        report = MISSION_REPORT_FILE.format(id=mid) if mission_reports else None
        items = []
        for r in recs[:TOP_RECOMMENDATIONS]:
            item = _recommendation(b, r, report)
            # The best practice among missions in a like context: what the methodology asks
            # others to replicate, bearing each country's context in mind.
            # The rule of the recommendation's own reference: only a best practice that
            # scores better than this mission is one to replicate.
            on, on_score = practice_of(b.rubric, judged[mid], b.rubric.node(r.node), r.score)
            peer_ref = (
                reference(peers, on, on_score, mid) if peers and on_score is not None else None
            )
            peer_bp = peer_ref if peer_ref is not None and peer_ref.practice else None
            item["peer_best"] = (
                [refs[m] for m in peer_bp.missions if m in refs] if peer_bp is not None else []
            )
            item["peer_best_score"] = (
                b.score_text(peer_bp.score, on.id) if peer_bp is not None else None
            )
            item["best"] = _best_brief(b, r.reference, refs, on)
            # its full text is in the comparison's annex, under this anchor
            item["full_anchor"] = _anchor("fix", f"{mid}-{r.id}")
            items.append(item)
        peer_line = None
        if peers is not None:
            entry = next(e for e in peers.rankings["overall"] if e.mission == mid)
            scored = sum(1 for e in peers.rankings["overall"] if e.rank is not None)
            group = region_name(peers.group, lang)
            if entry.rank is not None:
                peer_line = b.t(
                    "peers_line", group=group, n=len(peers.missions), rank=entry.rank, scored=scored
                )
            else:
                # a mission without an overall has no rank among its peers either
                peer_line = b.t("peers_line_unranked", group=group, n=len(peers.missions))
        more = b.count(max(0, len(recs) - TOP_RECOMMENDATIONS))
        fixes.append(
            {
                "mission": refs[mid],
                "total": b.count(len(recs)),
                "more": more,
                # Where the rest is: the mission's report beside this one (linked), else the
                # commands that write them, which no page of this report holds.
                "more_text": _plain(b.t("fixes_more", n=more))
                if report is not None
                else _coded(_plain(b.t("fixes_more_elsewhere", n=more, mission=mid))),
                "report": report,
                "peers": peer_line,
                "items": items,
                "rest": [_recommendation(b, r, report) for r in recs[TOP_RECOMMENDATIONS:]],
            }
        )
    ctx["fixes"] = fixes

    # trends
    ctx["trends"] = _trends(b, cards, comparison)

    ctx["generated_on"] = None
    ctx["generated_on_text"] = None
    ctx["print_footer"] = ""
    ctx["quality"] = b.quality(cards, run.observations, comparison.findings)
    ctx["methodology"] = b.methodology(comparison)
    return ctx, b


_NO_RANK_FIELDS: dict[str, Any] = dict.fromkeys(
    (
        "rank_interval",
        "rank_median",
        "rank_shift",
        "unscored",
        "rank_low",
        "rank_high",
        "rank_median_value",
        "rank_shift_value",
        "unscored_value",
    )
)
"""A ranking row's fields from the sensitivity analysis, none given."""


def _with_sensitivity(b: _Builder, ranking: dict[str, Any], run: Run) -> None:
    """The ranking's fields from the run's sensitivity analysis, in the places kept for them."""
    sensitivity = run.sensitivity
    sens_rows = {r.mission: r for r in sensitivity.ranks} if sensitivity is not None else {}
    rows = ranking["rows"]
    for row in rows:
        sr = sens_rows.get(row["mission"]["id"])
        if sr is None:
            continue
        row.update(
            {
                # No rank, no rank interval: a mission without an overall is not ranked in the
                # runs.
                "rank_interval": (
                    b.span(sr.low, sr.high, 0)
                    if sr.low is not None and sr.high is not None
                    else None
                ),
                "rank_median": b.value(sr.median) if sr.median is not None else None,
                "rank_shift": b.num(sr.mean_shift, 1) if sr.mean_shift is not None else None,
                # The same share as every other output (0 % included); the column itself is
                # shown only when some mission went unscored in some run.
                "unscored": b.pct(sr.unscored, 0),
                "rank_low": sr.low,
                "rank_high": sr.high,
                "rank_median_value": sr.median,
                "rank_shift_value": sr.mean_shift,
                "unscored_value": sr.unscored,
            }
        )
    ranking["sensitivity"] = _sensitivity_summary(b, sensitivity)
    # Asked for but not run: why, in place of the analysis.
    ranking["sensitivity_skipped"] = (
        b.t(f"sensitivity_skipped_{run.sensitivity_skipped}", options=_departures(run))
        if run.sensitivity_skipped is not None
        else None
    )
    ranking["any_unscored"] = any(r["unscored_value"] for r in rows)


def _legend_bands(node: Group | Indicator, spans: Mapping[str, tuple[float, float]]) -> bool:
    """Whether a node's bands are the rubric's, on the 0-100 scale the legend's ranges are
    written for (no bands of its own, higher is better), and its scores on the range the
    legend's ranges are put on (``spans``, :func:`ovm.comparison.cohort.output_spans`): the
    number then names the band."""
    return (
        not node.bands
        and node.scale_or_default.is_default()
        and spans.get(node.id) == spans.get("overall")
    )


def _best_brief(
    b: _Builder,
    ref: Reference | None,
    refs: Mapping[str, Any],
    on: Group | Indicator,
) -> dict[str, Any] | None:
    """Whom a recommendation on ``node`` points to, briefly: its own reference (the one its
    text names first), with the others tied with it (their evidence is in the family's
    section); ``on`` is the node the reference is on (:func:`practice_of`). ``figure`` gives
    its value in the unit the recommendation speaks of and its score, named, as the
    recommendation's own text does."""
    if ref is None:
        return None
    from ovm.comparison.recommend import best_score_words, figure_words, value_words

    # Written as the recommendation's own text writes it: with the decimals that keep it in
    # the band of the node the practice is on, along the range its scores were put on.
    score = best_score_words(b.rubric, on, ref.score, b.lang, b.spans.get(on.id))
    return {
        "missions": [refs[m] for m in ref.missions if m in refs],
        "score": score,
        "figure": figure_words(value_words(on, ref.value, b.lang), score, b.lang),
        "practice": ref.practice,
    }


def _percent(scale: Scale, score: float) -> float:
    """Where a score sits on its node's scale, 0 at its min and 100 at its max."""
    if scale.is_default():
        return score
    return 100.0 * (score - scale.min) / (scale.max - scale.min)


def _px(score: float, scale: Scale = DEFAULT_SCALE) -> str:
    """A score's x position in the 170-pixel interval chart of the ranking."""
    return f"{5 + 1.6 * max(0.0, min(100.0, _percent(scale, score))):.1f}"


def _value_text(b: _Builder, ns: NodeScore) -> Label | None:
    if ns.value is None:
        return None
    if isinstance(ns.value, str):
        return b.answer_text(ns.node, ns.value)
    node = b.node(ns.node)
    if node is not None and not isinstance(node, Group):
        return _wording(kind_of(node).value_text(node, ns.value, b.lang))
    return _plain(b.value(ns.value))


def _aggregation_text(b: Any, said: str | None) -> str | None:
    """An explanation's aggregation (``generalised (p=-1)``) in the report's language: the
    method's word, and a generalised mean's exponent written as the settings write it."""
    if not said:
        return None
    return method_words(said, b.lang)


def _departures(run: Run) -> str:
    """The comparison's options the sensitivity analysis does not model, as the command line
    names them (``--imputation, --aggregation``)."""
    from ovm.pipeline import unmodelled

    return ", ".join(f"--{o}" for o in unmodelled(run.comparison, run.settings.sensitivity))


def _sensitivity_summary(b: _Builder, sens: Sensitivity | None) -> dict[str, Any] | None:
    from ovm.comparison.sensitivity import ENOUGH_WIDTH, more_runs

    if sens is None:
        return None
    runs = more_runs(sens)
    shown = sens.shown_choices
    keys = [
        k
        for k in dict.fromkeys([*sens.choices, *sens.first_order, *sens.total_effect])
        if k in shown or k not in sens.choices
    ]
    effects = []

    def index(value: float | None, ci: Any) -> str:
        # An index is read with its interval: a small negative value is noise around 0.
        if value is None:
            return "—"
        if ci is None:
            return b.num(value, 2)
        return f"{b.num(value, 2)} ({b.span(ci.low, ci.high, 2)})"

    for key in keys:
        fo, te = sens.first_order.get(key), sens.total_effect.get(key)
        msgid = f"choice_{key}"
        effects.append(
            {
                "id": key,
                "choice": _plain(b.t(msgid)) if b.t.has(msgid) else _plain(key),
                "first_order": index(fo, sens.first_order_ci.get(key)),
                "total_effect": index(te, sens.total_effect_ci.get(key)),
                "first_order_value": fo,
                "first_order_ci": _bounds(sens.first_order_ci.get(key)),
                "total_effect_value": te,
                "total_effect_ci": _bounds(sens.total_effect_ci.get(key)),
            }
        )
    return {
        "runs": str(sens.runs),
        "seed": str(sens.seed),
        "weight_range": b.t("plus_minus", n=b.pct(sens.weight_range)),
        "choices": [str(c) for c in shown],
        "effects": effects,
        "notes": _sensitivity_notes(b, sens),
        # Whether the indices' intervals are narrow enough to read, as `ovm sensitivity` says it
        # for the same runs; the caveat, worded, where they are not.
        "enough_runs": runs is None,
        "more_runs": (
            None
            if runs is None
            else _coded(
                _plain(b.t("sensitivity_more_runs", width=b.num(ENOUGH_WIDTH, 1), runs=str(runs)))
            )
        ),
    }


def _bounds(ci: Any) -> list[float] | None:
    return [ci.low, ci.high] if ci is not None else None


def _sensitivity_notes(b: _Builder, sens: Sensitivity) -> list[Label]:
    """How the runs were made, in the report's language (as the text summary says them)."""
    from ovm.comparison.sensitivity import worded_notes

    return [_coded(_plain(n)) for n in worded_notes(sens, b.lang, b.node_name)]


TREND_X0, TREND_X1 = 64.0, 440.0
"""Horizontal extent of the plot in the 480 x 200 trend chart (the y axis labels sit left)."""


def _trend_y(score: float, scale: Scale = DEFAULT_SCALE) -> float:
    return 10 + (100 - max(0.0, min(100.0, _percent(scale, score)))) * 1.6


def _trends(
    b: _Builder, cards: Sequence[Scorecard], comparison: Comparison
) -> list[dict[str, Any]]:
    index = {c.mission.id: c for c in cards}
    scale = b.rubric.scale_of("overall")
    contributing = [f.id for f in b.rubric.families if f.contributes]
    series = {
        key: [(m, s) for m, s in points if m in index] for key, points in comparison.trends.items()
    }
    out = []
    for key in sorted(series):
        pts = sorted(series[key], key=lambda p: (index[p[0]].mission.election_date, p[0]))
        if not pts:
            continue
        points = []
        n = len(pts)
        for i, (mid, s) in enumerate(pts):
            card = index[mid]
            # One election: a dot in the middle, no line to draw.
            x = (
                TREND_X0 + (i * (TREND_X1 - TREND_X0) / (n - 1))
                if n > 1
                else (TREND_X0 + TREND_X1) / 2
            )
            y = _trend_y(s, scale) if s is not None else None
            point = {
                "mission": b.mission(card),
                "score": b.score_text(s, "overall"),
                "value": s,
                "x": f"{x:.1f}",
                "y": f"{y:.1f}" if y is not None else None,
                "label_y": f"{y - 8:.1f}" if y is not None else None,
            }
            overall = b.cell(card.overall, "overall")
            if "cap" in overall:
                # A workbook colours the score by its band, which its range does not give.
                point["cap"], point["tone"] = overall["cap"], overall["tone"]
            # What the overall rests on: two overalls of one country may not be built on the
            # same families, and a change between them is then read with that said.
            scored_fams = _families_scored(card, contributing)
            point["coverage"] = overall["coverage"]
            point["coverage_value"] = card.overall.coverage
            point["families"] = {
                "ids": scored_fams,
                "text": b.t("trend_families_n", scored=len(scored_fams), total=len(contributing)),
            }
            points.append(point)
        line = " ".join(f"{p['x']},{p['y']}" for p in points if p["y"] is not None)
        scored = [s for _, s in pts if s is not None]
        change = None
        change_note = None
        by_family: list[dict[str, Any]] = []
        if len(scored) >= 2:
            delta = scored[-1] - scored[0]
            change = ("+" if delta >= 0.05 else "") + b.num(delta)
            ends = [p for p in points if p["value"] is not None]
            change_note = _families_differ(b, ends[0], ends[-1])
            scored_ids = [mid for mid, s in pts if s is not None]
            by_family = _family_changes(b, index[scored_ids[0]], index[scored_ids[-1]])
        country = index[pts[0][0]].mission.key
        out.append(
            {
                "key": key,
                "country": country,
                "country_name": country_name(country, b.lang),
                "single": n == 1,
                # a chart needs two elections and a score to draw: a country whose missions
                # have no overall score is listed with the others, not drawn empty
                "chart": n > 1 and bool(scored),
                "points": points,
                "line": line if n > 1 else "",
                "change": change,
                "change_note": change_note,
                "by_family": by_family,
                "anchor": _anchor("trend", key),
                "grid": [
                    {"y": f"{_trend_y(v, scale):.1f}", "text": b.num(v, 0)}
                    for v in (scale.min + (scale.max - scale.min) * k / 4 for k in range(5))
                ],
            }
        )
    # Countries with a series first; those observed once follow, listed compactly.
    out.sort(key=lambda tr: (not tr["chart"], tr["country_name"], tr["key"]))
    return out


def _families_scored(card: Scorecard, families: Sequence[str]) -> list[str]:
    """Which of ``families`` (those the overall aggregates) ``card`` has a score on."""
    out = []
    for fam in families:
        ns = _node_or_none(card, fam)
        if ns is not None and ns.status == "scored" and ns.score is not None:
            out.append(fam)
    return out


def _family_changes(b: _Builder, first: Scorecard, last: Scorecard) -> list[dict[str, Any]]:
    """Each family's score at the two ends of a trend and its change where both are scored
    (what moved between the elections, family by family)."""
    rows = []
    for fam in b.rubric.families:
        a = b.cell(_node_or_none(first, fam.id), fam.id)
        z = b.cell(_node_or_none(last, fam.id), fam.id)
        change = None
        if a["scored"] and z["scored"]:
            delta = z["value"] - a["value"]
            change = ("+" if delta >= 0.05 else "") + b.num(delta)
        rows.append(
            {
                "id": fam.id,
                "label": b.label(fam.id),
                "outside": not fam.contributes,
                "first": a,
                "last": z,
                "change": change,
            }
        )
    return rows


def _families_differ(
    b: _Builder, first: dict[str, Any], last: dict[str, Any]
) -> dict[str, Any] | None:
    """The note on a change between two overalls not built on the same families: which
    families each has a score on that the other has not; None when they are the same."""
    a, z = first["families"]["ids"], last["families"]["ids"]
    parts = []
    for point, own, other in ((first, a, z), (last, z, a)):
        only = [f for f in own if f not in other]
        if only:
            parts.append(
                {
                    "mission": point["mission"]["id"],
                    "ids": only,
                    "labels": [b.label(f) for f in only],
                }
            )
    if not parts:
        return None
    said = "; ".join(
        b.t(
            "trend_scored_only",
            mission=part["mission"],
            families=", ".join(lbl["text"] for lbl in part["labels"]),
        )
        for part in parts
    )
    return {"text": b.t("trend_change_differs", differences=said), "only": parts}


# --- mission report --------------------------------------------------------------------------


def _global_shares(card: Scorecard) -> dict[str, float]:
    """Each node's share of the overall score: its weight share, times its parents'."""
    local: dict[str, float] = {}
    for ns in (card.overall, *card.nodes):
        for ch in ns.explanation.children:
            if ch.share is not None:
                local[ch.node] = ch.share
    parents: dict[str, str | None] = {ns.node: ns.parent for ns in card.nodes}
    out: dict[str, float] = {}
    for node_id in parents:
        share = 1.0
        cur: str | None = node_id
        while cur is not None and cur != "overall":
            if cur not in local:
                share = 0.0
                break
            share *= local[cur]
            cur = parents.get(cur)
        out[node_id] = share
    return out


def mission_context(
    run: Run, mission: str, *, lang: str = "en", title: str | None = None, drags: int = 8
) -> Context:
    """The context of the report on one mission of a run: explained scores, what pulled its
    overall down, its rank, recommendations and follow-up, findings and observers' notes.

    Raises :class:`ovm.UnknownMissionError` for a mission not in the run.
    """
    return _mission_context(run, mission, _builder(run, lang), title, drags)


def _builder(run: Run, lang: str) -> _Builder:
    """A builder of the reports of ``run`` in ``lang``."""
    root = run.workspace.root if run.workspace is not None else None
    from ovm.comparison.cohort import output_spans

    spans = output_spans(run.rubric, run.comparison.settings)
    return _Builder(run.comparison.scores, run.rubric, lang, root, spans, run.comparison.on_scale)


def _mission_context(
    run: Run, mission: str, b: _Builder, title: str | None, drags: int = 8
) -> Context:
    comparison, rubric = run.comparison, run.rubric
    # A mission's report reads its scores on the methodology's 0-100 scale, bands and all,
    # under any normalisation: a z-score or a rank of one mission says nothing without its
    # cohort (the comparison report shows those), and its points lost, bands and
    # recommendations are defined on the 0-100 scores.
    scores = comparison.judged()
    lang = b.lang
    run.scorecard(mission)
    card = scores.scorecard(mission)
    ref = b.mission(card)
    ctx = b.head(
        "mission", title or b.t("title_mission_of", name=ref["name"]["text"] or mission), [card]
    )
    ctx["mission"] = ref
    ctx["overall"] = b.cell(card.overall, "overall")
    ctx["interval_note"] = _interval_note(b, card, card.overall)
    # The coverage shown (indicator weight scored) and the rule that scores the overall (the
    # families' weight scored) differ: 44 % beside a 50 % minimum reads as a contradiction.
    ctx["coverage_note"] = b.t("coverage_note_overall", need=b.pct(rubric.min_coverage))
    ctx["summary"] = {
        "sites": str(card.sites),
        "notes": str(card.notes_total),
        "findings": str(len(card.findings)),
        "cohort": str(len(scores.scorecards)),
        # "rank 11 of N": N counts the missions ranked, not those left unscored.
        "ranked": str(sum(e.rank is not None for e in run.comparison.rankings["overall"])),
    }
    entry = run.rank(mission)
    rank = str(entry.rank) if entry.rank is not None and len(scores.scorecards) > 1 else None
    ctx["rank"] = rank
    ctx["rank_value"] = entry.rank if rank is not None else None
    # the families the ranking's row names, read from the card the ranking ranked
    ranked_card = comparison.scores.scorecard(mission)
    ctx["rank_not_scored"] = b.not_scored(ranked_card) if rank is not None else None
    if comparison.on_scale is not None:
        ctx["scale_note"] = b.t(
            "mission_on_scale", method=b.t(f"norm_{comparison.settings.normalisation}")
        )
    ctx["profile"] = b.profile_chart(card)

    # what pulled the score down: weight share x gap to 100, in points of the overall score
    shares = _global_shares(card)
    drag_rows: list[tuple[float, NodeScore, float]] = []
    # An imputed value is the cohort's mean, not what the mission was observed to do: it
    # pulls nothing down that the mission could be told to fix (nor is it recommended on).
    imputed = imputed_nodes(card)
    left_out = 0
    for ns in card.nodes:
        node = b.node(ns.node)
        if node is None or isinstance(node, Group) or ns.status != "scored" or ns.score is None:
            continue
        share = shares.get(ns.node, 0.0)
        lost = share * (100.0 - ns.score)
        if lost <= 1e-9:
            continue
        if ns.node in imputed:
            left_out += 1
            continue
        drag_rows.append((lost, ns, share))
    drag_rows.sort(key=lambda r: (-r[0], r[1].node))
    ctx["drags"] = [
        {
            "id": ns.node,
            "label": b.label(ns.node),
            "family": b.label(rubric.family_of(ns.node)),
            "score": b.cell(ns),
            "share": b.weight_share(share),
            "share_value": share,
            "lost": b.num(lost),
            "lost_value": lost,
            "width": f"{min(100.0, lost * 100 / max(r[0] for r in drag_rows)):.2f}",
            "anchor": _anchor("node", ns.node),
        }
        for lost, ns, share in drag_rows[:drags]
    ]
    ctx["drags_imputed"] = b.t("drags_imputed", n=left_out) if left_out else None
    if rubric.headline is not None or card.overall.score is None:
        # Points of the overall lost exist only where the overall is a weighted mean of
        # 0-100 scores; a headline node is no such mean, and an overall without a score has
        # no points to lose ("no indicator lost points" would say its indicators did well).
        ctx["drags"] = None

    # every node explained, family by family
    idx = _node_index(card)
    families = []
    for i, fam in enumerate(rubric.families):
        items = []
        for placed in rubric.walk():
            if rubric.family_of(placed.node.id) != fam.id:
                continue
            found = idx.get(placed.node.id)
            if found is None:
                continue
            ns = found
            node = placed.node
            ex = ns.explanation
            items.append(
                {
                    "id": node.id,
                    "label": b.label(node.id),
                    "depth": str(placed.depth - 1),
                    "is_group": isinstance(node, Group),
                    "kind_text": (
                        b.t(f"kind_{'family' if placed.depth == 1 else 'group'}")
                        if isinstance(node, Group)
                        else kind_of(node).label(b.lang)
                    ),
                    "score": b.cell(ns),
                    "interval_note": _interval_note(b, card, ns, unsampled=False),
                    "value": _value_text(b, ns) if not isinstance(node, Group) else None,
                    "formula_code": (not isinstance(node, Group) and kind_of(node).formula_is_code),
                    "formula": (
                        b.formula_text(node, ex.formula) if not isinstance(node, Group) else None
                    ),
                    "rule": (
                        (b.rule_text(node, with_formula=False) or ex.rule)
                        if not isinstance(node, Group)
                        else None
                    ),
                    "aggregation": _aggregation_text(b, ex.aggregation),
                    "inputs": [b.input_item(x) for x in ex.inputs],
                    "children": [
                        {
                            "label": b.label(ch.node),
                            "status_text": b.t(f"status_{ch.status}"),
                            "score": b.score_text(ch.score, ch.node),
                            "weight": b.value(ch.weight),
                            "share": b.weight_share(ch.share),
                        }
                        for ch in ex.children
                    ],
                    "notes": [b.note(n) for n in ex.notes],
                    "findings": [b.finding(f, None) for f in card.findings if f.node == node.id],
                    "anchor": _anchor("node", node.id),
                }
            )
        families.append(
            {
                "id": fam.id,
                "number": str(i + 1),
                "label": b.label(fam.id),
                "anchor": _anchor("family", fam.id),
                "score": b.cell(idx.get(fam.id)),
                "items": items,
            }
        )
    ctx["families"] = families
    order = {"error": 0, "warning": 1, "info": 2}
    ctx["findings"] = sorted(
        (b.finding(f, None, card) for f in card.findings), key=lambda f: order.get(f["severity"], 3)
    )
    ctx["plan"] = _plan(b, card.coverage)
    ctx["notes"] = [b.note(n) for n in card.notes]
    ctx["notes_total"] = str(card.notes_total)
    ctx["notes_shown"] = str(len(card.notes))
    ctx["recommendations"] = [_recommendation(b, r) for r in run.recommendations(mission, lang)]
    ctx["follow_up"] = [_follow_up(b, f.model_dump()) for f in run.follow_up(mission).items]
    ctx["generated_on"] = None
    ctx["generated_on_text"] = None
    ctx["print_footer"] = ""
    # The data quality of this mission's rows alone, by the rule of a --missions cohort (the
    # rows' owners read once for every mission report the builder makes).
    own = b.owners(run.observations).report(mission)
    ctx["quality"] = b.quality([card], run.observations, list_info=True, own=own)
    ctx["methodology"] = b.methodology(comparison)
    return ctx


def _interval_note(
    b: _Builder, card: Scorecard, ns: NodeScore | None, *, unsampled: bool = True
) -> str | None:
    """Why a scored node shows no uncertainty interval, briefly (None: it has one, or is not
    scored). ``unsampled``: also say so of a score no sampled data enter (legal answers and
    statistics only), where a reader could expect an interval."""
    if ns is None or ns.status != "scored" or ns.score is None or ns.interval is not None:
        return None
    parents = {n.node: n.parent for n in card.nodes}

    def under(node: str | None) -> bool:
        while node is not None and node != "overall":
            if node == ns.node:
                return True
            node = parents.get(node)
        return ns.node == "overall"

    thin = [f for f in card.findings if f.code == "too-few-places-for-interval" and under(f.node)]
    if thin:
        places = min(int(f.params.get("n", "0")) for f in thin)
        needed = max(int(f.params.get("needed", "0")) for f in thin)
        return b.t("interval_none_places", n=places, needed=needed)
    if any(f.code == "flat-rule-interval" and f.node == ns.node for f in card.findings):
        return b.t("interval_none_flat")
    if unsampled and not ns.sampled:
        return b.t("interval_none_unsampled")
    return None


def _plan(b: _Builder, cov: PlanCoverage | None) -> dict[str, Any] | None:
    """The mission's coverage of its planned places, as the scorecard holds it (None: no plan)."""
    if cov is None:
        return None
    cities: dict[str, list[dict[str, str]]] = {}
    for a in cov.by_city:
        cities.setdefault(a.country, []).append(
            {
                "city": a.city or b.t("plan_no_city"),
                "observed": b.num(a.observed, 0),
                "planned": b.num(a.planned, 0),
            }
        )
    return {
        "planned": b.num(cov.planned, 0),
        "observed": b.num(cov.observed, 0),
        "visits": b.num(cov.visits, 0),
        "share": b.pct(cov.share),
        "countries": [
            {
                "code": a.country,
                "name": country_name(a.country, b.lang),
                "observed": b.num(a.observed, 0),
                "planned": b.num(a.planned, 0),
                "cities": cities.get(a.country, []),
            }
            for a in cov.by_country
        ],
        "unvisited": [
            {
                "place": p.id,
                "country": country_name(p.country, b.lang),
                "city": p.city or b.t("plan_no_city"),
            }
            for p in cov.unvisited
        ],
        "unplanned": list(cov.unplanned),
    }


def _maybe_text(b: _Builder, key: str, value: Any) -> str:
    """A translated enum value (``to_legislature``), the raw value when there is none."""
    if value is None:
        return ""
    msgid = f"{key}_{value}"
    found = b._text_cache.get(("enum", msgid))
    if found is None:
        found = b._text_cache[("enum", msgid)] = b.t(msgid) if b.t.has(msgid) else str(value)
    return found


def _recommendation(b: _Builder, r: Recommendation, report: str | None = "") -> dict[str, Any]:
    """A recommendation as reports show it; ``report`` is the file of its mission's report
    (empty: this page), where ``anchor`` finds its detail (``None``: no report holds it, and
    ``href`` is ``None``)."""
    # Read from the recommendation itself, not its as_dict(): a cohort's comparison shows
    # every mission's recommendations, thousands of them.
    rec_id = r.id
    anchor = b.rec_anchor(rec_id)
    gain_on = r.gain_on or "overall"
    value = float(r.gain)
    shown = b.num(value, 2)
    node = r.node
    return {
        "id": rec_id,
        "anchor": anchor,
        "href": None if report is None else f"{report}#{anchor}",
        "gain": shown,
        "gain_value": value,
        "gain_text": b.gain_text(value, shown, gain_on, r.gain_on_label or ""),
        "gain_on": gain_on,
        # Why the gain is not in overall points: shown wherever the gain is.
        **_note(r.gain_note),
        "gain_on_text": b.label(gain_on)["text"],
        "text": text_label(r.text, b.lang),
        "to": r.to,
        "to_text": _maybe_text(b, "to", r.to),
        "priority": r.priority,
        "priority_text": _maybe_text(b, "priority", r.priority),
        "node": node,
        "node_label": b.label(node) if node else None,
        "evidence": list(r.evidence),
        "best_practice": r.best_practice,
        "best_is_practice": r.reference is not None and r.reference.practice,
    }


def _follow_up(b: _Builder, item: Mapping[str, Any]) -> dict[str, Any]:
    text = item.get("text")
    return {
        "id": str(item.get("id", "")),
        "text": text_label(text, b.lang) if isinstance(text, Mapping | str) else _plain(""),
        "to": item.get("to"),
        "to_text": _maybe_text(b, "to", item.get("to")),
        "status": item.get("status"),
        "status_text": _maybe_text(b, "followup", item.get("status")),
        "evidence": str(item["evidence"]) if item.get("evidence") else None,
    }


# --- the context of a run --------------------------------------------------------------------


def report_context(
    run: Run,
    *,
    lang: str = "en",
    mission: str | None = None,
    title: str | None = None,
    date: dt.date | None = None,
    mission_reports: bool = False,
) -> Context:
    """The context of a report on a run: the comparison of its cohort, or one ``mission``.

    The title defaults to the workspace's (comparison) or the mission's name. ``date`` is
    printed as the generation date; without it the report holds no date (same run, same
    bytes). ``mission_reports``: the comparison links to the mission reports written beside
    it (see :func:`comparison_context`). Raises :class:`ovm.UnknownMissionError` for a
    mission not in the run.
    """
    if mission is not None:
        with paused_gc():
            ctx = mission_context(run, mission, lang=lang, title=title)
    else:
        ctx = comparison_context(
            run, lang=lang, title=title or run.title(lang), mission_reports=mission_reports
        )
        if title is None:
            _title_in(ctx, run, lang)
    return _dated(ctx, date, lang)


def _title_in(ctx: Context, run: Run, lang: str) -> None:
    """Give ``ctx`` the language of the workspace's title where it is not ``lang``
    (``title_lang``): a title ovm.yaml lacks in ``lang`` is its English one, which the page
    marks as it marks every other text in another language."""
    ws = run.workspace
    given = ws.config.title if ws is not None else None
    if lang != "en" and isinstance(given, Mapping) and not given.get(lang) and given.get("en"):
        ctx["title_lang"] = "en"


def mission_report_contexts(
    run: Run,
    missions: Iterable[str],
    *,
    lang: str = "en",
    title: str | None = None,
    date: dt.date | None = None,
) -> Iterator[Context]:
    """The contexts of the reports on ``missions`` of a run, one after another, each as
    :func:`report_context` makes it: the labels, bands, scores and texts the reports share are
    worded once for all of them (``--with-missions`` writes a report per mission).
    """
    b = _builder(run, lang)
    for mission in missions:
        with paused_gc():
            ctx = _mission_context(run, mission, b, title)
        yield _dated(ctx, date, lang)


def _dated(ctx: Context, date: dt.date | None, lang: str) -> Context:
    """``ctx`` with its generation date (none without ``date``) and its printed footer."""
    ctx["generated_on"] = date.isoformat() if date is not None else None
    ctx["generated_on_text"] = format_date(date, lang) if date is not None else None
    ctx["print_footer"] = _print_footer(ctx)
    return ctx


def _print_footer(ctx: Context) -> str:
    """The line printed at the foot of every page: rubric, version, data digest, date, in the
    report's language.

    It goes into a CSS ``content`` string inside the page's ``style``: only letters (of any
    language), digits and characters that need no escaping there.
    """
    meth = ctx["methodology"]
    rb = meth["rubric"]
    digest = translator(str(ctx["lang"]))("print_footer_data", digest=meth["data_sha256"][:12])
    parts = [f"{rb['id']} {rb['version']}", digest]
    if ctx.get("generated_on"):
        parts.append(str(ctx["generated_on"]))
    return re.sub(r"[^\w ._:+/-]", "", " / ".join(parts))


# --- rendering -------------------------------------------------------------------------------


def warm_up(lang: str, page: str | None = None, *, apart: bool = False) -> None:
    """Load what writing a report in ``lang`` takes, whatever the run: the language's texts,
    its number formats (CLDR data), the country names and, for a ``page`` (a kind of
    :data:`TEMPLATES`), the packaged templates its rendering loads, compiled or read from the
    cache of compiled ones; ``apart``: those too with which :func:`comparison_page` renders
    the page while a sensitivity analysis runs apart.

    Each is loaded once a process: a command does this while the workspace's checklist table
    is read (its main thread waits there), so that the report's context and page need not.
    Nothing a report shows depends on it. The user's own templates (``--templates``) are left
    to the rendering, which says what is wrong with them.
    """
    translator(lang).text("overall")
    number_formatter(lang, 1)
    format_percent(0.5, lang)
    country_name("ARG", lang)
    if page is None:
        return
    env = environment(lang)
    loader = env.loader
    assert loader is not None  # the environment is made with one
    names, seen = [TEMPLATES[page]], set()
    while names:
        name = names.pop()
        if name in seen:
            continue
        seen.add(name)
        env.get_template(name)
        if apart and page == "comparison":
            _marked(env).get_template(name)
        # The templates it names as its base, its macros or a part: those the page loads.
        names += _NAMED_TEMPLATE.findall(loader.get_source(env, name)[0])


_NAMED_TEMPLATE = re.compile(r"""\{%-?\s*(?:extends|import|include|from)\s+["']([^"']+)["']""")
"""A template's literal name in an ``extends``, ``import``, ``include`` or ``from`` tag."""


def render_html(context: Context, *, templates: str | Path | None = None) -> str:
    """The HTML of a report context (``kind`` picks the page template)."""
    kind = context.get("kind")
    if kind not in TEMPLATES:
        raise ValueError(f"unknown report kind {kind!r}")
    env = environment(str(context.get("lang", "en")), templates)
    with paused_gc():
        return env.get_template(TEMPLATES[str(kind)]).render(context=context)


SENSITIVITY_PARTS = ("partials/ranking.html.j2", "partials/methodology.html.j2")
"""The packaged templates of the comparison that show its sensitivity analysis."""


def comparison_page(
    run: Run,
    *,
    lang: str = "en",
    title: str | None = None,
    date: dt.date | None = None,
    mission_reports: bool = False,
) -> tuple[Context, str]:
    """The comparative report's context and its HTML page with the packaged templates: what
    :func:`report_context` and :func:`render_html` give, the same bytes.

    When the run's sensitivity analysis runs apart (:meth:`~ovm.pipeline.Run.finished`),
    the context and the page are made while it runs, but for the ranking's fields from the
    analysis and the parts of the page that show it (:data:`SENSITIVITY_PARTS`): those are
    made once it has ended, and set in their places."""
    with paused_gc(aged=True):
        ctx, b = _comparison_context(
            run, lang, title or run.title(lang), COLUMNS_PER_TABLE, mission_reports
        )
    if title is None:
        _title_in(ctx, run, lang)
    ctx = _dated(ctx, date, lang)
    if not run.apart:
        _with_sensitivity(b, ctx["ranking"], run)
        return ctx, render_html(ctx)
    # Each part the analysis fills is a mark in the page made meanwhile, which no text of a
    # page holds (a NUL character), then that part rendered as the page would include it.
    env = environment(lang)
    with paused_gc():
        page = _marked(env).get_template(TEMPLATES["comparison"]).render(context=ctx)
    _with_sensitivity(b, ctx["ranking"], run.finished())
    with paused_gc():
        for name in SENSITIVITY_PARTS:
            mark = _mark(name)
            if page.count(mark) != 1:
                # Not included once where it was expected: the page made as a whole.
                return ctx, render_html(ctx)
            page = page.replace(mark, env.get_template(name).render(context=ctx))
    return ctx, page


def _mark(name: str) -> str:
    return f"\x00ovm:{name}\x00"


class _Marks(jinja2.BaseLoader):
    """The templates of :data:`SENSITIVITY_PARTS` as their marks (:func:`_mark`), with no file
    name: their compiled code is kept apart from that of the templates themselves."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template not in SENSITIVITY_PARTS:
            raise jinja2.TemplateNotFound(template)
        return _mark(template), None, lambda: True


@functools.lru_cache(maxsize=16)
def _marked(env: jinja2.Environment) -> jinja2.Environment:
    """``env`` with :class:`_Marks` in place of the templates it names."""
    assert env.loader is not None
    return env.overlay(loader=jinja2.ChoiceLoader([_Marks(), env.loader]))


def render_json(context: Context) -> str:
    """The report context as JSON text (stable, UTF-8, ends with a newline)."""
    return (
        json.dumps(context, ensure_ascii=False, indent=1, default=_json_default, allow_nan=False)
        + "\n"
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON-able: {type(value).__name__}")


def render_xlsx(context: Context) -> bytes:
    """A report context as an XLSX workbook: one table per sheet, numbers stored exactly with
    number formats, band colours as conditional formatting, formulas neutralised.

    A comparison gives overview, rankings, indicators, best practices, recommendations,
    sensitivity, trends, findings and methodology; a mission report its overview, indicators,
    drags, recommendations, follow-up, findings, notes and methodology; either, after its
    findings, the data quality section's rejected rows, rejected cells and warnings when it
    lists any.
    """
    from ovm.reporting.workbook import render_workbook

    return render_workbook(context)


def render_pdf(context: Context, *, templates: str | Path | None = None) -> bytes:
    """A report context as PDF: its HTML printed on A4 by a headless Chromium (page numbers,
    rubric version and data digest in the margins). Raises ``ovm.reporting.pdf.PdfError``
    when no Chromium is found or the print fails."""
    from ovm.reporting.pdf import html_to_pdf

    return html_to_pdf(render_html(context, templates=templates))


@overload
def render(
    context: Context,
    fmt: Literal["html", "json"] = "html",
    *,
    templates: str | Path | None = None,
) -> str: ...


@overload
def render(
    context: Context, fmt: Literal["xlsx", "pdf"], *, templates: str | Path | None = None
) -> bytes: ...


@overload
def render(context: Context, fmt: str, *, templates: str | Path | None = None) -> str | bytes: ...


def render(
    context: Context, fmt: str = "html", *, templates: str | Path | None = None
) -> str | bytes:
    """A report context in ``fmt``: ``html`` and ``json`` give text, ``xlsx`` and ``pdf``
    bytes."""
    if fmt == "html":
        return render_html(context, templates=templates)
    if fmt == "json":
        return render_json(context)
    if fmt == "xlsx":
        return render_xlsx(context)
    if fmt == "pdf":
        return render_pdf(context, templates=templates)
    raise ValueError(f"unknown report format {fmt!r}; use html, json, xlsx or pdf")
