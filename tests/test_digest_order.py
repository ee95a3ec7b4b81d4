"""The data hash is independent of the order of statistics rows and of missions (the promise of
``data_digest``), and still tells a changed value apart."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import yaml

import ovm

EXAMPLES = Path(__file__).parent.parent / "examples"


def _digest(path: Path) -> str:
    ws = ovm.load_workspace(path)
    assert ws.observations.report.rejected == ()
    return ovm.score(ws.rubric, ws.observations, bootstrap=0).data_sha256


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def test_reversing_the_statistics_rows_or_the_missions_keeps_the_digest(tmp_path: Path) -> None:
    original = _digest(EXAMPLES)
    copy = tmp_path / "ws"
    shutil.copytree(EXAMPLES, copy)
    stats = copy / "statistics.csv"
    header, *rows = _rows(stats)
    assert len(rows) > 2
    _write_rows(stats, [header, *reversed(rows)])
    assert _digest(copy) == original
    missions = copy / "missions.yaml"
    doc = yaml.safe_load(missions.read_text(encoding="utf-8"))
    doc["missions"].reverse()
    missions.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert _digest(copy) == original


def test_a_changed_statistic_changes_the_digest(tmp_path: Path) -> None:
    # The counterpart of the test above: the digest is not blind to the statistics.
    copy = tmp_path / "ws"
    shutil.copytree(EXAMPLES, copy)
    stats = copy / "statistics.csv"
    header, *rows = _rows(stats)
    column = header.index("registered_abroad")
    row = next(r for r in rows if r[column])
    row[column] = str(int(row[column]) + 1)
    _write_rows(stats, [header, *rows])
    assert _digest(copy) != _digest(EXAMPLES)


def test_a_changed_checklist_answer_changes_the_digest(tmp_path: Path) -> None:
    copy = tmp_path / "ws"
    shutil.copytree(EXAMPLES, copy)
    sites = copy / "checklists.csv"
    header, *rows = _rows(sites)
    # One observer's answer to one question, turned over.
    column = header.index("practice.opened_on_time")
    assert rows[0][column] in ("yes", "no")
    rows[0][column] = "no" if rows[0][column] == "yes" else "yes"
    _write_rows(sites, [header, *rows])
    assert _digest(copy) != _digest(EXAMPLES)


def test_the_example_data_keeps_its_digest_when_provenance_gains_empty_fields() -> None:
    # The digest the example workspace's data had before a provenance could record the
    # catalogue entry of a value ovm derives itself (``code``, ``params``): unchanged data keeps
    # its digest, so two runs of different versions on the same files say they read the same.
    assert _digest(EXAMPLES) == "59d5ebdd690cd30c9b0485ee5b71766bf010dfef9b360e89f486febf7f8d2f4b"
