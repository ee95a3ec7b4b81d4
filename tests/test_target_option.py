"""``--target NODE=VALUE``: the goal of ``distance_to_target`` from the command line, the same
comparison the library gives with ``ComparisonSettings.targets``; a target nothing uses, or
written wrong, is a usage error rather than a comparison read as if it had been applied."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import ovm
from ovm.cli.app import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NODE = "rights.special_seats"


def cli_csv(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code = main(["compare", str(EXAMPLES), "-q", "--bootstrap", "0", "--format", "csv", *extra])
    assert code == 0
    return capsys.readouterr().out


def column(text: str, node: str) -> dict[str, float | None]:
    rows = csv.DictReader(io.StringIO(text))
    return {
        r["mission"]: float(r["score"]) if r["score"] else None for r in rows if r["node"] == node
    }


def test_a_target_from_the_command_line_is_the_librarys(capsys: pytest.CaptureFixture[str]) -> None:
    got = cli_csv(capsys, "--normalisation", "distance_to_target", "--target", f"{NODE}=50")
    run = ovm.analyse(
        EXAMPLES,
        ovm.Settings(
            bootstrap=0,
            comparison=ovm.ComparisonSettings(
                normalisation="distance_to_target", targets={NODE: 50.0}
            ),
        ),
    )
    assert got == ovm.comparison_csv(run.comparison)


def test_a_target_moves_the_goal_of_its_node_alone(capsys: pytest.CaptureFixture[str]) -> None:
    raw = column(cli_csv(capsys), NODE)
    plain = cli_csv(capsys, "--normalisation", "distance_to_target")
    aimed = cli_csv(capsys, "--normalisation", "distance_to_target", "--target", f"{NODE}=50")
    scored = {m: v for m, v in raw.items() if v is not None}
    low = min(scored.values())
    assert low < 50 < max(scored.values())
    # The distance from the cohort's lowest to the goal, capped at the goal: 50 instead of 100.
    expected = {
        m: None if v is None else min((v - low) / (50 - low), 1.0) * 100 for m, v in raw.items()
    }
    got = column(aimed, NODE)
    assert got.keys() == expected.keys()
    for mission, value in expected.items():
        assert got[mission] == (None if value is None else pytest.approx(value)), mission
    assert column(plain, NODE) != got
    others = {n for n in (r["node"] for r in csv.DictReader(io.StringIO(plain))) if "." in n}
    for node in others - {NODE}:
        if node.startswith("comparative."):
            continue  # family 7 reads the cohort's scores of the node the target moved
        assert column(aimed, node) == column(plain, node), node


@pytest.mark.parametrize(
    "spec", ["rights", "=50", f"{NODE}=", f"{NODE}=nan", f"{NODE}=inf", f"{NODE}=high"]
)
def test_a_target_written_wrong_is_a_usage_error(
    spec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", str(EXAMPLES), "-q", "--target", spec, "-o", "-"]) == 2
    assert f"--target {spec!r}: expected NODE=VALUE, the value a number" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "unused"),
    [
        ([], f"'{NODE}'"),  # no distance_to_target at all
        (["--normalisation", "minmax"], f"'{NODE}'"),
        (["--normalisation", "distance_to_target", "--target", "rights=50"], "'rights'"),
        (
            ["--normalisation", "distance_to_target", "--target", "comparative.distance=5"],
            "'comparative.distance'",
        ),
    ],
)
def test_a_target_no_normalisation_uses_is_refused(
    extra: list[str], unused: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["compare", str(EXAMPLES), "-q", "--bootstrap", "0", "-o", "-"]
    if not any(a.startswith(("rights=", "comparative.")) for a in extra):
        args += ["--target", f"{NODE}=50"]
    assert main([*args, *extra]) == 2
    err = capsys.readouterr().err
    assert f"a target is given for {unused}, which no distance_to_target normalises" in err
    with pytest.raises(ValueError, match="which no distance_to_target normalises"):
        node, _, value = next(a for a in [*extra, f"{NODE}=50"] if "=" in a).partition("=")
        ovm.analyse(
            EXAMPLES,
            ovm.Settings(
                bootstrap=0,
                comparison=ovm.ComparisonSettings(
                    normalisation=extra[1] if extra else "none",  # type: ignore[arg-type]
                    targets={node: float(value)},
                ),
            ),
        )
