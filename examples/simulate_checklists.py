#!/usr/bin/env python3
"""Write examples/checklists.csv: SIMULATED observer checklists for the example missions.

THE DATA THIS SCRIPT WRITES IS SIMULATED. No public record of individual observer checklists
(one row per visit to a polling place abroad) exists for any of these elections, so the rows are
drawn at random, with a fixed seed, from plausible per-mission propensities. Every row carries
``simulated=yes`` and every report built from it must say that the site-level data is simulated.
Host countries and cities follow where each diaspora votes (see ocv-figures.csv); everything
else - answers, counts, times, observers, notes - is invented.

Only the standard library, numpy and PyYAML are used. The checklist questions are read from the
bundled rubric (every indicator of kind ``checklist``: its id, answer type, choices, whether
"not applicable" is allowed, and its minimum/maximum), so the columns follow the rubric.

Usage: python examples/simulate_checklists.py [--rubric PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import yaml

SEED = 20261128
HERE = Path(__file__).resolve().parent
RUBRIC = HERE.parent / "ovm" / "rubrics" / "deco-voting-abroad.yaml"
OUT = HERE / "checklists.csv"

# Missions with in-person polling places abroad. Missions whose vote abroad was only postal or
# internet (Mexico 2012 and 2018, El Salvador 2014 and 2019, Panama 2014 and 2019, Ecuador 2023)
# have no polling places to visit and get no rows.
# mission -> election day, quality shift (logit), queue median (min), turned-away rate per visit,
#            travel-time median (min), share of counts not held at the table, host cities
#            (country, city, weight), and whether all voting was at consulates
MISSIONS: dict[str, dict[str, Any]] = {
    "mex-2024": {
        "day": "2024-06-02",
        "quality": -0.2,
        "queue": 45,
        "turned": 4.0,
        "travel": 60,
        "count_na": 0.6,
        "consulates_only": True,
        "cities": [
            ("USA", "Los Angeles", 5),
            ("USA", "Chicago", 3),
            ("USA", "Houston", 3),
            ("USA", "Dallas", 2),
            ("USA", "Phoenix", 2),
            ("USA", "New York", 2),
            ("CAN", "Montreal", 1),
            ("CAN", "Toronto", 1),
            ("ESP", "Madrid", 1),
            ("FRA", "Paris", 1),
        ],
    },
    "col-2018": {
        "day": "2018-05-27",
        "quality": 0.3,
        "queue": 15,
        "turned": 0.8,
        "travel": 45,
        "count_na": 0.03,
        "cities": [
            ("USA", "Miami", 4),
            ("USA", "New York", 3),
            ("USA", "Houston", 1),
            ("ESP", "Madrid", 3),
            ("ESP", "Barcelona", 2),
            ("ESP", "Valencia", 1),
            ("VEN", "Caracas", 2),
            ("VEN", "Maracaibo", 1),
            ("ECU", "Quito", 1),
            ("CHL", "Santiago", 1),
            ("PAN", "Panamá", 1),
            ("CAN", "Toronto", 1),
        ],
    },
    "col-2022": {
        "day": "2022-05-29",
        "quality": 0.4,
        "queue": 12,
        "turned": 0.6,
        "travel": 45,
        "count_na": 0.03,
        "cities": [
            ("USA", "Miami", 4),
            ("USA", "New York", 3),
            ("USA", "Houston", 1),
            ("ESP", "Madrid", 3),
            ("ESP", "Barcelona", 2),
            ("ESP", "Valencia", 1),
            ("ECU", "Quito", 1),
            ("CHL", "Santiago", 2),
            ("PAN", "Panamá", 1),
            ("MEX", "Ciudad de México", 1),
            ("CAN", "Toronto", 1),
            ("ARG", "Buenos Aires", 1),
        ],
    },
    "cri-2014": {
        "day": "2014-02-02",
        "quality": 0.5,
        "queue": 5,
        "turned": 0.4,
        "travel": 90,
        "count_na": 0.03,
        "consulates_only": True,
        "cities": [
            ("USA", "New York", 2),
            ("USA", "Los Angeles", 2),
            ("USA", "Miami", 1),
            ("USA", "Washington", 1),
            ("CAN", "Toronto", 1),
            ("ESP", "Madrid", 1),
            ("MEX", "Ciudad de México", 1),
            ("PAN", "Panamá", 1),
            ("NIC", "Managua", 1),
        ],
    },
    "cri-2022": {
        "day": "2022-02-06",
        "quality": 0.6,
        "queue": 5,
        "turned": 0.3,
        "travel": 90,
        "count_na": 0.03,
        "consulates_only": True,
        "cities": [
            ("USA", "New York", 2),
            ("USA", "Los Angeles", 2),
            ("USA", "Miami", 1),
            ("USA", "Washington", 1),
            ("CAN", "Toronto", 1),
            ("ESP", "Madrid", 1),
            ("MEX", "Ciudad de México", 1),
            ("PAN", "Panamá", 1),
            ("NIC", "Managua", 1),
        ],
    },
    "dom-2016": {
        "day": "2016-05-15",
        "quality": -0.3,
        "queue": 25,
        "turned": 1.5,
        "travel": 40,
        "count_na": 0.03,
        "cities": [
            ("USA", "New York", 6),
            ("USA", "Boston", 2),
            ("USA", "Miami", 2),
            ("USA", "Orlando", 1),
            ("PRI", "San Juan", 2),
            ("ESP", "Madrid", 2),
            ("ESP", "Barcelona", 1),
            ("ITA", "Milano", 1),
            ("PAN", "Panamá", 1),
            ("VEN", "Caracas", 1),
            ("CAN", "Montreal", 1),
        ],
    },
    "ecu-2021": {
        "day": "2021-02-07",
        "quality": 0.0,
        "queue": 30,
        "turned": 1.2,
        "travel": 50,
        "count_na": 0.03,
        "cities": [
            ("ESP", "Madrid", 4),
            ("ESP", "Barcelona", 2),
            ("ESP", "Murcia", 1),
            ("ESP", "Valencia", 1),
            ("USA", "New York", 3),
            ("USA", "Newark", 1),
            ("USA", "Chicago", 1),
            ("ITA", "Milano", 2),
            ("ITA", "Genova", 1),
            ("GBR", "London", 1),
            ("CHL", "Santiago", 1),
            ("CAN", "Toronto", 1),
        ],
    },
    "per-2021": {
        # Chile, Venezuela, Paraguay and Aruba were excluded in 2021 (no sites there).
        "day": "2021-04-11",
        "quality": -0.1,
        "queue": 40,
        "turned": 2.0,
        "travel": 45,
        "count_na": 0.03,
        "cities": [
            ("USA", "New York", 2),
            ("USA", "Miami", 2),
            ("USA", "Los Angeles", 1),
            ("ARG", "Buenos Aires", 4),
            ("ESP", "Madrid", 3),
            ("ESP", "Barcelona", 1),
            ("ITA", "Milano", 2),
            ("ITA", "Roma", 1),
            ("JPN", "Tokyo", 1),
            ("BRA", "São Paulo", 1),
        ],
    },
    "pry-2018": {
        "day": "2018-04-22",
        "quality": -0.4,
        "queue": 20,
        "turned": 1.0,
        "travel": 30,
        "count_na": 0.03,
        "cities": [
            ("ARG", "Buenos Aires", 10),
            ("ARG", "La Plata", 2),
            ("ARG", "Posadas", 2),
            ("ESP", "Madrid", 3),
            ("ESP", "Barcelona", 1),
            ("USA", "New York", 1),
            ("BRA", "São Paulo", 1),
        ],
    },
}

# Share of accepted answers at an average mission, per question (unknown questions: 0.8).
BASE_ACCEPT = {
    "procedures.voter_list_at_site": 0.95,
    "procedures.site_as_published": 0.93,
    "participation.campaign_free_zone": 0.88,
    "legal.complaint_forms": 0.70,
    "practice.opened_on_time": 0.75,
    "practice.materials_complete": 0.86,
    "practice.staff_complete": 0.80,
    "practice.secrecy": 0.92,
    "practice.id_checked": 0.93,
    "practice.party_agents": 0.55,
    "practice.accessible": 0.60,
    "practice.closing": 0.85,
    "practice.counting_procedure": 0.85,
    "practice.observer_access": 0.96,
}
# Questions only observable at the first visit of the day (opening) or the last one (closing).
AT_OPENING = {"practice.opened_on_time"}
AT_CLOSING = {"practice.closing", "practice.counting_procedure"}
BLANK_RATE = 0.02  # cells left empty at random (not observed)

NOTES = [
    "Faltaban mamparas en una mesa; se improvisó con cajas de cartón.",
    "Queue around the block at mid-morning; consulate staff handed out numbers.",
    "Dos electores no figuraban en la lista; se les remitió al módulo de atención consular.",
    "Fiscal de partido sin credencial fue invitado a retirarse.",
    "Local trasladado a otra dirección sin aviso previo; cartel en la puerta.",
    "Observer asked to wait outside until 09:15 by building security.",
    "Acta de escrutinio firmada por todos los miembros; copias entregadas a los fiscales.",
    "Ballot box seal numbers recorded; no discrepancies.",
    "Rampa de acceso bloqueada por vallas; se habilitó una entrada lateral.",
    "Votante con pasaporte vencido no pudo votar.",
    "Varios electores consultaron por qué no podían votar por internet.",
    "Table officials unsure how to record a complaint; called the consulate.",
]
# Security test fixtures: hostile text that every renderer must escape or neutralise.
HOSTILE_NOTES = [
    "Nota de prueba de seguridad (fixture): <script>alert(1)</script>",
    "Security test fixture, link left by a voter: javascript:alert(1)",
]


def walk(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every checklist indicator, in rubric order."""
    out: list[dict[str, Any]] = []
    for node in nodes:
        if "children" in node:
            out += walk(node["children"])
        elif node.get("kind") == "checklist":
            out.append(node)
    return out


def load_questions(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = []
    for node in walk(data["families"]):
        atype = node.get("answer_type", "yes_no")
        choices = (
            ["yes", "no"]
            if atype == "yes_no"
            else [str(c["name"]) for c in node.get("choices") or []]
        )
        questions.append(
            {
                "id": node["id"],
                "type": atype,
                "choices": choices,
                "accept": [str(a) for a in node.get("accept") or ["yes"]],
                "na": bool(node.get("not_applicable", False)),
                "min": node.get("minimum"),
                "max": node.get("maximum"),
            }
        )
    return questions


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def clip(x: float, q: dict[str, Any]) -> int:
    lo = q["min"] if q["min"] is not None else 0
    hi = q["max"] if q["max"] is not None else 10**6
    return int(min(max(round(x), lo), hi))


def numeric(
    rng: np.random.Generator, qid: str, q: dict[str, Any], m: dict[str, Any], shift: float
) -> int:
    if qid == "practice.queue_minutes":
        if rng.random() < 0.15:
            return 0
        return clip(rng.lognormal(math.log(m["queue"]) - 0.4 * shift, 0.8), q)
    if qid == "practice.turned_away":
        return clip(rng.poisson(m["turned"] * math.exp(-0.5 * shift)), q)
    if qid == "obstacles.travel_time":
        return clip(rng.lognormal(math.log(m["travel"]), 0.6), q)
    return clip(rng.poisson(3.0), q)  # a numeric question added to the rubric later


def answer(rng: np.random.Generator, q: dict[str, Any], p_accept: float) -> str:
    """A choice: accepted with probability p_accept, split among accepted / other choices."""
    accepted = [c for c in q["choices"] if c in q["accept"]]
    others = [c for c in q["choices"] if c not in q["accept"]]
    if rng.random() < p_accept or not others:
        pool = accepted
        weights = [0.7, 0.3] if len(pool) == 2 else [1.0 / len(pool)] * len(pool)
    else:
        pool = others
        weights = [1.0 / len(pool)] * len(pool)
    if q["type"] == "select_multiple":
        k = 1 + int(rng.random() < 0.2)
        picks = rng.choice(pool, size=min(k, len(pool)), replace=False, p=weights)
        return " ".join(sorted(str(x) for x in picks))
    return str(rng.choice(pool, p=weights))


def simulate(questions: list[dict[str, Any]], rng: np.random.Generator) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for mid, m in MISSIONS.items():
        shift = m["quality"] + rng.normal(0.0, 0.2)
        p_by_q = {}
        for q in questions:
            base = BASE_ACCEPT.get(q["id"], 0.8)
            p_by_q[q["id"]] = logistic(logit(base) + shift + rng.normal(0.0, 0.4))
        n_visits = int(rng.integers(15, 41))
        cities = m["cities"]
        weights = np.array([w for _, _, w in cities], dtype=float)
        weights /= weights.sum()
        # Observer teams visit 3-6 polling places each, all in the one host city they are
        # posted to: the first visit sees the opening, the last one the closing and count.
        visits: list[tuple[int, int, int]] = []  # (observer, order, n_of_observer)
        obs = 0
        while len(visits) < n_visits:
            obs += 1
            k = min(int(rng.integers(3, 7)), n_visits - len(visits))
            visits += [(obs, j, k) for j in range(k)]
        day = datetime.fromisoformat(m["day"])
        site_no: dict[tuple[str, str], int] = {}
        ci = 0
        for observer, order, k in visits:
            if order == 0:
                ci = int(rng.choice(len(cities), p=weights))
            iso, city, _ = cities[ci]
            site_no[(iso, city)] = site_no.get((iso, city), 0) + 1
            n = site_no[(iso, city)]
            # consulate-only missions: every visit in a city is to its consulate (repeat visits
            # by other teams are possible); elsewhere further venues are numbered
            venue = "Consulado" if n == 1 or m.get("consulates_only") else f"Local {n}"
            if order == 0:
                t = day + timedelta(hours=7, minutes=int(rng.integers(20, 50)))
            elif order == k - 1:
                t = day + timedelta(hours=16, minutes=int(rng.integers(30, 90)))
            else:
                frac = order / max(k - 1, 1)
                t = day + timedelta(hours=9 + 7 * frac, minutes=int(rng.integers(0, 40)))
            row = {
                "mission": mid,
                "site": f"{city} – {venue}",
                "site_country": iso,
                "site_city": city,
                "observer": f"{mid.upper()}-OBS-{observer:02d}",
                "visited_at": t.strftime("%Y-%m-%dT%H:%M:%S"),
                "notes": str(rng.choice(NOTES)) if rng.random() < 0.12 else "",
                "simulated": "yes",
            }
            for q in questions:
                qid = q["id"]
                if qid in AT_OPENING and order != 0:
                    row[qid] = ""
                    continue
                if qid in AT_CLOSING and order != k - 1:
                    row[qid] = ""
                    continue
                if rng.random() < BLANK_RATE:
                    row[qid] = ""
                    continue
                if q["na"]:
                    p_na = m["count_na"] if qid == "practice.counting_procedure" else 0.05
                    if rng.random() < p_na:
                        row[qid] = "na"
                        continue
                if q["type"] in ("integer", "decimal"):
                    row[qid] = str(numeric(rng, qid, q, m, shift))
                else:
                    row[qid] = answer(rng, q, p_by_q[qid])
            rows.append(row)
    # the two hostile notes, on fixed rows so the fixture is stable
    rows[3]["notes"] = HOSTILE_NOTES[0]
    rows[len(rows) // 2]["notes"] = HOSTILE_NOTES[1]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rubric", type=Path, default=RUBRIC)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    questions = load_questions(args.rubric)
    rng = np.random.default_rng(SEED)
    rows = simulate(questions, rng)
    header = [
        "mission",
        "site",
        "site_country",
        "site_city",
        "observer",
        "visited_at",
        "notes",
        "simulated",
    ] + [q["id"] for q in questions]
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    per = {mid: sum(1 for r in rows if r["mission"] == mid) for mid in MISSIONS}
    print(f"wrote {len(rows)} simulated visits to {args.out}: {per}")


if __name__ == "__main__":
    main()
