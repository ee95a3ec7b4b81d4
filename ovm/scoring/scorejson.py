"""The scores file, ``ovm-scores/2``: every fact of a :class:`ScoreSet` once, referenced by id.

A score set repeats a great deal when written object by object: every mission carries the
rubric's structure again (parents, kinds, rules, weights, band labels), every input its full
provenance, every group its children's scores, every formula its inputs' values. The file
keeps each of these once and the objects get them back on reading:

- ``nodes``: the rubric's structure as the scorecards show it, once per node (``parent``,
  ``level``, ``kind``, ``rule``, ``formula``, ``aggregation``, ``children`` as ``[id, weight]``,
  ``bands`` as ``{band, label, rating}``). A mission whose node differs (a rule that names its
  cohort, say) writes that field in its own entry, which wins.
- ``provenance``: each distinct provenance (source, date, confidence, recorded by, note, file)
  once; a datum names it by its index and adds its own ``line``.
- ``scorecards[].data``: each datum a mission's scores read (a variable, an answer, a
  checklist question's site counts) once; a node's ``inputs`` name data by index.
- A node entry omits what the file already says: ``band_label`` and ``rating`` (from its
  band in ``nodes``), ``raw_value`` when it is the value, the explanation's score when it is
  the node's score, a child's status and score (the child's own entry), a formula input's
  value (the node it names), and any field at its default (null, false, empty).
- A node's ``status`` is the one every output shows (``imputed`` for a value the comparison
  imputed: ``ovm.scoring.imputed.shown_status``); the reader gives the scorecard's own back
  (``scored``; the ``imputed-value`` finding says the rest).

Reading a file (:func:`loads`) gives the very objects that were written: ``loads(dumps(s)) ==
s`` for every score set. Each omission above is made only when the reader derives exactly
the written value, so an unusual value is written out instead of lost.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ovm.data.observations import Provenance
from ovm.scoring.imputed import IMPUTED_STATUS, imputed_nodes, shown_status

if TYPE_CHECKING:
    from ovm.scoring.results import ScoreSet

FORMAT = "ovm-scores/2"
"""The format written; :func:`loads` also reads ``ovm-scores/1`` (one object per object)."""

Json = Any
"""A JSON value: dict, list, str, int, float, bool or None."""

# The structural fields of a node: the same in every scorecard unless a mission says otherwise.
_NODE_FIELDS = ("parent", "level", "kind")
_EXPLANATION_FIELDS = ("rule", "formula", "aggregation")
_RULE_FIELDS = ("rule", "formula")
# An input's fields besides name and kind, and what each is when the file leaves it out.
_INPUT_DEFAULTS: dict[str, Json] = {
    "status": "value",
    "value": None,
    "n": None,
    "accepted": None,
    "not_applicable": None,
    "not_observed": None,
    "simulated": False,
}
_FINDING_DEFAULTS: dict[str, Json] = {"node": None, "severity": "warning", "params": {}}
_PLACE = ("line", "column")
"""A provenance's place in its file: the datum's own; the rest of it is shared."""
_TABLES = ("nodes", "provenance", "findings", "scorecards")
_OWN_STATUS = {IMPUTED_STATUS: "scored"}
"""A shown status that is not the scorecard's own, and the own status it stands for: the
reader gives that back."""

_READS = re.compile(r"(value|score|band|rating)\((.+)\)")


def same(a: Json, b: Json) -> bool:
    """Whether two JSON values write the same text (so 1 is not 1.0, nor -0.0 0.0)."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is float:
        return bool(a == b) and math.copysign(1.0, a) == math.copysign(1.0, b)
    if kind is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if kind is dict:
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def _encoder(
    *, ensure_ascii: bool, separators: tuple[str, str], allow_nan: bool
) -> Callable[[Json], str]:
    """``json.dumps`` with these arguments, the same text, made for many small values: the
    encoder's C part is set up once instead of at every call (a scores file writes and keys
    thousands of small values, and the setting up was most of each call's time)."""
    plain = json.JSONEncoder(ensure_ascii=ensure_ascii, separators=separators, allow_nan=allow_nan)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return plain.encode
    strings = (
        json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring
    )
    # No check for circular values: these are parsed JSON, which cannot hold one.
    chunks = make(
        None, plain.default, strings, None, separators[1], separators[0], False, False, allow_nan
    )

    def encode(value: Json) -> str:
        return "".join(chunks(value, 0))

    return encode


_key_text = _encoder(ensure_ascii=True, separators=(", ", ": "), allow_nan=True)


def _key(value: Json) -> str:
    """A dict key that tells apart any two values that write different text (``json.dumps``
    with its default arguments; dumped dicts keep their field order)."""
    return _key_text(value)


# --- what a reader derives -------------------------------------------------------------------


def _band_of(table: Mapping[str, Json], band: Json) -> tuple[Json, Json]:
    """(band_label, rating) of a band as the node's table gives them; (None, None) for none."""
    if band is None:
        return None, None
    for b in table.get("bands", ()):
        if b["band"] == band:
            return b.get("label"), b.get("rating")
    return None, None


def _status(entry: Mapping[str, Json]) -> str:
    """A node's status when its entry leaves it out: scored when it has a score."""
    return "scored" if entry.get("score") is not None else "missing"


def _share(weights: list[float], statuses: list[str], score: Json) -> list[Json]:
    """Each child's share of a weighted mean: its weight over the weight that has a score."""
    scored = 0.0
    for w, s in zip(weights, statuses, strict=True):
        if s == "scored":
            scored += w
    return [
        None if score is None or s != "scored" or scored == 0 else w / scored
        for w, s in zip(weights, statuses, strict=True)
    ]


NodeLookup = Callable[[str], "Mapping[str, Json] | None"]


def _node_read(name: str, here: NodeLookup, cards: Mapping[str, NodeLookup]) -> dict[str, Json]:
    """The status and value of an input that reads a node: ``rating(pr)``, ``status``,
    ``legal@ecu-2021`` (a node of another mission of the set)."""
    field = "score"
    m = _READS.fullmatch(name)
    if m is not None:
        field, name = m.group(1), m.group(2)
    lookup = here
    if "@" in name:
        name, mission = name.rsplit("@", 1)
        other = cards.get(mission)
        if other is None:
            return {}
        lookup = other
    ns = lookup(name)
    if ns is None:
        return {}
    raw = ns.get(field)
    value = float(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw
    if value is not None:
        return {"status": "value", "value": value}
    status = ns.get("status", _status(ns))
    return {"status": "not_applicable" if status == "not_applicable" else "missing"}


# --- writing ---------------------------------------------------------------------------------


class _Tables:
    """The rows shared by scorecards: the node table and the provenance table."""

    def __init__(self, cards: list[dict[str, Json]]) -> None:
        self.provenance: list[dict[str, Json]] = []
        self._prov_ids: dict[str, int] = {}
        self.findings: list[dict[str, Json]] = []
        self._finding_ids: dict[str, int] = {}
        self.nodes: dict[str, dict[str, Json]] = {}
        votes: dict[str, dict[str, Counter[Json]]] = {}
        # The rule and formula a node is scored with, counted over scored entries alone: a
        # rule that does not apply to most missions ("not applicable: ...") is not the
        # rubric's, and the table describes the rubric.
        scored_votes: dict[str, dict[str, Counter[Json]]] = {}
        first: dict[tuple[str, str, Json], Json] = {}
        bands: dict[str, dict[int, set[str]]] = {}
        for card in cards:
            for ns in (card["overall"], *card["nodes"]):
                node = ns["node"]
                ex = ns["explanation"]
                fields = {f: ns[f] for f in _NODE_FIELDS}
                fields |= {f: ex[f] for f in _EXPLANATION_FIELDS}
                fields["children"] = [[c["node"], c["weight"]] for c in ex["children"]]
                count = votes.get(node)
                if count is None:
                    count = votes[node] = {f: Counter() for f in fields}
                for f, v in fields.items():
                    # Strings, integers and null are their own keys; a value that compares
                    # equal to another it does not write like (a weight of -0.0) only costs a
                    # scorecard an override, as entries are checked against the table.
                    k = _key(v) if isinstance(v, list | float) else v
                    count[f][k] += 1
                    first.setdefault((node, f, k), v)
                    if f in _RULE_FIELDS and ns.get("status") == "scored":
                        scored_votes.setdefault(node, {}).setdefault(f, Counter())[k] += 1
                if ns["band"] is not None:
                    seen = bands.setdefault(node, {}).setdefault(ns["band"], set())
                    seen.add(_key([ns["band_label"], ns.get("rating")]))
        for node, count in votes.items():
            row: dict[str, Json] = {}
            for f, c in count.items():
                c = scored_votes.get(node, {}).get(f) or c
                # The most frequent; ties go to the first seen (Counter keeps insertion order).
                k = c.most_common(1)[0][0]
                value = first[(node, f, k)]
                if f in _NODE_FIELDS or value not in (None, []):
                    row[f] = value
            table = []
            for band, labels in sorted(bands.get(node, {}).items()):
                if len(labels) == 1:
                    label, rating = json.loads(next(iter(labels)))
                    entry: dict[str, Json] = {"band": band, "label": label}
                    if rating is not None:
                        entry["rating"] = rating
                    table.append(entry)
            if table:
                row["bands"] = table
            self.nodes[node] = row

    def finding_id(self, finding: Mapping[str, Json]) -> int:
        """The index of a finding (its node aside) in the table, added if new."""
        row = {
            k: v
            for k, v in finding.items()
            if k != "node" and not (k in _FINDING_DEFAULTS and same(v, _FINDING_DEFAULTS[k]))
        }
        k = _key(row)
        got = self._finding_ids.get(k)
        if got is None:
            got = self._finding_ids[k] = len(self.findings)
            self.findings.append(row)
        return got

    def provenance_id(self, prov: Mapping[str, Json]) -> int:
        """The index of a provenance (its line aside) in the table, added if new."""
        row = {k: v for k, v in prov.items() if k not in _PLACE and v is not None}
        k = _key(row)
        got = self._prov_ids.get(k)
        if got is None:
            got = self._prov_ids[k] = len(self.provenance)
            self.provenance.append(row)
        return got


def _compact_card(
    card: dict[str, Json],
    tables: _Tables,
    cards: Mapping[str, NodeLookup],
    shown: Mapping[str, str],
) -> dict[str, Json]:
    by_id = {ns["node"]: ns for ns in (card["overall"], *card["nodes"])}
    here: NodeLookup = by_id.get
    data: list[dict[str, Json]] = []
    data_ids: dict[str, int] = {}
    notes = list(card["notes"])
    note_ids = {_key(n): i for i, n in enumerate(notes)}
    other_notes: list[dict[str, Json]] = []

    def _provenance(prov: Mapping[str, Json] | None, row: dict[str, Json]) -> None:
        if prov is not None:
            row["provenance"] = tables.provenance_id(prov)
            row |= {k: prov[k] for k in _PLACE if prov.get(k) is not None}

    def datum(inp: dict[str, Json]) -> int:
        k = _key(inp)
        got = data_ids.get(k)
        if got is None:
            row: dict[str, Json] = {"name": inp["name"], "kind": inp["kind"]}
            row |= {f: inp[f] for f, d in _INPUT_DEFAULTS.items() if not same(inp[f], d)}
            _provenance(inp["provenance"], row)
            got = data_ids[k] = len(data)
            data.append(row)
        return got

    def node_input(inp: dict[str, Json]) -> dict[str, Json]:
        row: dict[str, Json] = {"name": inp["name"], "kind": "node"}
        derived = _node_read(inp["name"], here, cards)
        for f, d in _INPUT_DEFAULTS.items():
            if not same(inp[f], derived.get(f, d)):
                row[f] = inp[f]
        _provenance(inp["provenance"], row)
        return row

    def note_id(note: dict[str, Json]) -> int:
        k = _key(note)
        got = note_ids.get(k)
        if got is None:
            got = note_ids[k] = len(notes) + len(other_notes)
            other_notes.append(note)
        return got

    def entry(ns: dict[str, Json]) -> dict[str, Json]:
        node = ns["node"]
        table = tables.nodes[node]
        ex = ns["explanation"]
        out: dict[str, Json] = {"node": node}
        for f in ("value", "score"):
            if ns[f] is not None:
                out[f] = ns[f]
        status = shown.get(node, ns["status"])
        if status != _status(out):
            out["status"] = status
        if not same(ns["coverage"], 1.0):
            out["coverage"] = ns["coverage"]
        if ns["band"] is not None:
            out["band"] = ns["band"]
        label, rating = _band_of(table, ns["band"])
        if not same(ns["band_label"], label):
            out["band_label"] = ns["band_label"]
        if not same(ns.get("rating"), rating):
            out["rating"] = ns.get("rating")
        if ns["interval"] is not None:
            out["interval"] = ns["interval"]
        if ns["sampled"]:
            out["sampled"] = True
        for f in _NODE_FIELDS:
            if not same(ns[f], table[f]):
                out[f] = ns[f]
        for f in _EXPLANATION_FIELDS:
            if not same(ex[f], table.get(f)):
                out[f] = ex[f]
        if not same(ex["raw_value"], ns["value"]):
            out["raw_value"] = ex["raw_value"]
        if not same(ex["score"], ns["score"]):
            out["explained_score"] = ex["score"]
        inputs: list[Json] = [
            node_input(i) if i["kind"] == "node" else datum(i) for i in ex["inputs"]
        ]
        if inputs:
            out["inputs"] = inputs
        kids = ex["children"]
        pairs = [[c["node"], c["weight"]] for c in kids]
        if not same(pairs, table.get("children", [])):
            out["children"] = pairs
        if kids:
            own = [by_id.get(c["node"]) for c in kids]
            if not all(
                o is not None and same(c["status"], o["status"]) and same(c["score"], o["score"])
                for c, o in zip(kids, own, strict=True)
            ):
                out["contributions"] = kids
            else:
                shares = [c["share"] for c in kids]
                derived = _share(
                    [c["weight"] for c in kids], [c["status"] for c in kids], ex["score"]
                )
                if not same(shares, derived):
                    out["shares"] = shares
        if ex["notes"]:
            out["notes"] = [note_id(n) for n in ex["notes"]]
        return out

    nodes = [entry(ns) for ns in card["nodes"]]
    out: dict[str, Json] = {"mission": card["mission"], "overall": entry(card["overall"])}
    out["nodes"] = nodes
    out["data"] = data
    out["findings"] = [
        [tables.finding_id(f)] if f["node"] is None else [tables.finding_id(f), f["node"]]
        for f in card["findings"]
    ]
    if card["sites"]:
        out["sites"] = card["sites"]
    if card["simulated"]:
        out["simulated"] = True
    if notes:
        out["notes"] = notes
    if other_notes:
        out["other_notes"] = other_notes
    if card["notes_total"]:
        out["notes_total"] = card["notes_total"]
    if card["coverage"] is not None:
        out["coverage"] = card["coverage"]
    return out


def compact(
    full: dict[str, Json], shown: Mapping[str, Mapping[str, str]] | None = None
) -> dict[str, Json]:
    """The ``ovm-scores/2`` form of a score set dumped object by object
    (``ScoreSet.model_dump(mode="json")``); ``shown`` maps a mission's nodes to the status
    the outputs show them when it is not their own (:func:`shown_statuses`)."""
    shown = shown or {}
    cards: list[dict[str, Json]] = full["scorecards"]
    tables = _Tables(cards)
    lookups: dict[str, NodeLookup] = {
        c["mission"]["id"]: {ns["node"]: ns for ns in (c["overall"], *c["nodes"])}.get
        for c in cards
    }
    compacted = [
        _compact_card(c, tables, lookups, shown.get(c["mission"]["id"], {})) for c in cards
    ]
    out = {k: v for k, v in full.items() if k != "scorecards"}
    if not out.get("warnings"):
        # Written only when there are some: files written before they were kept read the same.
        out.pop("warnings", None)
    out["format"] = FORMAT
    return {
        **{k: out.pop(k) for k in ("format", "rubric", "data_sha256", "seed", "bootstrap")},
        "confidence": out.pop("confidence"),
        "nodes": tables.nodes,
        "provenance": tables.provenance,
        "findings": tables.findings,
        "scorecards": compacted,
        **out,
    }


# --- reading ---------------------------------------------------------------------------------


def _expand_card(
    card: Mapping[str, Json],
    nodes: Mapping[str, Mapping[str, Json]],
    provenance: list[Mapping[str, Json]],
    findings: list[Mapping[str, Json]],
    cards: Mapping[str, NodeLookup],
) -> dict[str, Json]:
    entries = {e["node"]: e for e in (card["overall"], *card["nodes"])}
    here = _reader(card, nodes)
    data: list[Mapping[str, Json]] = card.get("data", [])
    notes = [*card.get("notes", []), *card.get("other_notes", [])]

    def source(row: Mapping[str, Json]) -> dict[str, Json] | None:
        if "provenance" not in row:
            return None
        got = dict.fromkeys(Provenance.model_fields)
        got |= provenance[row["provenance"]]
        got |= {k: row[k] for k in _PLACE if k in row}
        return got

    def datum(row: Mapping[str, Json]) -> dict[str, Json]:
        inp: dict[str, Json] = {"name": row["name"], "kind": row["kind"]}
        inp |= {f: row.get(f, d) for f, d in _INPUT_DEFAULTS.items()}
        inp["provenance"] = source(row)
        return inp

    def node_input(row: Mapping[str, Json]) -> dict[str, Json]:
        derived = _node_read(row["name"], here, cards)
        inp: dict[str, Json] = {"name": row["name"], "kind": "node"}
        inp |= {f: row.get(f, derived.get(f, d)) for f, d in _INPUT_DEFAULTS.items()}
        inp["provenance"] = source(row)
        return inp

    def node_score(e: Mapping[str, Json]) -> dict[str, Json]:
        table = nodes[e["node"]]
        label, rating = _band_of(table, e.get("band"))
        ns: dict[str, Json] = {"node": e["node"]}
        ns |= {f: e.get(f, table[f]) for f in _NODE_FIELDS}
        ns |= {
            "value": e.get("value"),
            "score": e.get("score"),
            "coverage": e.get("coverage", 1.0),
            "status": e.get("status", _status(e)),
            "band": e.get("band"),
            "band_label": e.get("band_label", label),
        }
        got_rating = e.get("rating", rating)
        if got_rating is not None:
            ns["rating"] = got_rating
        ns |= {"interval": e.get("interval"), "sampled": e.get("sampled", False)}
        pairs = e.get("children", table.get("children", []))
        if "contributions" in e:
            children = list(e["contributions"])
        else:
            kids = [entries[k] for k, _ in pairs]
            statuses = [k.get("status", _status(k)) for k in kids]
            score = e.get("explained_score", e.get("score"))
            shares = e.get("shares") or _share([w for _, w in pairs], statuses, score)
            children = [
                {
                    "node": k,
                    "status": s,
                    "score": kid.get("score"),
                    "weight": w,
                    "share": share,
                }
                for (k, w), kid, s, share in zip(pairs, kids, statuses, shares, strict=True)
            ]
        ns["explanation"] = {
            "inputs": [
                datum(data[i]) if isinstance(i, int) else node_input(i) for i in e.get("inputs", [])
            ],
            "formula": e.get("formula", table.get("formula")),
            "raw_value": e.get("raw_value", e.get("value")),
            "rule": e.get("rule", table.get("rule")),
            "score": e.get("explained_score", e.get("score")),
            "aggregation": e.get("aggregation", table.get("aggregation")),
            "children": children,
            "notes": [notes[i] for i in e.get("notes", [])],
        }
        return ns

    return {
        "mission": card["mission"],
        "overall": node_score(card["overall"]),
        "nodes": [node_score(e) for e in card["nodes"]],
        "findings": [
            {**_FINDING_DEFAULTS, **findings[f[0]], "node": f[1] if len(f) > 1 else None}
            for f in card.get("findings", [])
        ],
        "sites": card.get("sites", 0),
        "simulated": card.get("simulated", False),
        "notes": list(card.get("notes", [])),
        "notes_total": card.get("notes_total", 0),
        "coverage": card.get("coverage"),
    }


def _reader(card: Mapping[str, Json], nodes: Mapping[str, Mapping[str, Json]]) -> NodeLookup:
    """What an input may read of a card's nodes (its rating from the band table)."""
    entries = {e["node"]: e for e in (card["overall"], *card["nodes"])}

    def read(node: str) -> Mapping[str, Json] | None:
        e = entries.get(node)
        if e is None:
            return None
        _label, rating = _band_of(nodes[node], e.get("band"))
        return {**e, "rating": e.get("rating", rating)}

    return read


def _own_status(entry: Mapping[str, Json]) -> Mapping[str, Json]:
    own = _OWN_STATUS.get(entry.get("status", ""))
    return entry if own is None else {**entry, "status": own}


def _own_statuses(card: Mapping[str, Json]) -> Mapping[str, Json]:
    """A card whose entries have their scorecard's own status, not the one the file shows."""
    return {
        **card,
        "overall": _own_status(card["overall"]),
        "nodes": [_own_status(e) for e in card["nodes"]],
    }


def expand(data: Mapping[str, Json]) -> dict[str, Json]:
    """A score set object by object (as ``ScoreSet.model_validate`` reads it) from its
    ``ovm-scores/2`` form."""
    nodes: Mapping[str, Mapping[str, Json]] = data["nodes"]
    provenance: list[Mapping[str, Json]] = data["provenance"]
    data = {**data, "scorecards": [_own_statuses(c) for c in data["scorecards"]]}
    lookups: dict[str, NodeLookup] = {
        c["mission"]["id"]: _reader(c, nodes) for c in data["scorecards"]
    }
    findings: list[Mapping[str, Json]] = data["findings"]
    out = {k: v for k, v in data.items() if k not in _TABLES}
    out["scorecards"] = [
        _expand_card(c, nodes, provenance, findings, lookups) for c in data["scorecards"]
    ]
    out.setdefault("warnings", [])  # left out when there are none
    return out


# --- text ------------------------------------------------------------------------------------

# Written one per line: readable, greppable, and a diff shows the node that changed.
_ROWS = ("nodes", "provenance", "findings", "files", "rejected", "warnings")
_CARD_ROWS = ("nodes", "data", "findings", "notes", "other_notes")


_line = _encoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _rows(items: Iterable[str], indent: str, open_: str, close: str) -> str:
    body = f",\n{indent} ".join(items)
    return f"{open_}\n{indent} {body}\n{indent}{close}" if body else open_ + close


def _dict_text(value: Mapping[str, Json], indent: str, write: Callable[[str, Json], str]) -> str:
    return _rows((f"{_line(k)}: {write(k, v)}" for k, v in value.items()), indent, "{", "}")


def text(data: Mapping[str, Json]) -> str:
    """The file's text: one top-level field, node, datum or finding a line; UTF-8, ends with
    a newline, the same bytes for the same score set."""

    def card_field(key: str, value: Json) -> str:
        if key in _CARD_ROWS:
            return _rows((_line(v) for v in value), "   ", "[", "]")
        return _line(value)

    def card_text(card: Mapping[str, Json]) -> str:
        return _dict_text(card, "  ", card_field)

    def top_field(key: str, value: Json) -> str:
        if key == "scorecards":
            return _rows((card_text(c) for c in value), " ", "[", "]")
        if key in _ROWS and isinstance(value, dict):
            return _dict_text(value, " ", lambda _k, v: _line(v))
        if key in _ROWS:
            return _rows((_line(v) for v in value), " ", "[", "]")
        return _line(value)

    return _dict_text(data, "", top_field) + "\n"


def shown_statuses(scores: ScoreSet) -> dict[str, dict[str, str]]:
    """Each mission's nodes whose shown status (:func:`ovm.scoring.imputed.shown_status`)
    differs from their own, and that status; only one the reader gives the own status back
    from: the file loses nothing."""
    out: dict[str, dict[str, str]] = {}
    for card in scores.scorecards:
        imputed = imputed_nodes(card)
        if not imputed:
            continue
        here = {}
        for ns in (card.overall, *card.nodes):
            status = shown_status(ns, imputed)
            if status != ns.status and _OWN_STATUS.get(status) == ns.status:
                here[ns.node] = status
        if here:
            out[card.mission.id] = here
    return out


def to_data(scores: ScoreSet) -> dict[str, Json]:
    """The ``ovm-scores/2`` form of a score set as plain data (what a comparison embeds),
    each node with the status every output shows it."""
    # Through pydantic's JSON writer: fast, and NaN or infinity become null as JSON has
    # neither.
    full: dict[str, Json] = json.loads(scores.model_dump_json())
    return compact(full, shown_statuses(scores))


def dumps(scores: ScoreSet) -> str:
    """The ``ovm-scores/2`` text of a score set, each node with the status every output
    shows it."""
    return text(to_data(scores))


def read(text_: str | bytes) -> dict[str, Json]:
    """A scores file (``ovm-scores/2``, or ``ovm-scores/1``) object by object, as
    ``ScoreSet.model_validate`` reads it; ValueError when the text is not one."""
    try:
        data = json.loads(text_)
    except RecursionError:
        # The decoder recurses once per bracket; nesting past the interpreter's limit is not
        # a scores file either.
        raise ValueError("not an ovm scores file (nested too deeply to read)") from None
    got = data.get("format") if isinstance(data, dict) else None
    if got == "ovm-scores/1":
        return {**data, "format": FORMAT}
    if got != FORMAT:
        raise ValueError(f"not an ovm scores file (format {got!r}; expected {FORMAT!r})")
    try:
        return expand(data)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError, RecursionError) as exc:
        raise ValueError(f"a damaged {FORMAT} file: {type(exc).__name__} {exc}") from exc
