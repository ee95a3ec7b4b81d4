"""The counts the command line and a report write are grouped as the language asked groups
them: 1,220 in English, 1.220 in Spanish, 1 220 in French. Through the command line, on copies
of the mini workspace of tests/data/mini."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_words_as_meant import MINI, _mini, _said

from ovm.cli.app import main


def test_the_counts_of_a_check_are_grouped_as_the_language_groups_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    header = (MINI / "checklists.csv").read_text("utf-8").splitlines()[0]
    rows = [f"aaa-2020,s{i},USA,Miami,o1,2020-05-01T08:00,,yes,15,0" for i in range(1234)]
    rows += [f"zzz-2020,z{i},USA,Miami,o1,2020-05-01T08:00,,yes,15,0" for i in range(1001)]
    (ws / "checklists.csv").write_text("\n".join([header, *rows]) + "\n", "utf-8")
    said = {}
    for lang in ("en", "es", "fr"):
        status, err = _said(["check", str(ws), "--lang", lang], capsys)
        assert status == 1
        table = re.compile(rf"{re.escape(str(ws))}/checklists\.csv\u202f?: ")
        said[lang] = [err[-1], *(line for line in err if table.match(line))]
    nnbsp = "\u202f"
    assert said == {
        "en": [
            f"{ws}: 1,001 errors, 2,466 warnings",
            f"{ws}/checklists.csv: 2,235 rows read, 1,234 used, 1,001 rejected [simulated]",
        ],
        "es": [
            f"{ws}: 1.001 errores, 2.466 advertencias",
            f"{ws}/checklists.csv: 2.235 filas leídas, 1.234 usadas, 1.001 rechazadas [simulado]",
        ],
        "fr": [
            f"{ws}{nnbsp}: 1{nnbsp}001 erreurs, 2{nnbsp}466 avertissements",
            f"{ws}/checklists.csv{nnbsp}: 2{nnbsp}235 lignes lues, 1{nnbsp}234 utilisées, "
            f"1{nnbsp}001 rejetées [simulé]",
        ],
    }


def test_the_recommendations_a_report_leaves_out_are_counted_as_the_language_writes_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 1,010 indicators answered "no", each with its recommendation: three are shown per mission.
    ws = _mini(tmp_path)
    rubric = (ws / "rubric.yaml").read_text("utf-8")
    start, end = rubric.index("  - id: rights\n"), rubric.index("  - id: practice\n")
    nodes = "".join(
        f"      - {{id: rights.q{k}, kind: answer, labels: {{en: Q{k}, es: P{k}}}, source: legal, "
        f"recommendations: [{{id: rec.q{k}, when: {{below: 50}}, to: legislature, priority: "
        f"high, text: {{en: Do {k}, es: Haga {k}}}}}]}}\n"
        for k in range(1010)
    )
    family = "  - id: rights\n    labels: {en: Rights, es: Derechos}\n    children:\n"
    (ws / "rubric.yaml").write_text(rubric[:start] + family + nodes + rubric[end:], "utf-8")
    answers = "".join(f"      rights.q{k}: no\n" for k in range(1010))
    missions = re.sub(
        r"    answers:\n(      .*\n)+",
        f"    answers:\n{answers}",
        (MINI / "missions.yaml").read_text(),
    )
    (ws / "missions.yaml").write_text(missions, "utf-8")
    out = tmp_path / "report.html"
    argv = ["report", str(ws), "-o", str(out), "--sensitivity-runs", "0", "--bootstrap", "0"]
    assert main([*argv, "--lang", "es"]) == 0
    html = out.read_text("utf-8")
    # Each mission's line in the summary table, then its annex entry naming where the rest is.
    said = ["1.007 recomendaciones más.", "1.007 recomendaciones más:"]
    assert sorted(re.findall(r"[0-9.,]+ recomendaciones más[.:]", html)) == sorted(said * 2)
    assert main(argv) == 0
    html = out.read_text("utf-8")
    said = ["1,007 more recommendations.", "1,007 more recommendations:"]
    assert sorted(re.findall(r"[0-9.,]+ more recommendations[.:]", html)) == sorted(said * 2)
    # The JSON report writes each mission's total as it writes the count left out.
    for lang, total, more in (("en", "1,010", "1,007"), ("es", "1.010", "1.007")):
        out = tmp_path / f"report-{lang}.json"
        assert main([*argv[:2], "-o", str(out), *argv[4:], "--lang", lang]) == 0
        fixes = json.loads(out.read_text("utf-8"))["fixes"]
        assert [(f["total"], f["more"]) for f in fixes] == [(total, more)] * 2
    capsys.readouterr()
