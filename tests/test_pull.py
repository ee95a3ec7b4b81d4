"""``ovm pull`` against a local server implementing the endpoints of ODK Central (sessions,
OData submissions) and KoboToolbox API v2 (asset data) that ovm uses. The server listens on
127.0.0.1 only, serves each test, and stops with it."""

from __future__ import annotations

import csv
import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ovm import load_workspace
from ovm.cli.app import main

TOKEN = "s3cret-token"
EMAIL, PASSWORD = "desk@example.org", "pa55word"


def _odk_sub(
    i: int,
    day: str,
    version: str = "1",
    review: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    practice = {
        "practice.on_time": "yes",
        "practice.queue": 10 + i,
        "practice.turned_away": 0,
        **(extra or {}),
    }
    return {
        "__id": f"uuid:{i}",
        "mission": "aaa-2020",
        "site": f"s{i}",
        "site_country": "USA",
        "site_city": f"City{i}",
        "observer": f"o{i}",
        "visited_at": f"{day}T08:{i:02d}",
        "practice": practice,
        "meta": {"instanceID": f"uuid:{i}"},
        "__system": {
            "submissionDate": f"{day}T10:{i:02d}:00.000Z",
            "reviewState": review,
            "formVersion": version,
            "submitterName": "collect",
        },
    }


class Server:
    """The state the handler serves: submissions, and failures to stage."""

    def __init__(self) -> None:
        self.odk: list[dict[str, Any]] = []
        self.kobo: list[dict[str, Any]] = []
        self.drop: int = 0
        self.requests: list[str] = []
        self.auth_headers: list[str] = []


def _handler(state: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def _json(self, body: Any, code: int = 200) -> None:
            data = json.dumps(body).encode()
            if state.drop and ("Submissions" in self.path or "/data/" in self.path):
                state.drop -= 1
                # Promise the whole body, send half of it, and hang up.
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.connection.close()
                return
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            state.requests.append(self.path)
            if self.path == "/v1/sessions":
                if (body.get("email"), body.get("password")) == (EMAIL, PASSWORD):
                    return self._json({"token": TOKEN})
                return self._json({"message": "Could not authenticate"}, 401)
            return self._json({}, 404)

        def do_GET(self) -> None:
            state.requests.append(self.path)
            state.auth_headers.append(self.headers.get("Authorization", ""))
            url = urllib.parse.urlsplit(self.path)
            q = dict(urllib.parse.parse_qsl(url.query))
            if url.path == "/v1/projects/1/forms/ovm-mini.svc/Submissions":
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._json({}, 401)
                subs = state.odk
                flt = q.get("$filter", "")
                if flt.startswith("__system/submissionDate ge "):
                    since = flt.rsplit(" ", 1)[1]
                    subs = [s for s in subs if s["__system"]["submissionDate"] >= since]
                if q.get("$select") == "__id,__system":
                    subs = [{"__id": s["__id"], "__system": s["__system"]} for s in subs]
                top, skip = int(q.get("$top", 1000)), int(q.get("$skip", 0))
                return self._json({"@odata.context": "x", "value": subs[skip : skip + top]})
            if url.path == "/api/v2/assets/aXyZ/data/":
                if self.headers.get("Authorization") != f"Token {TOKEN}":
                    return self._json({"detail": "Invalid token."}, 401)
                subs = state.kobo
                if "query" in q:
                    since = json.loads(q["query"])["_submission_time"]["$gte"]
                    subs = [s for s in subs if s["_submission_time"] >= since]
                if "fields" in q:
                    keep = json.loads(q["fields"])
                    subs = [{k: s[k] for k in keep if k in s} for s in subs]
                limit, start = int(q.get("limit", 100)), int(q.get("start", 0))
                nxt = None
                if start + limit < len(subs):
                    nxt = (
                        f"http://127.0.0.1:{self.server.server_address[1]}{url.path}?"
                        + urllib.parse.urlencode({**q, "start": start + limit})
                    )
                return self._json(
                    {
                        "count": len(subs),
                        "next": nxt,
                        "previous": None,
                        "results": subs[start : start + limit],
                    }
                )
            return self._json({}, 404)

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[Server, str]]:
    state = Server()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.timeout = 5
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def workspace(tmp_path: Path, server: tuple[Server, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    _, url = server
    root = tmp_path / "ws"
    assert (
        main(
            [
                "init",
                str(root),
                "--rubric",
                str(Path(__file__).parent / "data" / "mini" / "rubric.yaml"),
                "-q",
            ]
        )
        == 0
    )
    (root / "missions.yaml").write_text(
        "missions:\n  - {id: aaa-2020, country: MEX, name: A, "
        "election: {type: general, date: 2020-05-01}}\n",
        encoding="utf-8",
    )
    rubric = Path(__file__).parent / "data" / "mini" / "rubric.yaml"
    (root / "ovm.yaml").write_text(
        f"rubric: {rubric}\nmissions: missions.yaml\nchecklists:\n"
        f"  - {{path: pulled/odk.csv, layout: odk, pull: {{server: odk, url: '{url}', "
        "project: 1, form: ovm-mini}}\n"
        f"  - {{path: pulled/kobo.csv, layout: kobo, pull: {{server: kobo, url: '{url}', "
        "asset: aXyZ}}\nsettings: {bootstrap: 0}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("OVM_ODK_EMAIL", EMAIL)
    monkeypatch.setenv("OVM_ODK_PASSWORD", PASSWORD)
    monkeypatch.setenv("OVM_KOBO_TOKEN", TOKEN)
    monkeypatch.setenv("OVM_CREDENTIALS", str(root / "none.toml"))
    monkeypatch.setattr("ovm.field.pull.PAGE", 2)
    return root


def _kobo_sub(i: int, day: str, status: str = "") -> dict[str, Any]:
    return {
        "_uuid": f"k{i}",
        "_id": i,
        "mission": "aaa-2020",
        "site": f"k{i}",
        "site_country": "ESP",
        "site_city": f"Town{i}",
        "observer": f"ko{i}",
        "visited_at": f"{day}T09:{i:02d}",
        "practice/practice.on_time": "no",
        "practice/practice.queue": 30,
        "practice/practice.turned_away": 1,
        "_submission_time": f"{day}T11:{i:02d}:00",
        "_validation_status": {"uid": status} if status else {},
        "__version__": "v1",
        "_attachments": [],
    }


def test_pull_is_incremental_keeps_review_states_and_the_workspace_scores(
    workspace: Path, server: tuple[Server, str], capsys: pytest.CaptureFixture[str]
) -> None:
    state, _ = server
    state.odk = [_odk_sub(i, "2020-05-01") for i in range(1, 6)]
    state.kobo = [_kobo_sub(i, "2020-05-01") for i in range(1, 4)]
    assert main(["pull", str(workspace)]) == 0
    err = capsys.readouterr().err
    assert "pulled/odk.csv: 5 new submission(s)" in err
    assert "pulled/kobo.csv: 3 new submission(s)" in err
    assert TOKEN not in err and PASSWORD not in err

    # Later: two new ODK submissions of a new form version with a new question, one
    # rejected after it was pulled; one Kobo submission marked not approved.
    state.odk.append(_odk_sub(6, "2020-05-01", "2", extra={"practice.new_question": "x"}))
    state.odk.append(_odk_sub(7, "2020-05-01", "2"))
    state.odk[0]["__system"]["reviewState"] = "rejected"
    state.kobo[1]["_validation_status"] = {"uid": "validation_status_not_approved"}
    state.requests.clear()
    assert main(["pull", str(workspace)]) == 0
    err = capsys.readouterr().err
    assert "pulled/odk.csv: 2 new submission(s)" in err
    assert "1 review state(s) changed" in err
    # Only what is new since the last submission pulled was asked for.
    assert any("submissionDate+ge+2020-05-01T10%3A05" in r for r in state.requests)
    odk = (workspace / "pulled" / "odk.csv").read_text(encoding="utf-8").splitlines()
    assert len(odk) == 1 + 7
    assert "practice-practice.new_question" in odk[0]
    assert main(["pull", str(workspace)]) == 0
    assert "0 new submission(s)" in capsys.readouterr().err
    assert len((workspace / "pulled" / "odk.csv").read_text(encoding="utf-8").splitlines()) == 8

    ws = load_workspace(workspace)
    files = {
        Path(f.file).name: (f.rows_read, f.rows_used, f.rows_excluded)
        for f in ws.observations.report.files
        if "pulled" in f.file
    }
    assert files == {"odk.csv": (7, 6, 1), "kobo.csv": (3, 2, 1)}
    assert main(["score", str(workspace), "-q", "-o", str(workspace / "s.json")]) == 0
    assert main(["report", str(workspace), "-q", "-o", str(workspace / "r.html")]) == 0


def test_a_refused_login_fails_without_writing_or_printing_secrets(
    workspace: Path,
    server: tuple[Server, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OVM_ODK_PASSWORD", "wrong-password")
    assert main(["pull", str(workspace)]) == 1
    err = capsys.readouterr().err
    assert "[auth-failed]" in err and "wrong-password" not in err
    assert not (workspace / "pulled" / "odk.csv").exists()


def test_missing_credentials_say_where_to_put_them(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OVM_ODK_PASSWORD")
    assert main(["pull", str(workspace)]) == 1
    assert "[missing-credentials]" in capsys.readouterr().err


def test_credentials_come_from_the_user_file(
    workspace: Path,
    server: tuple[Server, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    state, url = server
    state.odk = [_odk_sub(1, "2020-05-01")]
    for name in ("OVM_ODK_EMAIL", "OVM_ODK_PASSWORD", "OVM_KOBO_TOKEN"):
        monkeypatch.delenv(name)
    creds = tmp_path / "credentials.toml"
    creds.write_text(
        f'["{url}"]\nemail = "{EMAIL}"\npassword = "{PASSWORD}"\ntoken = "{TOKEN}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("OVM_CREDENTIALS", str(creds))
    assert main(["pull", str(workspace)]) == 0, capsys.readouterr().err


def test_a_dropped_connection_is_retried_then_leaves_the_file_as_it_was(
    workspace: Path, server: tuple[Server, str], capsys: pytest.CaptureFixture[str]
) -> None:
    state, _ = server
    state.odk = [_odk_sub(i, "2020-05-01") for i in range(1, 4)]
    state.drop = 1
    assert main(["pull", str(workspace)]) == 0, capsys.readouterr().err
    before = (workspace / "pulled" / "odk.csv").read_bytes()
    state.odk.append(_odk_sub(4, "2020-05-01"))
    state.drop = 100
    assert main(["pull", str(workspace)]) == 1
    assert "[connection-lost]" in capsys.readouterr().err
    assert (workspace / "pulled" / "odk.csv").read_bytes() == before


def test_a_geopoint_and_a_photo_arrive_as_central_exports_them(
    workspace: Path, server: tuple[Server, str]
) -> None:
    state, _ = server
    sub = _odk_sub(1, "2020-05-01")
    # The OData feed gives a geopoint as GeoJSON (longitude first) and a photo by file name.
    sub["location"] = {
        "type": "Point",
        "coordinates": [-58.3816, -34.6037, 25.0],
        "properties": {"accuracy": 4.5},
    }
    sub["results_photo"] = "1700000000000.jpg"
    state.odk = [sub]
    assert main(["pull", str(workspace), "-q"]) == 0
    with (workspace / "pulled" / "odk.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert {k: v for k, v in row.items() if k.startswith(("location", "results"))} == {
        "location-Latitude": "-34.6037",
        "location-Longitude": "-58.3816",
        "location-Altitude": "25.0",
        "location-Accuracy": "4.5",
        "results_photo": "1700000000000.jpg",
    }
    # No Kobo submission yet: its file is an empty export the workspace reads.
    kobo = (workspace / "pulled" / "kobo.csv").read_text(encoding="utf-8")
    visit = "mission,site_country,site_city,site,observer,visited_at"
    assert kobo == f"{visit},_uuid,_submission_time,_validation_status\n"
    ws = load_workspace(workspace)
    assert [i.code for i in ws.warnings if "odk.csv" in i.file] == []
    (report,) = [f for f in ws.observations.report.files if f.file.endswith("odk.csv")]
    assert (report.rows_used, report.unmatched_columns) == (1, ())


@pytest.mark.parametrize("lang", ["es", "fr", "pt"])
def test_each_pull_problem_is_said_in_the_language_asked(
    lang: str,
    workspace: Path,
    server: tuple[Server, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from test_untranslated import SHARED, _english, english_left
    from test_untranslated_data import CODE

    state, url = server
    state.odk = [_odk_sub(1, "2020-05-01")]
    config = workspace / "ovm.yaml"
    good = config.read_text(encoding="utf-8")
    said: dict[str, str] = {}

    def pull(name: str, status: int) -> None:
        assert main(["pull", str(workspace), "--lang", lang]) == status
        said[name] = capsys.readouterr().err

    pull("pulled", 0)
    monkeypatch.setenv("OVM_ODK_PASSWORD", "wrong-password")
    pull("auth-failed", 1)
    monkeypatch.delenv("OVM_ODK_PASSWORD")
    pull("missing-credentials", 1)
    creds = tmp_path / "credentials.toml"
    creds.write_text(f'["{url}"]\nemail "x"\n', encoding="utf-8")
    monkeypatch.setenv("OVM_CREDENTIALS", str(creds))
    pull("invalid-credentials-file", 1)
    monkeypatch.setenv("OVM_ODK_PASSWORD", PASSWORD)
    config.write_text(good.replace("form: ovm-mini", "form: nope"), encoding="utf-8")
    pull("server-error", 1)
    config.write_text(good, encoding="utf-8")
    state.odk.append(_odk_sub(2, "2020-05-02"))
    state.drop = 100
    pull("connection-lost", 1)
    assert {k: f"[{k}]" in v for k, v in said.items() if k != "pulled"} == dict.fromkeys(
        ("auth-failed", "missing-credentials", "invalid-credentials-file"), True
    ) | {"server-error": True, "connection-lost": True}
    # What the lines quote: the server, the files, the variables to set, the HTTP paths.
    quoted = sorted(
        {str(workspace), str(creds), url, "OVM_ODK_EMAIL", "OVM_ODK_PASSWORD"}
        | {"pulled/odk.csv", "pulled/kobo.csv"},
        key=len,
        reverse=True,
    )
    left = {}
    for name, text in said.items():
        for data in quoted:
            text = text.replace(data, " ")
        text = re.sub(r"/v1/\S+", " ", text)
        page = "".join(f"<p>{CODE.sub(' ', line)}</p>" for line in text.splitlines())
        found = english_left(page, _english(), SHARED[lang] | {"toml", "odk"}, [])[0]
        if found or "{" in text:
            left[name] = [*found, text]
    assert left == {}


def test_a_pulled_file_that_goes_missing_is_an_error_not_a_pull_still_to_come(
    workspace: Path, server: tuple[Server, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Once `ovm pull` has written a file (a header alone, before the first submission), the
    file missing is lost data, deleted, or its folder left out of a copy: an error, exit 1,
    never "no submissions pulled so far" with the visits quietly left out."""
    state, _ = server
    state.kobo = [_kobo_sub(1, "2020-05-01")]
    assert main(["pull", str(workspace)]) == 0
    header = (workspace / "pulled" / "odk.csv").read_text(encoding="utf-8").splitlines()
    assert len(header) == 1  # no ODK submission yet: the header alone
    capsys.readouterr()

    (workspace / "pulled" / "odk.csv").unlink()
    assert main(["check", str(workspace), "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)["issues"]
    assert [(i["path"], i["code"], i["params"].get("variant")) for i in found] == [
        ("checklists[0].path", "file-not-found", "pulled")
    ]
    assert "yet `ovm pull` wrote it before (.ovm-pulled.json says so)" in found[0]["message"]
    assert main(["score", str(workspace), "-o", str(workspace / "s.json")]) == 1
    assert "[file-not-found]" in capsys.readouterr().err
    assert not (workspace / "s.json").exists()

    # The whole folder gone (left out of version control, say): the same error for both.
    for f in (workspace / "pulled").iterdir():
        f.unlink()
    (workspace / "pulled").rmdir()
    assert main(["report", str(workspace), "-o", str(workspace / "r.html")]) == 1
    err = capsys.readouterr().err
    assert err.count("[file-not-found]") == 2 and "[not-pulled]" not in err
    assert main(["check", str(workspace), "--lang", "es"]) == 1
    assert "aunque `ovm pull` ya lo escribió" in capsys.readouterr().err

    # Pulling again brings it all back.
    assert main(["pull", str(workspace)]) == 0
    assert main(["check", str(workspace)]) == 0


def test_a_pulled_path_mistyped_in_ovm_yaml_names_the_file_pulled(
    workspace: Path, server: tuple[Server, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo in a pulled file's path (the server's form pulled before under another name) is
    an error naming the file `ovm pull` wrote, not a pull still to come."""
    state, _ = server
    state.odk = [_odk_sub(1, "2020-05-01")]
    assert main(["pull", str(workspace)]) == 0
    config = workspace / "ovm.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("pulled/odk.csv", "pulled/odk.cvs"),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["check", str(workspace)]) == 1
    err = capsys.readouterr().err
    assert (
        "'pulled/odk.cvs' does not exist (relative to "
        f"{workspace}); `ovm pull` wrote this server's submissions to 'pulled/odk.csv': "
        "correct the path, or run `ovm pull` to fetch them again [file-not-found]"
    ) in err
    assert "[not-pulled]" not in err
    assert main(["score", str(workspace), "-o", str(workspace / "s.json")]) == 1


def test_a_failed_first_pull_leaves_the_files_still_to_come(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pull that writes nothing records nothing: its files are still "not pulled yet"."""
    monkeypatch.setenv("OVM_ODK_PASSWORD", "wrong-password")
    assert main(["pull", str(workspace)]) == 1
    capsys.readouterr()
    assert main(["check", str(workspace)]) == 0
    err = capsys.readouterr().err
    assert err.count("[not-pulled]") == 2 and "[file-not-found]" not in err
