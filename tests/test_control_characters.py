"""A control character in a checklist's text (a NUL in a site, an ESC in a note) is refused at
its cell, as in a mission's name: no report can show it. The visit keeps its answers; tab and
line breaks (a note written on several lines, with Windows' CRLF) are text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main
from ovm.data.workspace import load_workspace

EXAMPLES = Path(__file__).parent.parent / "examples"


def _workspace(tmp_path: Path, table: bytes) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(EXAMPLES / "missions.yaml", ws / "missions.yaml")
    (ws / "ovm.yaml").write_text(
        "rubric: bundled:deco-voting-abroad\nmissions: missions.yaml\nchecklists: [c.csv]\n",
        encoding="utf-8",
    )
    (ws / "c.csv").write_bytes(table)
    return ws


def test_a_control_character_in_a_visit_text_is_refused_at_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(
        tmp_path,
        b"mission,site,practice.secrecy,notes\n"
        b'per-2021,a\x00b,yes,"bad\x01\x1bnote"\n'
        b'per-2021,c,no,"two\r\nlines\tand a tab"\n',
    )
    assert main(["check", str(ws)]) == 1
    said = [line for line in capsys.readouterr().err.splitlines() if "[control-character]" in line]
    assert said == [
        f"{ws}/c.csv:2:2 a control character (such as BEL or ESC) is in site: remove it (the "
        "visit is used without its site, as a polling place of its own) [control-character]",
        f"{ws}/c.csv:2:4 a control character (such as BEL or ESC) is in notes: remove it (the "
        "visit is used without its notes) [control-character]",
    ]
    assert main(["check", str(ws), "--lang", "pt"]) == 1
    assert "notes contém um caractere de controle (como BEL ou ESC): retire-o (a visita é " in (
        capsys.readouterr().err
    )
    # Accepted, the text is left out and the visit keeps its answer.
    sites = load_workspace(ws).observations.sites.sort("practice.secrecy", descending=True)
    assert sites.select("site", "notes", "practice.secrecy").rows() == [
        (None, None, True),
        ("c", "two\r\nlines\tand a tab", False),
    ]
    report = tmp_path / "r.html"
    argv = ["report", str(ws), "--allow-rejected", "--mission", "per-2021", "-o", str(report)]
    assert main(argv) == 0
    assert not any(ch in report.read_bytes() for ch in (0, 1, 0x1B))


def test_a_visit_whose_site_is_refused_is_used_as_one_without_a_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refused site loses the place's id, not the visit: with --allow-rejected the visits
    score exactly as the same visits with their site left blank (each a place of its own), and
    the refused cells are listed with their reason among the file's refused cells."""
    rows = [
        "per-2021,{site},yes,,2021-04-11T08:00",
        "per-2021,{site},no,,2021-04-11T09:00",
        *(f"per-2021,Lima {i},{answer},,2021-04-11T1{i}:00" for i, answer in enumerate("yynyy")),
    ]
    header = "mission,site,practice.secrecy,notes,visited_at\n"

    def table(site: str) -> bytes:
        return (header + "\n".join(r.format(site=site) for r in rows) + "\n").encode()

    (tmp_path / "refused").mkdir()
    (tmp_path / "blank").mkdir()
    refused = _workspace(tmp_path / "refused", table("Lima\x1b 1"))
    blank = _workspace(tmp_path / "blank", table(""))
    for ws in (refused, blank):
        out = ws / "s.json"
        assert main(["score", str(ws), "-q", "--allow-rejected", "-o", str(out)]) == 0
    capsys.readouterr()
    with_refused = json.loads((refused / "s.json").read_text(encoding="utf-8"))
    with_blank = json.loads((blank / "s.json").read_text(encoding="utf-8"))
    for part in ("scorecards", "findings"):
        assert with_refused[part] == with_blank[part]
    # Seven places, enough for an interval, which would differ were the two visits whose site
    # is refused taken for one place.
    (per,) = [c for c in with_refused["scorecards"] if c["mission"]["id"] == "per-2021"]
    (secrecy,) = [n for n in per["nodes"] if n["node"] == "practice.secrecy"]
    assert "interval" in secrecy
    (checklist,) = [f for f in with_refused["files"] if f["kind"] == "checklist"]
    assert (checklist["rows_used"], checklist["rows_rejected"]) == (7, 0)
    assert [(c["line"], c["column"], c["code"]) for c in checklist["rejected_cells"]] == [
        (2, 2, "control-character"),
        (3, 2, "control-character"),
    ]


MINI = Path(__file__).parent / "data" / "mini"


def _strings(node: object) -> list[str]:
    """Every text of a JSON document, keys and values."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (k, *_strings(v))]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def test_a_control_character_in_a_figure_s_provenance_refuses_that_cell_not_the_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A BEL in a statistic's source, an ESC in its note or in a row's source: each cell is
    refused where it is, the figure is used without that provenance, and no report carries
    the character."""
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    (ws / "statistics.csv").write_bytes(
        b"mission,registered_abroad,votes_abroad,votes_abroad__source,votes_abroad__note,source\n"
        b'aaa-2020,1000,350,"EMB\x07 results","a\x1b[31mnote",Ministry\n'
        b'bbb-2021,2000,,,,"row\x1bsource"\n'
    )
    assert main(["check", str(ws)]) == 1
    said = [line for line in capsys.readouterr().err.splitlines() if "[control-character]" in line]
    end = "remove it (what it describes is used without it) [control-character]"
    assert said == [
        f"{ws}/statistics.csv:2:4 a control character (such as BEL or ESC) is in "
        f"votes_abroad__source: {end}",
        f"{ws}/statistics.csv:2:5 a control character (such as BEL or ESC) is in "
        f"votes_abroad__note: {end}",
        f"{ws}/statistics.csv:3:6 a control character (such as BEL or ESC) is in source: {end}",
    ]
    assert main(["check", str(ws), "--lang", "es"]) == 1
    assert (
        f"{ws}/statistics.csv:3:6 source contiene un carácter de control (como BEL o ESC): "
        "quítelo (lo que describe se usa sin él) [control-character]"
    ) in capsys.readouterr().err.splitlines()
    # The figures are used; each refused text is left blank, the rest of the provenance kept.
    missions = {m.id: m for m in load_workspace(ws).observations.missions}
    votes = missions["aaa-2020"].values["votes_abroad"]
    registered = missions["aaa-2020"].values["registered_abroad"]
    assert (votes.value, votes.provenance.source, votes.provenance.note) == (350.0, None, None)
    assert (registered.value, registered.provenance.source) == (1000.0, "Ministry")
    other = missions["bbb-2021"].values["registered_abroad"]
    assert (other.value, other.provenance.source) == (2000.0, None)
    for suffix in ("json", "html"):
        out = tmp_path / f"r.{suffix}"
        assert main(["report", str(ws), "--allow-rejected", "-q", "-o", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        texts = _strings(json.loads(text)) if suffix == "json" else [text]
        assert [s for s in texts if any(c in s for c in "\x07\x1b")] == []


def test_a_control_character_in_an_answer_s_provenance_speaks_of_no_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An ESC in an answers table's source column: the message says what the cell describes
    is used without it, in each language (it once spoke of figures there too)."""
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    missions = (ws / "missions.yaml").read_text("utf-8")
    line = (
        "      rights.basis: {value: constitution, source: Constitution art. 1, confidence: high}\n"
    )
    assert missions.count(line) == 1
    (ws / "missions.yaml").write_text(missions.replace(line, ""), "utf-8")
    config = (ws / "ovm.yaml").read_text("utf-8")
    (ws / "ovm.yaml").write_text(config + "answers: [ans.csv]\n", "utf-8")
    (ws / "ans.csv").write_bytes(
        b'mission,rights.basis,rights.basis__source\naaa-2020,constitution,"law\x1b[2J"\n'
    )
    said = {}
    for lang in ("en", "es", "fr", "pt"):
        assert main(["check", str(ws), "--lang", lang]) == 1
        err = capsys.readouterr().err.splitlines()
        said[lang] = [x.removeprefix(f"{ws}/") for x in err if "[control-character]" in x]
    assert said == {
        "en": [
            "ans.csv:2:3 a control character (such as BEL or ESC) is in rights.basis__source: "
            "remove it (what it describes is used without it) "
            "[control-character]"
        ],
        "es": [
            "ans.csv:2:3 rights.basis__source contiene un carácter de control (como BEL o ESC): "
            "quítelo (lo que describe se usa sin él) "
            "[control-character]"
        ],
        "fr": [
            "ans.csv:2:3 rights.basis__source contient un caractère de contrôle (comme BEL ou "
            "ESC)\u202f: retirez-le (ce qu'il décrit est utilisé sans lui) [control-character]"
        ],
        "pt": [
            "ans.csv:2:3 rights.basis__source contém um caractere de controle (como BEL ou ESC): "
            "retire-o (o que descreve é usado sem ele) "
            "[control-character]"
        ],
    }


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_a_control_character_quoted_in_a_message_is_written_visibly_in_every_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    # A value refused for what it says (a confidence level) is quoted in the message: its
    # control characters are written as escapes, never sent raw to the terminal.
    ws = tmp_path / "ws"
    shutil.copytree(Path(__file__).parent / "data" / "mini", ws)
    table = ws / "statistics.csv"
    table.write_text(
        table.read_text("utf-8").replace("EMB results,high", "EMB results,med\x01i\x1bum"),
        encoding="utf-8",
    )
    assert main(["check", str(ws), "--lang", lang]) == 1
    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if "[invalid-choice]" in line]
    assert len(said) == 1 and "med\\x01i\\x1bum" in said[0]
    assert not any(ch < " " or "\x7f" <= ch <= "\x9f" for ch in err.replace("\n", ""))


# One line of each kind of text a mission holds: a name's translation, an answer's provenance,
# a missing answer's note, a figure's note (the last in the file).
SPOILABLE = {
    "name": "    en: Mexico, 2012 general election\n",
    "recorded_by": "      recorded_by: ovm example workspace\n",
    "missing note": "      note: Not researched for this example workspace.\n",
    "figure note": "      note: Voting abroad on election day only.\n",
}


@pytest.mark.parametrize(
    "spoiled",
    [(), ("name",), ("figure note",), ("recorded_by", "missing note"), tuple(SPOILABLE)],
)
def test_a_control_character_in_a_missions_text_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spoiled: tuple[str, ...]
) -> None:
    """A BEL written as YAML's escape in any text of a mission (its name, a provenance field,
    a note) is one problem at its line, however many texts the mission holds; an escaped tab
    is text."""
    lines = (EXAMPLES / "missions.yaml").read_text("utf-8").splitlines(keepends=True)
    expected = []
    for kind, line in SPOILABLE.items():
        at = (
            lines.index(line) if kind != "figure note" else len(lines) - 1 - lines[::-1].index(line)
        )
        key, text = line.rstrip("\n").split(": ", 1)
        bad = kind in spoiled
        escape = "\\a" if bad else "\\t"
        lines[at] = f'{key}: "{text}{escape}"\n'
        if bad:
            expected.append(at + 1)
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "missions.yaml").write_text("".join(lines), "utf-8")
    (ws / "ovm.yaml").write_text(
        "rubric: bundled:deco-voting-abroad\nmissions: missions.yaml\n", encoding="utf-8"
    )
    assert main(["check", str(ws)]) == (1 if spoiled else 0)
    err = capsys.readouterr().err.splitlines()
    found = [x for x in err if "[control-character]" in x]
    assert [int(x.removeprefix(f"{ws}/missions.yaml:").split(":")[0]) for x in found] == sorted(
        expected
    )


MINI = Path(__file__).parent / "data" / "mini"


def test_a_control_character_in_a_planned_place_is_refused_at_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A planned place's id or city holding a control character is refused at its cell, in a
    places table (the row is rejected, as for any other refused cell of it, and says no more
    than why) and in missions.yaml; tab is text. The checklists' site column, a visit's place,
    is refused alike (test above)."""
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    with (ws / "ovm.yaml").open("a", encoding="utf-8") as fh:
        fh.write("places: [places.csv]\n")
    (ws / "places.csv").write_bytes(
        b"mission,place,country,city,tables,opens\n"
        b"aaa-2020,s\x001,USA,Miami,3,08:00\n"
        b"aaa-2020,s2,USA,Hou\x1bston,2,\n"
        b"aaa-2020,s3,ESP,Madrid\tcentro,1,\n"
    )
    assert main(["check", str(ws)]) == 1
    said = [line for line in capsys.readouterr().err.splitlines() if "places.csv" in line]
    assert said == [
        f"{ws}/places.csv:2:2 a control character (such as BEL or ESC) is in place: remove it "
        "[control-character]",
        f"{ws}/places.csv:3:4 a control character (such as BEL or ESC) is in city: remove it "
        "[control-character]",
        f"{ws}/places.csv: 3 rows read, 1 used, 2 rejected",
    ]
    assert main(["check", str(ws), "--lang", "es"]) == 1
    assert (
        f"{ws}/places.csv:3:4 city contiene un carácter de control (como BEL o ESC): quítelo "
        "[control-character]"
    ) in capsys.readouterr().err.splitlines()
    (ws / "places.csv").write_bytes(b"mission,place,country,city,tables,opens\n")
    with (ws / "missions.yaml").open("a", encoding="utf-8") as fh:
        fh.write('    places:\n      - {id: "p\\a", country: ESP, city: "Ma\\edrid"}\n')
    assert main(["check", str(ws)]) == 1
    said = [line for line in capsys.readouterr().err.splitlines() if "missions.yaml" in line]
    where = f"{ws}/missions.yaml:17"
    assert said == [
        f"{where}:14 missions[1].places[0].id: a control character (such as BEL or ESC) is in the "
        "text: remove it [control-character]",
        f"{where}:41 missions[1].places[0].city: a control character (such as BEL or ESC) is in "
        "the text: remove it [control-character]",
    ]
