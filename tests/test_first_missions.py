"""The example workspace starts where the methodology did: DECO's first missions abroad."""

from __future__ import annotations

from pathlib import Path

import ovm

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_the_first_missions_are_in_the_examples_with_sourced_figures() -> None:
    ws = ovm.load_workspace(EXAMPLES)
    missions = {m.id: m for m in ws.observations.missions}
    assert {"ecu-2013", "pry-2013", "col-2014"} <= set(missions)
    got = {
        mid: {
            name: (d.value, d.provenance.confidence)
            for name, d in missions[mid].values.items()
            if name in ("registered_abroad", "votes_abroad", "tables_abroad", "seats_abroad")
            and d.value is not None
        }
        for mid in ("ecu-2013", "pry-2013", "col-2014")
    }
    # What was not found is absent, not guessed (Ecuador's and Paraguay's votes abroad).
    assert got == {
        "ecu-2013": {"seats_abroad": (6, "medium")},
        "pry-2013": {
            "registered_abroad": (21981, "high"),
            "tables_abroad": (60, "high"),
            "seats_abroad": (0, "high"),
        },
        "col-2014": {
            "registered_abroad": (559952, "medium"),
            "votes_abroad": (100000, "low"),
            "tables_abroad": (1158, "medium"),
            "seats_abroad": (2, "high"),
        },
    }
    for mid in ("ecu-2013", "pry-2013", "col-2014"):
        for d in missions[mid].values.values():
            if d.value is not None:
                assert d.provenance.source and d.provenance.confidence, (mid, d)
    comparison = ovm.compare(ovm.score(ws.rubric, ws.observations, bootstrap=0), ws.rubric)
    # Each country's trend starts with its first observed election.
    assert [m for m, _ in comparison.trends["PRY"]] == ["pry-2013", "pry-2018"]
    assert [m for m, _ in comparison.trends["ECU"]] == ["ecu-2013", "ecu-2021", "ecu-2023"]
    assert [m for m, _ in comparison.trends["COL"]] == ["col-2014", "col-2018", "col-2022"]
