"""The observer form of a workspace with a plan, filled in and exported as the tools export it,
comes back into the workspace: every column of the form maps back or is listed as not scored,
the places chosen from the cascading lists are the plan's, and the scores are those of the
same visits typed in the plain layout."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from ovm import load_workspace, score
from ovm.cli import app as cli
from ovm.data.places import plan_coverage
from ovm.field.xlsform import FORM_EXTRA_FIELDS, node_id

pyxform = pytest.importorskip("pyxform")
from pyxform.xls2xform import convert  # noqa: E402

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"
RICH_RUBRIC = DATA / "exports" / "rich_rubric.yaml"
RICH_ROWS = DATA / "exports" / "rich_checklists.csv"

# The visits of RICH_ROWS, one more planned place without a visit, and a place id both
# missions use in different countries.
PLACES = """\
mission,place,country,city,tables
aaa-2020,s1,USA,Miami,3
aaa-2020,s2,USA,Houston,2
aaa-2020,s3,ESP,Madrid,1
aaa-2020,s4,ESP,Barcelona,1
aaa-2020,s9,BRA,São Paulo,4
bbb-2021,s1,ARG,Buenos Aires,10
bbb-2021,s2,ARG,Rosario,
"""
ES = "Español (es)"
LOCATION = "-34.6037 -58.3816 25 4.5"


def make_workspace(tmp_path: Path, name: str, checklists: list[dict[str, Any]]) -> Path:
    root = tmp_path / name
    shutil.copytree(MINI, root)
    shutil.copy(RICH_RUBRIC, root / "rubric.yaml")
    (root / "places.csv").write_text(PLACES, encoding="utf-8")
    cfg = yaml.safe_load((root / "ovm.yaml").read_text(encoding="utf-8"))
    cfg["checklists"] = checklists
    cfg["places"] = ["places.csv"]
    (root / "ovm.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return root


class Form:
    """The sheets of a written XLSForm, read back as a tool reads them."""

    def __init__(self, path: Path) -> None:
        from openpyxl import load_workbook

        wb = load_workbook(path)

        def rows(sheet: str) -> list[dict[str, str]]:
            header, *body = wb[sheet].iter_rows(values_only=True)
            return [{str(k): str(v) for k, v in zip(header, r, strict=True) if v} for r in body]

        self.survey = rows("survey")
        self.choices = rows("choices")

    def fields(self) -> list[tuple[str, str, str, str]]:
        """(type, name, group path, Spanish label path) of every field that holds data."""
        out = []
        groups: list[tuple[str, str]] = []
        for r in self.survey:
            kind = r["type"]
            if kind == "begin_group":
                groups.append((r["name"], r.get(f"label::{ES}", r["name"])))
            elif kind == "end_group":
                groups.pop()
            else:
                out.append(
                    (
                        kind,
                        r["name"],
                        "/".join(g for g, _ in groups),
                        "/".join([*(lab for _, lab in groups), r.get(f"label::{ES}", r["name"])]),
                    )
                )
        return out

    def choice(self, lst: str, **match: str) -> dict[str, str]:
        (found,) = [
            c
            for c in self.choices
            if c["list_name"] == lst and all(c.get(k) == v for k, v in match.items())
        ]
        return found


def export(form: Form, rows: Sequence[dict[str, str]], tool: str, *, labels: bool) -> list[dict]:
    """The submissions as KoboToolbox (names or Spanish labels) or ODK Central exports them."""
    sep = "/" if tool == "kobo" else "-"
    out = []
    for i, plain in enumerate(rows):
        rec: dict[str, str] = {}
        country, city = plain["site_country"], plain["site_city"]
        for kind, name, group, label_path in form.fields():
            head = label_path.replace("/", sep) if labels else (f"{group}{sep}" if group else "")
            if not labels:
                head += name
            lst = kind.split(" ", 1)[1] if kind.startswith("select") else ""

            def text(choice: dict[str, str]) -> str:
                return choice[f"label::{ES}"] if labels else choice["name"]

            if kind in ("start", "end"):
                value = plain["visited_at"] + (
                    ":00.000-05:00" if kind == "start" else ":30.000-05:00"
                )
            elif kind in ("deviceid", "username"):
                value = f"{kind}-{plain['observer']}"
            elif kind == "geopoint":
                value = LOCATION
                lat, lon, alt, acc = LOCATION.split()
                parts = (
                    ("_latitude", "_longitude", "_altitude", "_precision")
                    if tool == "kobo"
                    else ("-Latitude", "-Longitude", "-Altitude", "-Accuracy")
                )
                for part, v in zip(parts, (lat, lon, alt, acc), strict=True):
                    rec[f"_{head}{part}" if tool == "kobo" else f"{head}{part}"] = v
            elif kind == "image":
                value = f"{1000 + i}.jpg"
                if tool == "kobo":
                    rec[f"{head}_URL"] = f"https://kc.example.org/media/{1000 + i}.jpg"
            elif kind == "calculate":
                continue  # added below, as the tools write them, by name
            elif name == "site_country":
                value = text(form.choice(lst, name=country))
            elif name == "site_city":
                value = text(form.choice(lst, country=country, **{f"label::{ES}": city}))
            elif name == "site":
                city_name = form.choice("ovm_cities", country=country, **{f"label::{ES}": city})
                value = text(
                    form.choice(lst, city=city_name["name"], **{f"label::{ES}": plain["site"]})
                )
            elif name == "mission":
                value = text(form.choice(lst, name=plain["mission"]))
            elif name.endswith("_NA"):
                answer = plain[node_id(name[:-3])]
                value = "" if not answer else ("na" if answer == "na" else "yes")
                if labels and value:
                    value = text(form.choice(lst, name=value))
            else:
                answer = plain.get(name if name in plain else node_id(name), "") or ""
                if answer == "na" and f"{name}_NA" in {n for _, n, _, _ in form.fields()}:
                    answer = ""  # not applicable here: the question was skipped
                if lst and answer:
                    answer = " ".join(text(form.choice(lst, name=a)) for a in answer.split())
                value = answer
            rec[head] = value
        for r in form.survey:
            if r["type"] == "calculate":
                rec[r["name"]] = r["calculation"].strip("'")
        uid = f"uuid:0000{i:04d}-0000-4000-8000-000000000000"
        if tool == "kobo":
            rec.update({"meta/instanceID": uid, "_id": str(1000 + i), "_uuid": uid[5:]})
            rec.update({"_submission_time": "2021-03-02T10:00:00", "__version__": "vXYZ"})
        else:
            rec = {"SubmissionDate": "2021-03-02T10:00:00.000Z", **rec}
            rec.update(
                {"meta-instanceID": uid, "KEY": uid, "ReviewState": "", "FormVersion": "0.2"}
            )
        out.append(rec)
    return out


def write_csv(path: Path, records: list[dict], *, delimiter: str = ",") -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(
            fh,
            fieldnames=list(records[0]),
            delimiter=delimiter,
            quoting=csv.QUOTE_ALL if delimiter == ";" else csv.QUOTE_MINIMAL,
        )
        w.writeheader()
        w.writerows(records)


def scorecards(root: Path) -> list[Any]:
    ws = load_workspace(root)
    scores = score(ws.rubric, ws.observations, seed=7, bootstrap=50)
    return [
        (
            card.mission.id,
            card.sites,
            [n.model_dump(exclude={"explanation"}) for n in (card.overall, *card.nodes)],
            [(f.code, f.node, f.severity) for f in card.findings],
        )
        for card in scores.scorecards
    ]


@pytest.fixture
def form(tmp_path: Path) -> Form:
    root = make_workspace(tmp_path, "planned", [{"path": "checklists.csv", "simulated": True}])
    out = tmp_path / "form.xlsx"
    assert cli.main(["form", str(root), "-o", str(out), "-q"]) == 0
    warnings: list[str] = []
    convert(xlsform=str(out), warnings=warnings)
    assert warnings == []
    return Form(out)


def test_the_form_asks_the_plan_as_cascading_lists(form: Form) -> None:
    survey = {r["name"]: r for r in form.survey}
    assert [
        (survey[n]["type"], survey[n].get("choice_filter"))
        for n in ("site_country", "site_city", "site")
    ] == [
        ("select_one ovm_countries", "selected(missions, ${mission})"),
        ("select_one ovm_cities", "selected(missions, ${mission}) and country = ${site_country}"),
        ("select_one ovm_places", "selected(missions, ${mission}) and city = ${site_city}"),
    ]
    places = [
        (c["name"], c[f"label::{ES}"], c["missions"], c["country"], c["city"])
        for c in form.choices
        if c["list_name"] == "ovm_places"
    ]
    assert places == [
        ("s1", "s1", "bbb-2021", "ARG", "buenos_aires"),
        ("s2", "s2", "bbb-2021", "ARG", "rosario"),
        ("s9", "s9", "aaa-2020", "BRA", "sao_paulo"),
        ("s4", "s4", "aaa-2020", "ESP", "barcelona"),
        ("s3", "s3", "aaa-2020", "ESP", "madrid"),
        ("s2_2", "s2", "aaa-2020", "USA", "houston"),
        ("s1_2", "s1", "aaa-2020", "USA", "miami"),
    ]
    countries = [
        (c["name"], c[f"label::{ES}"]) for c in form.choices if c["list_name"] == "ovm_countries"
    ]
    assert countries == [
        ("ARG", "Argentina"),
        ("BRA", "Brasil"),
        ("ESP", "España"),
        ("USA", "Estados Unidos"),
    ]
    assert {k: survey[k]["type"] for k in (*FORM_EXTRA_FIELDS,)} == {
        "start": "start",
        "end": "end",
        "deviceid": "deviceid",
        "username": "username",
        "location": "geopoint",
        "results_photo": "image",
    }


@pytest.mark.parametrize(
    ("tool", "labels", "suffix"),
    [
        ("kobo", False, ".csv"),
        ("kobo", True, ".csv"),
        ("odk", False, ".csv"),
        ("odk", False, ".xlsx"),
    ],
)
def test_an_export_of_the_form_maps_back_to_the_plan(
    tmp_path: Path, form: Form, tool: str, labels: bool, suffix: str
) -> None:
    with RICH_ROWS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    records = export(form, rows, tool, labels=labels)
    name = f"export{suffix}"
    root = make_workspace(tmp_path, "export", [{"path": name, "layout": tool, "simulated": True}])
    if suffix == ".csv":
        write_csv(root / name, records, delimiter=";" if tool == "kobo" else ",")
    else:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(list(records[0]))
        for r in records:
            ws.append(list(r.values()))
        wb.save(root / name)
    plain = make_workspace(tmp_path, "plain", [{"path": "rich.csv", "simulated": True}])
    shutil.copy(RICH_ROWS, plain / "rich.csv")

    got, want = load_workspace(root), load_workspace(plain)
    (report,) = [f for f in got.observations.report.files if f.kind == "checklist"]
    assert (report.rows_read, report.rows_used, report.rows_rejected, report.unmatched_columns) == (
        6,
        6,
        0,
        (),
    )
    assert [i.code for i in got.warnings if i.file.endswith(name)] == []
    columns = ["mission", "site", "site_country", "site_city", "observer"]
    assert (
        got.observations.sites.select(columns).rows()
        == want.observations.sites.select(columns).rows()
    )
    assert scorecards(root) == scorecards(plain)
    cov = plan_coverage(got.observations, "aaa-2020")
    assert cov is not None and [p.id for p in cov.unvisited] == ["s9"]
    # Not vacuous: the export holds the device metadata, the location in parts and the photo.
    loc = "Ubicación del local de votación" if labels else "location"
    photo = (
        "Foto del acta de resultados publicada en el local de votación"
        if labels
        else "results_photo"
    )
    parts = (
        [f"_{loc}_{p}" for p in ("latitude", "longitude", "altitude", "precision")]
        + [f"{photo}_URL"]
        if tool == "kobo"
        else [f"{loc}-{p}" for p in ("Latitude", "Longitude", "Altitude", "Accuracy")]
    )
    assert {"start", "end", "deviceid", "username", loc, photo, *parts} <= set(records[0])
