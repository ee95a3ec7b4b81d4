"""Pull observer submissions from ODK Central (OData) and KoboToolbox (API v2) into CSV files.

Each checklist of ``ovm.yaml`` with a ``pull:`` server is one CSV file the workspace already
reads (``layout: odk`` or ``kobo``). A pull asks the server only for submissions from the
latest submission time the file holds on (inclusive, so none sent in the same second is
missed), adds those whose id the file lacks (never twice), and refreshes the review state of
every submission (ODK ``ReviewState``, Kobo ``_validation_status``), so a submission rejected on
the server after it was pulled leaves the analysis. The file is replaced atomically only when
every page arrived: a dropped connection is retried, then leaves the file as it was.

Credentials never live in the workspace: ``OVM_ODK_EMAIL`` / ``OVM_ODK_PASSWORD`` and
``OVM_KOBO_TOKEN`` in the environment, or a TOML file (``OVM_CREDENTIALS``, default
``~/.config/ovm/credentials.toml``) with a table per server URL holding ``email`` and
``password`` (ODK) or ``token`` (Kobo). They are sent only in request headers, never printed.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import re
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ovm.errors import Issue, OvmError

if TYPE_CHECKING:
    from ovm.data.workspace import PullSource, WorkspaceConfig

PAGE = 250
"""Submissions asked for per request."""
ATTEMPTS = 3
"""Tries of one request before a dropped connection fails the pull."""
TIMEOUT = 60.0
"""Seconds to wait for a server before the attempt counts as dropped."""

ODK_ID, ODK_TIME, ODK_REVIEW = "KEY", "SubmissionDate", "ReviewState"
KOBO_ID, KOBO_TIME, KOBO_REVIEW = "_uuid", "_submission_time", "_validation_status"
_ODK_SYSTEM = {
    "submissionDate": ODK_TIME,
    "reviewState": ODK_REVIEW,
    "formVersion": "FormVersion",
    "submitterName": "SubmitterName",
    "submitterId": "SubmitterID",
    "deviceId": "DeviceID",
    "edits": "Edits",
}
_DROPPED = (urllib.error.URLError, ConnectionError, http.client.HTTPException, TimeoutError)


class PullError(OvmError):
    """A pull that could not finish; the workspace's files are as they were."""


@dataclass(frozen=True)
class PullResult:
    """What one pull brought into one file."""

    file: str
    server: str
    new: int
    known: int
    review_changes: int

    def describe(self, lang: str = "en") -> str:
        """One line for the terminal, in ``lang``."""
        if lang == "en":
            return (
                f"{self.file}: {self.new} new submission(s) from {self.server}, "
                f"{self.known} already pulled, {self.review_changes} review state(s) changed"
            )
        from ovm.i18n import gettext, param_text, punctuate

        def counted(key: str, n: int) -> str:
            return gettext(key, lang, n=param_text(n, lang))

        return punctuate(
            gettext(
                "cli_pulled",
                lang,
                file=self.file,
                server=self.server,
                new=counted("cli_pulled_new", self.new),
                known=counted("cli_pulled_known", self.known),
                review=counted("cli_pulled_review", self.review_changes),
            ),
            lang,
        )


def _issue(where: str, code: str, message: str, **params: Any) -> Issue:
    return Issue(where, None, None, code, message, (), "error", "usage", params=params)


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _toml_params(exc: Exception) -> dict[str, Any]:
    """Where the TOML reader stopped, in ovm's terms (its English reason stays the message)."""
    if isinstance(exc, UnicodeDecodeError):
        return {"variant": "encoding"}
    at = _TOML_AT.search(str(exc))
    if at is None:
        return {"variant": "syntax"}
    return {"variant": "at", "line": int(at[1]), "column": int(at[2])}


def credentials(url: str, kind: str) -> dict[str, str]:
    """The credentials for a server: from the environment, else the user's credentials file."""
    env = (
        {"email": os.environ.get("OVM_ODK_EMAIL"), "password": os.environ.get("OVM_ODK_PASSWORD")}
        if kind == "odk"
        else {"token": os.environ.get("OVM_KOBO_TOKEN")}
    )
    if all(env.values()):
        return {k: str(v) for k, v in env.items()}
    path = Path(
        os.environ.get("OVM_CREDENTIALS") or Path.home() / ".config" / "ovm" / "credentials.toml"
    )
    if path.is_file():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PullError(
                [
                    _issue(
                        str(path), "invalid-credentials-file", str(exc)[:200], **_toml_params(exc)
                    )
                ],
                key="error_summary_pull_credentials",
                where=str(path),
            ) from None
        found = table.get(url.rstrip("/")) or table.get(url.rstrip("/") + "/")
        if isinstance(found, dict) and all(found.get(k) for k in env):
            return {k: str(found[k]) for k in env}
    names = "OVM_ODK_EMAIL and OVM_ODK_PASSWORD" if kind == "odk" else "OVM_KOBO_TOKEN"
    raise PullError(
        [
            _issue(
                url,
                "missing-credentials",
                f"no credentials for {url}: set {names}, or add them under "
                f'["{url.rstrip("/")}"] in {path}',
                variant=kind if kind == "odk" else "kobo",
                url=url,
                server=url.rstrip("/"),
                path=str(path),
            )
        ],
        key="error_summary_pull_no_credentials",
        where=url,
    )


class _Client:
    """JSON over HTTP with retries; auth failures and server errors as PullError."""

    def __init__(self, base: str, headers: Mapping[str, str]) -> None:
        self.base = base.rstrip("/")
        self.headers = dict(headers)

    def get(self, url: str, body: dict[str, Any] | None = None) -> Any:
        full = url if url.startswith(("http://", "https://")) else self.base + url
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Accept": "application/json", **self.headers}
        if data is not None:
            headers["Content-Type"] = "application/json"
        last = ""
        for _ in range(ATTEMPTS):
            req = urllib.request.Request(full, data=data, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                    raw = resp.read()
                return json.loads(raw.decode("utf-8"))
            except urllib.error.HTTPError as exc:
                if exc.code in (401, 403):
                    raise PullError(
                        [
                            _issue(
                                self.base,
                                "auth-failed",
                                f"the server refused the credentials (HTTP {exc.code})",
                                variant="refused",
                                status=str(exc.code),
                            )
                        ],
                        key="error_summary_pull_auth",
                        where=self.base,
                    ) from None
                if exc.code < 500:
                    raise PullError(
                        [
                            _issue(
                                self.base,
                                "server-error",
                                f"HTTP {exc.code} for {_path_of(full)}",
                                status=str(exc.code),
                                path=_path_of(full),
                            )
                        ],
                        key="error_summary_pull_refused",
                        where=self.base,
                    ) from None
                last = f"HTTP {exc.code}"
                why: dict[str, Any] = {"variant": "http", "status": str(exc.code)}
            except _DROPPED as exc:
                reason = _reason(exc)
                last = f"the connection dropped ({reason})"
                why = {"variant": "dropped", "error": reason}
            except (json.JSONDecodeError, UnicodeDecodeError):
                last = "a reply that is not JSON"
                why = {"variant": "json"}
        raise PullError(
            [
                _issue(
                    self.base,
                    "connection-lost",
                    f"{_path_of(full)}: {last} after {ATTEMPTS} attempts; nothing "
                    "was written, pull again",
                    path=_path_of(full),
                    attempts=ATTEMPTS,
                    **why,
                )
            ],
            key="error_summary_pull_unfinished",
            where=self.base,
        )


def _reason(exc: BaseException) -> str:
    """Why a connection failed, as the system says it (``Connection refused``, ``Name or
    service not known``), else the error's name (``IncompleteRead``, ``TimeoutError``)."""
    cause = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    return type(cause if isinstance(cause, BaseException) else exc).__name__


def _path_of(url: str) -> str:
    return urllib.parse.urlsplit(url).path


# --- ODK Central -------------------------------------------------------------------------------


def _odk_client(src: PullSource) -> _Client:
    creds = credentials(src.url, "odk")
    session = _Client(src.url, {}).get(
        "/v1/sessions", {"email": creds["email"], "password": creds["password"]}
    )
    token = session.get("token") if isinstance(session, dict) else None
    if not token:
        raise PullError(
            [_issue(src.url, "auth-failed", "no session token in the reply", variant="token")],
            key="error_summary_pull_auth",
            where=src.url,
        )
    return _Client(src.url, {"Authorization": f"Bearer {token}"})


def _flatten_odk(sub: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in sub.items():
        if key == "__id" and not prefix:
            out[ODK_ID] = str(value)
        elif key == "__system" and not prefix:
            for k, v in (value or {}).items():
                if k in _ODK_SYSTEM:
                    out[_ODK_SYSTEM[k]] = "" if v is None else str(v)
        elif isinstance(value, dict) and value.get("type") == "Point":
            out.update(_geopoint(value, f"{prefix}{key}-"))
        elif isinstance(value, dict):
            out.update(_flatten_odk(value, f"{prefix}{key}-"))
        elif not key.startswith("@") and not key.startswith("__"):
            out[prefix + key] = "" if value is None else _cell(value)
    return out


def _geopoint(point: Mapping[str, Any], prefix: str) -> dict[str, str]:
    """A geopoint as Central's CSV export splits it: the OData feed gives GeoJSON, whose
    coordinates are longitude, latitude and altitude, with the accuracy in its properties."""
    coords = list(point.get("coordinates") or [])
    props = point.get("properties") or {}
    parts = {
        "Latitude": coords[1] if len(coords) > 1 else None,
        "Longitude": coords[0] if coords else None,
        "Altitude": coords[2] if len(coords) > 2 else None,
        "Accuracy": props.get("accuracy") if isinstance(props, dict) else None,
    }
    return {prefix + k: "" if v is None else str(v) for k, v in parts.items()}


def _odata(client: _Client, src: PullSource, query: dict[str, str]) -> Iterator[dict[str, Any]]:
    path = f"/v1/projects/{src.project}/forms/{urllib.parse.quote(str(src.form))}.svc/Submissions"
    skip = 0
    url: str | None = path + "?" + urllib.parse.urlencode({**query, "$top": PAGE, "$skip": 0})
    while url is not None:
        page = client.get(url)
        values = page.get("value", []) if isinstance(page, dict) else []
        yield from values
        nxt = page.get("@odata.nextLink") if isinstance(page, dict) else None
        skip += len(values)
        if nxt:
            url = str(nxt)
        elif len(values) == PAGE:
            url = path + "?" + urllib.parse.urlencode({**query, "$top": PAGE, "$skip": skip})
        else:
            url = None


def _pull_odk(src: PullSource, since: str | None) -> tuple[list[dict[str, str]], dict[str, str]]:
    client = _odk_client(src)
    query = {"$orderby": "__system/submissionDate"}
    if since:
        query["$filter"] = f"__system/submissionDate ge {since}"
    new = [_flatten_odk(s) for s in _odata(client, src, query)]
    states = {
        str(s.get("__id")): str((s.get("__system") or {}).get("reviewState") or "")
        for s in _odata(client, src, {"$select": "__id,__system"})
    }
    return new, states


# --- KoboToolbox -------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _flatten_kobo(sub: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for key, value in sub.items():
        if key == KOBO_REVIEW:
            out[key] = str(value.get("uid", "")) if isinstance(value, dict) else _cell(value or "")
        else:
            out[key] = "" if value is None else _cell(value)
    return out


def _kobo_pages(
    client: _Client, src: PullSource, params: dict[str, str]
) -> Iterator[dict[str, Any]]:
    url: str | None = (
        f"/api/v2/assets/{urllib.parse.quote(str(src.asset))}/data/?"
        + urllib.parse.urlencode({"format": "json", "limit": PAGE, **params})
    )
    while url is not None:
        page = client.get(url)
        yield from (page.get("results", []) if isinstance(page, dict) else [])
        nxt = page.get("next") if isinstance(page, dict) else None
        url = str(nxt) if nxt else None


def _pull_kobo(src: PullSource, since: str | None) -> tuple[list[dict[str, str]], dict[str, str]]:
    client = _Client(src.url, {"Authorization": f"Token {credentials(src.url, 'kobo')['token']}"})
    params = {"sort": json.dumps({KOBO_TIME: 1})}
    if since:
        params["query"] = json.dumps({KOBO_TIME: {"$gte": since}})
    new = [_flatten_kobo(s) for s in _kobo_pages(client, src, params)]
    fields = {"fields": json.dumps([KOBO_ID, KOBO_REVIEW])}
    states = {
        str(s.get(KOBO_ID)): _flatten_kobo(s).get(KOBO_REVIEW, "")
        for s in _kobo_pages(client, src, fields)
    }
    return new, states


# --- the file ----------------------------------------------------------------------------------


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists():
        return [], []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [dict(r) for r in reader]
        return list(reader.fieldnames or []), rows


def pull_source(root: Path, path: str, src: PullSource) -> PullResult:
    """Pull one server's new submissions into ``root / path``; the file is replaced atomically,
    and the workspace's record of pulls (:mod:`ovm.data.pulls`) notes it was written."""
    from ovm.data.pulls import record_pull
    from ovm.field.xlsform import VISIT_FIELDS
    from ovm.files import write_atomic

    target = root / path
    id_col, time_col, review_col = (
        (ODK_ID, ODK_TIME, ODK_REVIEW) if src.server == "odk" else (KOBO_ID, KOBO_TIME, KOBO_REVIEW)
    )
    header, rows = _read(target)
    times = [r.get(time_col) or "" for r in rows]
    since = max(times) if any(times) else None
    fetch = _pull_odk if src.server == "odk" else _pull_kobo
    new, states = fetch(src, since)
    have = {r.get(id_col) for r in rows}
    added = 0
    for sub in new:
        if sub.get(id_col) in have:
            continue
        have.add(sub.get(id_col))
        rows.append(sub)
        added += 1
    changed = 0
    for r in rows:
        state = states.get(r.get(id_col) or "")
        if state is not None and (r.get(review_col) or "") != state:
            r[review_col] = state
            changed += 1
    if not header:
        # Before the first submission arrives the file still reads as an empty export.
        header = [*VISIT_FIELDS, id_col, time_col, review_col]
    # A new form version may add questions: new columns join the header, old rows stay blank.
    for r in rows:
        header += [k for k in r if k not in header]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, out.getvalue())
    record_pull(root, path, src.model_dump(exclude_none=True))
    return PullResult(path, src.url, added, len(new) - added, changed)


def pull_workspace(root: Path, config: WorkspaceConfig) -> list[PullResult]:
    """Pull every checklist of the workspace that names a server."""
    from ovm.data.workspace import TableSource

    out = []
    for item in config.checklists:
        if isinstance(item, TableSource) and item.pull is not None:
            out.append(pull_source(root, item.path, item.pull))
    return out
