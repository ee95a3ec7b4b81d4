"""The ASEM index of COINr expressed as an ovm rubric, built from its metadata at test time.

The reference files stay in ``../shared/reference/asem`` (never copied into the repository):
this module reads ``ASEM_COIN_IndMeta.csv`` and ``ASEM_COIN_AggMeta.csv`` and writes the rubric
as YAML text, which the tests then load with :func:`ovm.load_rubric` like any rubric file.

Mapping: the index is the rubric's root (``overall``); the two sub-indices (level 3) are
families; the eight pillars (level 2) are sub-groups; each indicator is a quantitative indicator
whose formula is one variable named after it, scored by ``rule: {type: cohort}`` with COINr's
direction. Ids are COINr codes in lower case (``Goods`` -> ``goods``).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

ASEM = Path(__file__).resolve().parents[1].parent / "shared/reference/asem"


def node_id(code: str) -> str:
    """The ovm id (and variable name) of a COINr code."""
    return code.lower()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def rubric_data(folder: Path = ASEM) -> dict[str, Any]:
    """The rubric as plain data, from the metadata files in ``folder``."""
    ind = _rows(folder / "ASEM_COIN_IndMeta.csv")
    agg = _rows(folder / "ASEM_COIN_AggMeta.csv")
    weight = {a["Code"]: float(a["Weight"]) for a in agg}
    name = {a["Code"]: a["Name"] for a in agg}
    variables = []
    pillars: dict[str, list[dict[str, Any]]] = {}
    parent_of: dict[str, str] = {}
    for row in ind:
        code = row["IndCode"]
        variables.append(
            {
                "name": node_id(code),
                "labels": {"en": row["IndName"]},
                "unit": row["IndUnit"] or "index",
                "source": "statistics",
            }
        )
        pillars.setdefault(row["Agg1"], []).append(
            {
                "id": node_id(code),
                "kind": "quantitative",
                "labels": {"en": row["IndName"]},
                "source": "statistics",
                "weight": float(row["IndWeight"]),
                "formula": node_id(code),
                "rule": {
                    "type": "cohort",
                    "direction": "higher" if float(row["Direction"]) > 0 else "lower",
                },
            }
        )
        parent_of[row["Agg1"]] = row["Agg2"]
    families: dict[str, list[dict[str, Any]]] = {}
    for pillar, children in pillars.items():
        families.setdefault(parent_of[pillar], []).append(
            {
                "id": node_id(pillar),
                "labels": {"en": name[pillar]},
                "weight": weight[pillar],
                "aggregation": "arithmetic",
                "children": children,
            }
        )
    return {
        "ovm_rubric": 1,
        "id": "asem",
        "version": "coinr-b9682034",
        "title": {"en": name.get("Index", "ASEM index")},
        "languages": ["en"],
        "aggregation": "arithmetic",
        "min_coverage": 0.0,
        "variables": variables,
        "families": [
            {
                "id": node_id(f),
                "labels": {"en": name[f]},
                "weight": weight[f],
                "aggregation": "arithmetic",
                "children": kids,
            }
            for f, kids in families.items()
        ],
    }


def rubric_yaml(folder: Path = ASEM) -> str:
    """The rubric as YAML text."""
    return yaml.safe_dump(rubric_data(folder), allow_unicode=True, sort_keys=False, width=100)
