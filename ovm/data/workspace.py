"""A workspace folder: ``ovm.yaml`` naming the rubric and the data files of a cohort of missions."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ovm.data.checklists import likely_answers, validate_sites, verbatim_columns
from ovm.data.declared import RubricSource, questions_not_answered, variables_not_given
from ovm.data.followup import with_follow_up_values
from ovm.data.observations import (
    Datum,
    FileReport,
    LoadReport,
    Mission,
    Observations,
    RejectedRow,
    cell_place,
    limit_issues,
    listed_mission_ids,
    load_missions,
    load_statistics,
)
from ovm.data.reader import CONFIDENCE_LEVELS, JoinedRows, yes_no
from ovm.data.repeats import Loaded, across_files
from ovm.data.tables import (
    missing_sheet_message,
    missing_sheet_params,
    read_named_table,
    size_problem,
    workbook_sheets,
)
from ovm.errors import (
    CheckError,
    DataError,
    Issue,
    PathPart,
    RubricError,
    check_error,
)
from ovm.files import CONFIG_NAME as CONFIG_NAME
from ovm.i18n import coded, punctuate
from ovm.nearest import FIELD_CUTOFF, closest
from ovm.rubric.model import (
    BUNDLED,
    Rubric,
    bundled_rubric,
    check_rubric,
    choice_words,
    decimal_comma_message,
    listed_text,
    mapping_of_a_scalar,
    meant_choice,
    meant_choice_message,
    schema_params,
    text_of_a_mapping,
    type_words,
    unquoted_text,
)
from ovm.yamldoc import (
    MAX_BYTES,
    YamlDoc,
    parse_yaml,
    read_text,
    too_large_message,
    too_large_params,
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PullSource(_Model):
    """The server a checklist file is pulled from by ``ovm pull`` (never its credentials)."""

    server: Literal["odk", "kobo"]
    url: str = Field(pattern=r"^https?://[^\s]+$")
    project: int | None = Field(default=None, ge=1)
    form: str | None = None
    asset: str | None = None

    @field_validator("url")
    @classmethod
    def _an_address(cls, url: str) -> str:
        # The pattern lets through what no request can be sent to: a bracket left open
        # (http://[::1), a port beyond 65535, no host at all (http://:80).
        from urllib.parse import urlsplit

        from pydantic_core import PydanticCustomError

        try:
            parts = urlsplit(url)
            ok = bool(parts.hostname) and (parts.port or 0) >= 0
        except ValueError:
            ok = False
        if not ok:
            raise PydanticCustomError("string_pattern_mismatch", "not a server address")
        return url

    @model_validator(mode="after")
    def _named(self) -> PullSource:
        # What each server needs to find the form: ODK a project and form id, Kobo an asset.
        if self.server == "odk" and (self.project is None or not self.form):
            raise CheckError("pull_odk")
        if self.server == "kobo" and not self.asset:
            raise CheckError("pull_kobo")
        return self


class TableSource(_Model):
    """A data file named by the workspace, with defaults for the provenance of its values."""

    path: str
    pull: PullSource | None = None
    sheet: str | None = None
    layout: Literal["plain", "kobo", "odk"] = "plain"
    simulated: bool = False
    source: str | None = None
    confidence: Literal["high", "medium", "low"] | None = None
    recorded_by: str | None = None

    @field_validator("simulated", mode="before")
    @classmethod
    def _yes_no(cls, value: object) -> object:
        # ``simulated: sí`` means what ``simulated: yes`` does, as in every table.
        if isinstance(value, str):
            flag = yes_no(value)
            return value if flag is None else flag
        return value

    @field_validator("confidence", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        # As the file's own confidence column reads it: any case, or in the team's language.
        if isinstance(value, str):
            return CONFIDENCE_LEVELS.pick(value) or value
        return value

    def provenance(self) -> dict[str, str]:
        """Provenance given for the whole file, a default for each of its values."""
        given = (
            ("source", self.source),
            ("confidence", self.confidence),
            ("recorded_by", self.recorded_by),
        )
        return {k: v for k, v in given if v is not None}


class Settings(_Model):
    """Engine settings: the bootstrap's seed and number of replicates."""

    seed: int = Field(default=20261128, ge=0, lt=2**63)
    bootstrap: int = Field(default=200, ge=0, le=100_000)
    confidence: float = Field(default=0.95, gt=0, lt=1)

    @field_validator("seed", "bootstrap", "confidence", mode="before")
    @classmethod
    def _not_yes_no(cls, value: object) -> object:
        # YAML reads ``seed: yes`` as True, which pydantic would take as 1.
        if isinstance(value, bool):
            raise CheckError("number_not_yes_no")
        return value


class WorkspaceConfig(_Model):
    """The content of ``ovm.yaml``."""

    title: dict[str, str] | str | None = None
    rubric: str = "bundled:deco-voting-abroad"
    missions: str = "missions.yaml"
    statistics: tuple[TableSource | str, ...] = ()
    answers: tuple[TableSource | str, ...] = ()
    checklists: tuple[TableSource | str, ...] = ()
    places: tuple[TableSource | str, ...] = ()
    settings: Settings = Settings()

    def named_files(self) -> list[tuple[tuple[PathPart, ...], str]]:
        """Every data file ovm.yaml names (missions and tables), with the key naming it."""
        named: list[tuple[tuple[PathPart, ...], str]] = [(("missions",), self.missions)]
        for group in ("statistics", "answers", "checklists", "places"):
            for j, item in enumerate(getattr(self, group)):
                key: tuple[PathPart, ...] = (
                    (group, j) if isinstance(item, str) else (group, j, "path")
                )
                named.append((key, _source(item).path))
        return named

    def input_files(self, base: Path) -> list[Path]:
        """Every file a run of the workspace at ``base`` reads: ovm.yaml, the rubric (unless
        bundled), the missions and every table."""
        found = [base / CONFIG_NAME]
        if not self.rubric.startswith("bundled:"):
            found.append(base / self.rubric)
        return found + [base / rel for _, rel in self.named_files()]


@dataclass(frozen=True)
class Workspace:
    """A loaded workspace: rubric, observations and settings."""

    root: Path
    config: WorkspaceConfig
    rubric: Rubric
    observations: Observations
    warnings: tuple[Issue, ...] = field(default=())

    @property
    def settings(self) -> Settings:
        """Engine settings from ``ovm.yaml``."""
        return self.config.settings

    def title(self, lang: str = "en") -> str:
        """The workspace title in ``lang`` (punctuated as ``lang`` writes it), else in English."""
        t = self.config.title
        if t is None:
            return self.root.name
        if isinstance(t, str):
            return t
        if t.get(lang):
            return punctuate(t[lang], lang)
        return t.get("en") or self.root.name


def _source(item: TableSource | str) -> TableSource:
    return item if isinstance(item, TableSource) else TableSource(path=item)


_TOP_FIELDS = tuple(WorkspaceConfig.model_fields)
_WORKSPACE_NEEDS = (
    "a workspace is a folder with an ovm.yaml naming the rubric, the missions file and the "
    "data tables: make one with `ovm init DIR`"
)


def read_config(root: Path, *, rubric_named: bool = True) -> WorkspaceConfig:
    """The content of a workspace's ``ovm.yaml``; DataError with every located problem
    (``rubric_named`` False: the caller names another rubric, not checked then)."""
    return _read_config(root, rubric_named=rubric_named)[0]


def _read_config(
    root: Path, *, rubric_named: bool = True, groups: tuple[str, ...] | None = None
) -> tuple[WorkspaceConfig, YamlDoc]:
    path = root / CONFIG_NAME if root.is_dir() else root
    if not path.exists():
        raise DataError(
            [
                Issue(
                    str(path),
                    None,
                    None,
                    "file-not-found",
                    f"no {CONFIG_NAME}: {_WORKSPACE_NEEDS}",
                    (),
                    "error",
                    "data",
                    params={"variant": "config"},
                )
            ],
            key="error_summary_not_workspace",
            where=str(path),
        )
    text, name, issues = read_text(path)
    if issues:
        raise DataError(
            [dataclasses.replace(i, path=(), severity="error", category="data") for i in issues],
            key="error_summary_workspace_unreadable",
            where=name,
        )
    doc, issues = parse_yaml(text, name)
    issues = [dataclasses.replace(i, severity="error", category="data") for i in issues]
    if doc is None:
        raise DataError(issues, key="error_summary_workspace_invalid", where=name)
    if doc.data is not None and not isinstance(doc.data, dict):
        raise DataError(
            [
                Issue(
                    name,
                    1,
                    1,
                    "invalid-type",
                    "ovm.yaml is a mapping of fields (rubric:, missions:, ...): "
                    "write one field a line",
                    (),
                    "error",
                    "data",
                    params={"variant": "config"},
                )
            ],
            key="error_summary_workspace_invalid",
            where=name,
        )
    # A key that is no name is refused as a field written wrong is: the field it is in is left
    # out, and every other problem of ovm.yaml is said beside it. A key written twice keeps its
    # first value, which is read: the rubric it names (a line copied twice) is checked too.
    locs = [tuple(i.path) for i in issues if i.path and i.code != "duplicate-key"]
    try:
        config = WorkspaceConfig.model_validate(doc.data or {})
    except ValidationError as exc:
        issues += _config_issues(doc, name, exc.errors())
        locs += [tuple(e["loc"]) for e in exc.errors() if e["loc"]]
    else:
        if not issues:
            return config, doc
    # Every problem of ovm.yaml at once: the files the valid fields name are checked too (a
    # rubric that does not exist), not left for the next run to find.
    wrong = {loc[0] for loc in locs}
    entries = frozenset(_entry(loc) for loc in locs)
    fine = _valid_part(doc.data or {}, entries)
    if fine is None:
        raise DataError(issues, key="error_summary_workspace_invalid", where=name)
    found, _ = _check_sources(fine, doc, path.parent, rubric_named=rubric_named, groups=groups)
    # A field refused above is said once: not again as the default put in its place.
    errors = [i for i in found if i.severity == "error" and not _under(i.path, entries)]
    raise ConfigRefused(
        [*issues, *errors], refused=issues, config=fine, doc=doc, wrong=wrong, entries=entries
    )


_TABLE_GROUPS = ("statistics", "answers", "checklists", "places")

_NEEDED = frozenset({"rubric", "missions"})
"""The fields of ovm.yaml every table's reading depends on: with one of them refused no table
is read (its rows would be said wrong for it)."""


def _entry(loc: tuple[Any, ...]) -> tuple[PathPart, ...]:
    """The entry of ovm.yaml a refused ``loc`` is in: one table of a group (``checklists``,
    0), else the top-level field."""
    if loc[0] in _TABLE_GROUPS and len(loc) > 1 and isinstance(loc[1], int):
        return (str(loc[0]), loc[1])
    return (str(loc[0]),)


def _under(path: Sequence[PathPart], entries: frozenset[tuple[PathPart, ...]]) -> bool:
    """Whether ``path`` is within one of ``entries``."""
    return any(tuple(path[: len(e)]) == e for e in entries)


class ConfigRefused(DataError):
    """ovm.yaml refused in some fields (``wrong``) while the others read: ``config`` holds
    those others, the refused fields at their defaults; ``refused`` the problems of the refused
    fields alone, ``issues`` those and the problems of the files the others name.

    Where the rubric's and the missions' names are not refused, :func:`load_workspace` reads
    every file but those of a refused table entry (``entries``: a field, or a table's group and
    index), the refused fields at their defaults, and raises this error with every problem
    found and the workspace it read (``workspace``, None where it could not be read): nothing
    is scored with a default put in place of a setting written wrong. Where one of them is
    refused, no table is read, but the rubric is, and its problems are among ``issues``."""

    def __init__(
        self,
        issues: Sequence[Issue],
        *,
        refused: Sequence[Issue],
        config: WorkspaceConfig,
        doc: YamlDoc,
        wrong: set[Any] | frozenset[Any],
        entries: frozenset[tuple[PathPart, ...]] = frozenset(),
        workspace: Workspace | None = None,
    ) -> None:
        # Named the invalid workspace file only where every problem is in it: beside the
        # problems of the rubric or the tables it names, the count of them all.
        elsewhere = any(i.file != doc.file for i in issues)
        key = "error_summary_errors" if elsewhere else "error_summary_workspace_invalid"
        super().__init__(issues, key=key, where=doc.file)
        self.refused = tuple(refused)
        self.config, self.doc, self.wrong = config, doc, frozenset(wrong)
        self.entries = entries or frozenset((str(w),) for w in wrong)
        self.workspace = workspace

    @property
    def files_readable(self) -> bool:
        """Whether the files ovm.yaml names read as they would with the refused fields right:
        all but those a refused table entry names (never read), unless the rubric's or the
        missions' name is refused."""
        return not (self.wrong & _NEEDED)

    @property
    def skipped(self) -> frozenset[tuple[PathPart, ...]]:
        """The table entries (group, index) refused, whose files are not read."""
        return frozenset(e for e in self.entries if len(e) == 2)

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its parts, as ovm's other errors are: copied, or sent from a worker
        # process, whole.
        return (
            _rebuild_refused,
            (self.issues, self.refused, self.config, self.doc, self.wrong, self.entries),
            {"workspace": self.workspace},
        )

    def beside(self, found: Sequence[Issue], workspace: Workspace | None = None) -> ConfigRefused:
        """This error with the problems ``found`` reading the files, instead of those of the
        files alone, and the ``workspace`` read."""
        return ConfigRefused(
            [*self.refused, *found],
            refused=self.refused,
            config=self.config,
            doc=self.doc,
            wrong=self.wrong,
            entries=self.entries,
            workspace=workspace,
        )


def _rebuild_refused(
    issues: Sequence[Issue],
    refused: Sequence[Issue],
    config: WorkspaceConfig,
    doc: YamlDoc,
    wrong: frozenset[Any],
    entries: frozenset[tuple[PathPart, ...]],
) -> ConfigRefused:
    return ConfigRefused(
        issues, refused=refused, config=config, doc=doc, wrong=wrong, entries=entries
    )


def _valid_part(
    data: dict[str, Any], entries: frozenset[tuple[PathPart, ...]]
) -> WorkspaceConfig | None:
    """The config of ``data`` without its refused ``entries`` (a field at its default; a
    table entry in its place by a name no file has, never read), or None if even that is
    refused."""
    kept = {k: v for k, v in data.items() if (k,) not in entries}
    for group, j in (e for e in entries if len(e) == 2):
        if isinstance(kept.get(str(group)), list):
            kept[str(group)] = [
                f".ovm-refused-{group}-{j}" if i == j else item
                for i, item in enumerate(kept[str(group)])
            ]
    try:
        return WorkspaceConfig.model_validate(kept)
    except ValidationError:
        return None


def _config_issues(doc: YamlDoc, name: str, errors: list[Any]) -> list[Issue]:
    """Located issues from pydantic's errors, without the noise of the path-or-mapping union."""
    tagged = {
        tuple(e["loc"][: e["loc"].index("TableSource")])
        for e in errors
        if "TableSource" in e["loc"]
    }
    out = []
    locs = [
        tuple(
            p
            for p in err["loc"]
            if not (isinstance(p, str) and "[" in p) and p not in ("TableSource", "str")
        )
        for err in errors
    ]
    for err, loc in zip(errors, locs, strict=True):
        raw = tuple(err["loc"])
        if "str" in raw and tuple(raw[: raw.index("str")]) in tagged:
            continue  # the entry is a mapping: that it is not also a path says nothing
        if text_of_a_mapping(err, loc, locs) or mapping_of_a_scalar(err, loc, errors, locs):
            continue
        code = {"missing": "missing-field", "extra_forbidden": "unknown-field"}.get(
            err["type"], "invalid-value"
        )
        msg = str(err["msg"]).removeprefix("Value error, ")[:200]
        if code == "missing-field":
            msg = "required field is missing"  # as a rubric says it, not the schema's words
        params: dict[str, object] = {"variant": "field"}
        if code == "unknown-field":
            pos = doc.positions.find(loc, key=True)
            known = _TOP_FIELDS if len(loc) == 1 else _fields_at(loc)
            near = closest(str(loc[-1]), known, cutoff=FIELD_CUTOFF, words=False)
            if near is not None:
                msg = f"unknown field `{loc[-1]}`, did you mean `{near}`?"
                params = {"variant": "meant", "field": loc[-1], "meant": near}
            else:
                msg = f"unknown field `{loc[-1]}`: the fields are {', '.join(known)}"
                params = {"variant": "known", "field": loc[-1], "allowed": list(known)}
        else:
            pos = doc.positions.find(loc)
            check = check_error(err)
            if check is not None:
                # a check of ovm's own says its own sentence, in every language
                msg, params = str(check), check.issue_params()
            elif said := unquoted_text(err, doc, loc, code) or listed_text(err, loc, errors, locs):
                msg, params = said
            elif meant := meant_choice(err):
                # the choice meant says more than the field's advice, in any language; and
                # under the code a rubric or missions.yaml gives the same sentence
                msg, params, code = meant_choice_message(meant), meant, "invalid-choice"
            elif err["type"] in ("literal_error", "enum"):
                # none of the field's choices: the sentence and code a rubric or missions.yaml
                # gives the same value
                code = "invalid-choice"
                params = schema_params(err, code)
                msg = choice_words(code, params) or str(err["msg"])[:200]
            elif raw[-1:] == ("TableSource",) and err["type"] == "model_type":
                # a table's entry may be its path alone: a file named 2024 is that path, to be
                # quoted; anything else is said with both forms, not the mapping's only
                as_text = {**err, "type": "string_type"}
                msg, params = unquoted_text(as_text, doc, loc, code) or (
                    coded("issue", code, {"variant": "path_or_mapping"}, "en") or msg,
                    {"variant": "path_or_mapping"},
                )
            elif code == "invalid-value":
                hint = _hint_of(loc)
                if hint is None:
                    params = schema_params(err, code)
                    if params["variant"] == "decimal_comma":
                        msg = decimal_comma_message(params)
                    elif (words := type_words(code, params)) is not None:
                        msg = words
                    else:
                        msg += ": correct the value"
                else:
                    # the field's own advice says more than the schema's reason (whose words
                    # name its own types and notation), in every language alike
                    params = {"variant": hint}
                    msg = coded("issue", "invalid-value", params, "en") or hint
        out.append(
            Issue(
                name,
                pos[0] if pos else None,
                pos[1] if pos else None,
                code,
                msg,
                loc,
                "error",
                "data",
                params=params,
            )
        )
    return out


def _fields_at(loc: tuple[Any, ...]) -> tuple[str, ...]:
    if loc[:1] == ("settings",):
        return tuple(Settings.model_fields)
    if "pull" in loc:
        return tuple(PullSource.model_fields)
    return tuple(TableSource.model_fields)


def _hint_of(loc: tuple[Any, ...]) -> str | None:
    """The catalogue variant of the advice for the field at ``loc``, None where it has none."""
    last = str(loc[-1]) if loc else ""
    if last in ("simulated", "seed", "bootstrap") or (last == "confidence" and len(loc) <= 2):
        return f"hint_{last}"
    if "pull" in loc and last in ("url", "project"):
        return f"hint_pull_{last}"
    return None


def resolve_rubric(spec: str | Path, base: Path | None = None) -> Rubric:
    """A rubric from ``bundled:NAME`` or a path (relative to ``base``); raises RubricError."""
    if isinstance(spec, str) and spec.startswith("bundled:"):
        name = spec.split(":", 1)[1]
        if name not in BUNDLED:
            raise RubricError(
                [
                    Issue(
                        CONFIG_NAME,
                        None,
                        None,
                        "unknown-rubric",
                        f"no bundled rubric {name!r}",
                        (),
                        "error",
                        "usage",
                        params={"variant": "name", "name": name},
                    )
                ]
            )
        return bundled_rubric(name)
    path = Path(spec)
    if base is not None and not path.is_absolute():
        path = base / path
    rubric, issues = check_rubric(path)
    if rubric is None or any(i.severity == "error" for i in issues):
        raise RubricError(issues, key="error_summary_rubric_unusable", where=str(path))
    return rubric


def load_workspace(
    path: str | Path,
    *,
    rubric: Rubric | str | Path | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> Workspace:
    """Load a workspace folder (or its ``ovm.yaml``); DataError/RubricError for unusable input.

    An ovm.yaml refused in some fields raises :class:`ConfigRefused` (a DataError) with every
    problem found beside them, the rubric's too: ``except ovm.OvmError`` (or ``DataError``)
    catches a bad rubric beside a bad ovm.yaml, ``except ovm.RubricError`` only a bad rubric
    beside a good one. Each issue's ``file`` says where it is.

    Rows with problems do not raise: they are listed in ``observations.report.rejected``. A
    table ovm.yaml names that cannot be used (missing, too large, named twice, without its
    sheet) raises DataError after every other file has been read, with every other problem;
    a ``pull:`` target not pulled yet is no submissions yet, a ``not-pulled`` warning (one
    ``ovm pull`` wrote before is an error: :mod:`ovm.data.pulls`).
    ``meanwhile``: work of the caller's that needs nothing of the workspace, done once while
    the first checklist table is read on a thread of its own (a command's imports), where this
    thread would otherwise wait for it.
    """
    root = Path(path)
    try:
        config, doc = _read_config(root, rubric_named=rubric is None)
    except ConfigRefused as exc:
        if not exc.files_readable:
            # No table is read, but the rubric ovm.yaml names is: its problems are said now,
            # not on the run after ovm.yaml is put right.
            files = exc.issues[len(exc.refused) :]
            if "rubric" not in exc.wrong and not any(_under(i.path, _RUBRIC) for i in files):
                try:
                    _rubric_of(root, exc.config, rubric)
                except RubricError as more:
                    raise exc.beside([*files, *more.issues]) from None
            raise
        # A title or setting written wrong is said with every problem of the files, read as
        # they would be with it right.
        try:
            ws = _load(
                root,
                exc.config,
                exc.doc,
                rubric,
                meanwhile,
                exc.skipped,
                statistics_refused=_statistics_refused(exc),
            )
        except (DataError, RubricError) as more:
            raise exc.beside(more.issues) from None
        rep = ws.observations.report
        raise exc.beside([*rep.issues, *(i for r in rep.rejected for i in r.reasons)], ws) from None
    return _load(root, config, doc, rubric, meanwhile)


_RUBRIC: frozenset[tuple[PathPart, ...]] = frozenset({("rubric",)})


def _rubric_of(root: Path, config: WorkspaceConfig, rubric: Rubric | str | Path | None) -> Rubric:
    """The rubric a workspace is scored with: the caller's, else the one ovm.yaml names."""
    if isinstance(rubric, Rubric):
        return rubric
    if rubric is not None:
        # A rubric named by the caller is found from where the caller stands.
        return resolve_rubric(rubric)
    return resolve_rubric(config.rubric, root if root.is_dir() else root.parent)


def _statistics_refused(exc: ConfigRefused) -> bool:
    """Whether ovm.yaml names a statistics table that is refused, and so not read: the field
    or an entry of it written wrong, or the field's name misspelt (``statistic:``)."""
    return any(e[0] == "statistics" for e in exc.entries) or any(
        i.code == "unknown-field" and i.params.get("meant") == "statistics" for i in exc.refused
    )


def _load(
    root: Path,
    config: WorkspaceConfig,
    doc: YamlDoc,
    rubric: Rubric | str | Path | None,
    meanwhile: Callable[[], object] | None,
    refused: frozenset[tuple[PathPart, ...]] = frozenset(),
    *,
    statistics_refused: bool = False,
) -> Workspace:
    base = root if root.is_dir() else root.parent
    unusable, skipped = _check_sources(config, doc, base, rubric_named=rubric is None)
    # A table entry ovm.yaml refuses is said there alone: its file is not read.
    unusable = [i for i in unusable if not _under(i.path, refused)]
    skipped |= refused
    # A pull target not pulled yet holds no submissions yet: said, and the rest is scored.
    not_pulled = [i for i in unusable if i.severity != "error"]
    unusable = [i for i in unusable if i.severity == "error"]
    if unusable and (("missions",) in skipped or ("rubric",) in skipped):
        # Without the missions or the rubric no table can be checked, but missions.yaml's
        # own problems (ids, countries, dates) need no rubric: said now, not on the next run.
        found: list[Issue] = []
        if ("missions",) not in skipped:
            found = load_missions(base / config.missions, None)[1]
        raise DataError([*unusable, *found], key="error_summary_workspace_files", where=doc.file)
    rb = _rubric_of(root, config, rubric)

    def usable(group: str) -> list[TableSource]:
        return [
            _with_base(_source(s), base)
            for j, s in enumerate(getattr(config, group))
            if (group, j) not in skipped
        ]

    try:
        obs, warnings = load_observations(
            rb,
            missions=base / config.missions,
            statistics=usable("statistics"),
            checklists=usable("checklists"),
            answers=usable("answers"),
            places=usable("places"),
            meanwhile=meanwhile,
        )
    except DataError as exc:
        if not unusable:
            if not_pulled:
                raise DataError(
                    [*not_pulled, *exc.issues],
                    exc.summary,
                    key=exc.summary_key,
                    **exc.summary_params,
                ) from None
            raise
        raise DataError(
            [*unusable, *not_pulled, *exc.issues],
            key="error_summary_workspace_files",
            where=doc.file,
        ) from None
    if unusable:
        rep = obs.report
        raise DataError(
            [*unusable, *not_pulled, *rep.issues, *(i for r in rep.rejected for i in r.reasons)],
            key="error_summary_workspace_files",
            where=doc.file,
        )
    # Warnings at the rubric's declarations read its document again, once, if any needs it.
    source = RubricSource(
        rb,
        None if isinstance(rubric, Rubric) else config.rubric if rubric is None else str(rubric),
        base,
        rubric is not None,
    )
    left = [
        *not_pulled,
        *_init_title(config, doc, base),
        *_edited_bundled(rb, source),
    ]
    # Said after the tables' own problems: an unknown-column warning names the column that was
    # probably meant for the question or the variable. Made here, once, so that ovm check,
    # every command that scores, the library and a report's data quality count them alike.
    from ovm.data.places import plans_too_small

    unanswered = [
        *plans_too_small(rb, obs.missions, base / config.missions),
        *questions_not_answered(rb, obs, source),
        *variables_not_given(rb, obs, source, unread=statistics_refused),
    ]
    if left or unanswered:
        report = dataclasses.replace(obs.report, issues=(*left, *obs.report.issues, *unanswered))
        obs = dataclasses.replace(obs, report=report)
        warnings = [*left, *warnings, *unanswered]
    return Workspace(base, config, rb, obs, tuple(warnings))


def _init_title(config: WorkspaceConfig, doc: YamlDoc, base: Path) -> list[Issue]:
    """``init-placeholder`` while the title is the folder's name under each language, as
    ``ovm init`` wrote it: every report would be headed by the folder's name."""
    title = config.title
    names = {base.name, base.resolve().name}
    if not isinstance(title, dict) or not title or not all(t in names for t in title.values()):
        return []
    pos = doc.positions.find(("title",))
    line, col = pos if pos else (None, None)
    return [
        Issue(
            doc.file,
            line,
            col,
            "init-placeholder",
            "the title is the workspace's folder name, as ovm init wrote it: write the title "
            "the reports are headed by",
            ("title",),
            "warning",
            "data",
            params={"variant": "title"},
        )
    ]


def _edited_bundled(rb: Rubric, source: RubricSource) -> list[Issue]:
    """``edited-bundled-rubric`` when a rubric file carries the id and version of a rubric
    bundled with ovm but says something else (a copy from ``ovm init --copy-rubric``, then
    edited): its reports would name it as that published methodology."""
    if source.file is None or source.bundled or rb.id not in BUNDLED:
        return []
    bundled = bundled_rubric(rb.id)
    if bundled.version != rb.version or bundled.digest() == rb.digest():
        return []
    # Read again only here, for the place of its version: the rubric was read without error.
    doc = source.doc
    pos = doc.positions.find(("version",)) if doc is not None else None
    line, col = pos if pos else (None, None)
    return [
        Issue(
            source.name,
            line,
            col,
            "edited-bundled-rubric",
            f"this rubric has the id {rb.id!r} and version {rb.version} of the rubric bundled "
            "with ovm but differs from it: its reports would name it as that methodology; "
            "give the edited rubric an id or a version of its own",
            ("version",),
            "warning",
            "rubric",
            params={"id": rb.id, "version": rb.version},
        )
    ]


def _check_sources(
    config: WorkspaceConfig,
    doc: YamlDoc,
    base: Path,
    *,
    rubric_named: bool = True,
    groups: tuple[str, ...] | None = None,
) -> tuple[list[Issue], set[tuple[PathPart, ...]]]:
    """Whether each file ovm.yaml names can be read: it exists, is a file, is within its size
    limit and is named once. Issues at the line naming it (the rubric's too, unless the caller
    names another), and the entries that cannot be used: ``("missions",)``, ``("rubric",)``
    or (group, index). A ``pull:`` target nothing was ever pulled into is a warning
    (``not-pulled``), its entry skipped; ``groups`` limits the tables checked to those groups."""
    issues: list[Issue] = []
    skipped: set[tuple[PathPart, ...]] = set()

    def at(path: tuple[PathPart, ...]) -> tuple[int | None, int | None]:
        pos = doc.positions.find(path)
        return (pos[0], pos[1]) if pos else (None, None)

    def refuse(
        key: tuple[PathPart, ...],
        code: str,
        message: str,
        params: dict[str, Any],
        where: tuple[PathPart, ...] = (),
    ) -> None:
        where = where or key
        line, col = at(where)
        if key == ("missions",) and "missions" not in (doc.data or {}):
            line, col = None, None  # the default name, written nowhere
        issues.append(
            Issue(doc.file, line, col, code, message, where, "error", "data", params=params)
        )
        skipped.add(key[:2])

    spec = config.rubric
    if rubric_named and "rubric" in (doc.data or {}):
        if spec.startswith("bundled:") and spec.split(":", 1)[1] not in BUNDLED:
            bundled = ["bundled:" + b for b in sorted(BUNDLED)]
            refuse(
                ("rubric",),
                "unknown-rubric",
                f"no bundled rubric {spec.split(':', 1)[1]!r}: name one of "
                f"{', '.join(bundled)} or a rubric file",
                {"name": spec.split(":", 1)[1], "bundled": bundled},
            )
        elif not spec.startswith("bundled:"):
            problem = _file_problem(base / spec, spec, base, yaml=True)
            if problem is not None:
                refuse(("rubric",), *problem)

    named = [
        (key, rel)
        for key, rel in config.named_files()
        if groups is None or key == ("missions",) or key[0] in groups
    ]
    seen_path: dict[tuple[Path, str | None], tuple[PathPart, ...]] = {}
    # Files of one size (and sheet) are the only ones that can have the same content: a
    # file's digest is computed only when an earlier one has its size, so a large table is
    # not read through an extra time just to learn it is unique.
    seen_size: dict[tuple[int, str | None], list[tuple[Path, tuple[PathPart, ...]]]] = {}
    digests: dict[Path, str] = {}

    def digest(file: Path) -> str:
        if file not in digests:
            digests[file] = _digest(file)
        return digests[file]

    for key, rel in named:
        p = Path(rel) if Path(rel).is_absolute() else base / rel
        problem = _file_problem(p, rel, base, yaml=key == ("missions",))
        pull = _pull_of(config, key) if problem and problem[0] == "file-not-found" else None
        if pull is not None:
            problem = _pulled_problem(pull, rel, base)
        if pull is not None and problem is None:
            line, col = at(key)
            issues.append(
                Issue(
                    doc.file,
                    line,
                    col,
                    "not-pulled",
                    f"{rel!r} is not there yet: no submissions pulled so far (`ovm pull` "
                    "fetches them); the workspace is used without it",
                    key,
                    "warning",
                    "data",
                    params={"file": rel},
                )
            )
            skipped.add(key[:2])
            continue
        if problem is not None:
            refuse(key, *problem)
            continue
        sheet = None
        if len(key) >= 2 and isinstance(key[1], int):
            sheet = _source(getattr(config, str(key[0]))[key[1]]).sheet
        resolved = (p.resolve(), sheet)
        same_size = seen_size.setdefault((p.stat().st_size, sheet), [])
        first = seen_path.get(resolved) or next(
            (k for q, k in same_size if digest(q) == digest(p)), None
        )
        if first is not None:
            fline = at(first)[0]
            refuse(
                key,
                "duplicate-source",
                f"{rel!r} is the same file (or the same content) as the one named "
                f"at line {fline}: remove one of the two entries",
                {"file": rel, "line": fline},
            )
            continue
        seen_path[resolved] = key
        same_size.append((p, key))
        if len(key) >= 2 and isinstance(key[1], int):
            src = _source(getattr(config, str(key[0]))[key[1]])
            sheet_key = (*key[:2], "sheet") if src.sheet is not None else key
            sheet_problem = _sheet_problem(p, str(key[0]), src)
            if sheet_problem is not None:
                refuse(key, *sheet_problem, where=sheet_key)
    return issues, skipped


def _pull_of(config: WorkspaceConfig, key: tuple[PathPart, ...]) -> PullSource | None:
    """The server ``ovm pull`` fills the table entry at ``key`` from (its ``pull:``)."""
    if len(key) < 2 or not isinstance(key[1], int):
        return None
    return _source(getattr(config, str(key[0]))[key[1]]).pull


def _pulled_problem(pull: PullSource, rel: str, base: Path) -> _Problem | None:
    """Why a missing ``pull:`` file is an error: ``ovm pull`` wrote it (or this server's
    form) before, so it is lost or misnamed; None when nothing of it was ever pulled."""
    from ovm.data.pulls import RECORD, UnreadableRecord, written_before

    try:
        written = written_before(base, rel, pull.model_dump(exclude_none=True))
    except UnreadableRecord as exc:
        # The record tells nothing: the file is missing as any other named file is, and the
        # record is named with why it could not be read, in words of each language (only the
        # system's or the JSON reader's own words are quoted as they are).
        why = {
            "utf8": f"it is not UTF-8: byte 0x{exc.params.get('byte')} at offset "
            f"{exc.params.get('offset')}",
            "json": f"it is not JSON, the reader says '{exc.params.get('detail')}' at line "
            f"{exc.params.get('line')} column {exc.params.get('column')}",
            "shape": "it holds no list of pulls with a path each",
        }.get(exc.why, f"the reader says '{exc.params.get('detail')}'")
        variant = "pulled_unread" if exc.why == "os" else f"pulled_unread_{exc.why}"
        return (
            "file-not-found",
            f"{rel!r} does not exist (relative to {base}): correct the path or add the file "
            f"({exc.path} could not be read, {why}: whether `ovm pull` wrote the file is not "
            "known)",
            {
                "variant": variant,
                "file": rel,
                "base": str(base),
                "record": str(exc.path),
                **exc.params,
            },
        )
    if written is None:
        return None
    if written == rel:
        return (
            "file-not-found",
            f"{rel!r} does not exist (relative to {base}), yet `ovm pull` wrote it before "
            f"({RECORD} says so): run `ovm pull` to fetch its submissions again, or restore "
            "the file",
            {"variant": "pulled", "file": rel, "base": str(base), "record": RECORD},
        )
    return (
        "file-not-found",
        f"{rel!r} does not exist (relative to {base}); `ovm pull` wrote this server's "
        f"submissions to {written!r}: correct the path, or run `ovm pull` to fetch them again",
        {"variant": "pulled_elsewhere", "file": rel, "base": str(base), "written": written},
    )


_Problem = tuple[str, str, dict[str, Any]]
"""An issue's code, English message and parts by name."""


def _file_problem(path: Path, rel: str, base: Path, *, yaml: bool) -> _Problem | None:
    """(code, message, params) when a file ovm.yaml names cannot be read: missing, not a
    regular file, or over its size limit (seen from its size alone: nothing is read)."""
    try:
        st = path.stat()
    except (OSError, ValueError):
        return (
            "file-not-found",
            f"{rel!r} does not exist (relative to {base}): correct the path or add the file",
            {"variant": "named", "file": rel, "base": str(base)},
        )
    if not stat.S_ISREG(st.st_mode):
        folder = stat.S_ISDIR(st.st_mode)
        what = "a folder" if folder else "not a regular file (a pipe or a device)"
        variant = "named_folder" if folder else "named_device"
        return (
            "file-unreadable",
            f"{rel!r} is {what}: name a file",
            {"variant": variant, "file": rel},
        )
    if not os.access(path, os.R_OK):
        return (
            "file-unreadable",
            f"{rel!r} cannot be read: make it readable by this user",
            {"variant": "named_denied", "file": rel},
        )
    if yaml:
        if st.st_size <= MAX_BYTES:
            return None
        size = too_large_params(st.st_size)
        size["variant"] = f"named_{size['variant']}"
        return (
            "file-too-large",
            f"{rel!r} is {too_large_message(st.st_size)}",
            {**size, "file": rel},
        )
    too_large = size_problem(path)
    if too_large is None:
        return None
    message, params = too_large
    named = {**params, "variant": f"named_{params['variant']}", "file": rel}
    return "file-too-large", f"{rel!r} is {message}", named


_FIRST_SHEETS = {"statistics": "variables"}
"""The sheet a group reads first in the data template: read without being named."""


def _sheet_problem(path: Path, group: str, src: TableSource) -> _Problem | None:
    """(code, message, params) when a workbook lacks the sheet its entry names, or has several
    sheets and its entry names none (the first would be a guess); None for any other file."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    found = workbook_sheets(path)
    if found is None:  # not a workbook: the table reader says what is wrong with it
        return None
    sheets = [name for name, _ in found]
    visible = [name for name, shown in found if shown]
    listed = ", ".join(sheets)
    sheet = src.sheet if src.sheet is not None else ("answers" if group == "answers" else None)
    if sheet is not None:
        if sheet in sheets:
            return None
        return (
            "missing-sheet",
            missing_sheet_message(path, sheet, sheets),
            missing_sheet_params(path, sheet, sheets),
        )
    if len(visible) <= 1 or src.layout != "plain" or sheets[0] == _FIRST_SHEETS.get(group):
        return None
    return (
        "unnamed-sheet",
        f"{path.name} has several sheets ({listed}) and this entry names none: write "
        f"{{path: {src.path}, sheet: {visible[0]}}} with the sheet to read",
        {"workbook": path.name, "sheets": sheets, "path": src.path, "sheet": visible[0]},
    )


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _with_base(src: TableSource, base: Path) -> TableSource:
    p = Path(src.path)
    return src if p.is_absolute() else src.model_copy(update={"path": str(base / p)})


def load_plan(path: str | Path) -> tuple[Rubric, list[Mission]]:
    """A workspace's rubric and missions with their planned places (from ``missions.yaml``
    and the ``places`` tables), without reading any other data file.

    What ``ovm form`` needs to offer the plan as the form's lists; raises DataError or
    RubricError for unusable input.
    """
    root = Path(path)
    config, doc = _read_config(root, groups=("places",))
    base = root if root.is_dir() else root.parent
    # The form is made before any data comes back: only the plan's own files are read.
    unusable, _ = _check_sources(config, doc, base, groups=("places",))
    unusable = [i for i in unusable if i.severity == "error"]
    if unusable:
        raise DataError(unusable, key="error_summary_workspace_files", where=doc.file)
    rubric = resolve_rubric(config.rubric, base)
    mission_list, issues = load_missions(base / config.missions, rubric)
    fatal = [i for i in issues if i.severity == "error"]
    from ovm.data.places import load_places, with_places

    rejected: list[Sequence[RejectedRow]] = []
    for src in config.places:
        s = _with_base(_source(src), base)
        planned, _rep, rows, iss = load_places(Path(s.path), mission_list, sheet=s.sheet)
        fatal += [i for i in iss if i.severity == "error"]
        rejected.append(rows)
        mission_list, dup = with_places(mission_list, planned, s.path)
        fatal += dup
    every = _every_problem(fatal, [], rejected, issues, mission_list, base / config.missions)
    if every:
        raise DataError(every, key="error_summary_missions", n=len(every))
    return rubric, mission_list


def _every_problem(
    fatal: list[Issue],
    warnings: list[Issue],
    rejected: list[Sequence[RejectedRow]],
    mission_issues: list[Issue],
    missions: list[Mission],
    missions_file: Path | str,
) -> list[Issue]:
    """Every problem of a workspace whose data cannot be used: the errors, and the rows each
    file rejected with theirs, so that one run of ``ovm check`` says them all. A row's
    mission that missions.yaml lists but could not read is not called unknown: its entry's
    own error says why, and "not in the missions file" would send the user looking for it.
    Nor is any mission when the missions file gives no list at all (it cannot be parsed):
    one such line per data row would bury the file's own error."""
    unread: set[str] = set()
    no_list = False
    if any(i.severity == "error" for i in mission_issues):
        read = {m.id for m in missions}
        listed = listed_mission_ids(Path(missions_file))
        no_list = listed is None
        unread = {mid for mid in listed or () if mid not in read}

    def unknown_unread(row: RejectedRow, reason: Issue) -> bool:
        return reason.code == "unknown-mission" and (no_list or row.mission in unread)

    # A file whose header lacks its mission column has rows that fail for that one reason
    # (each "no mission column", at no column): the header's error says it once. Its rows
    # rejected for a reason of their own (an unknown mission beside a miscased header) are
    # still said.
    headless = {i.file for i in fatal if i.line == 1}

    def said_by_header(row: RejectedRow, reason: Issue) -> bool:
        return row.file in headless and reason.code == "missing-mission" and reason.column is None

    # A workbook cell holding a formula without its saved value is read blank and refused at
    # the cell (formula-without-value): what its blank then causes there (no mission id, an
    # answer missing) is that same cell, said once by the error that says why it is blank.
    blank = {(i.file, i.line, i.column) for i in fatal if i.code == "formula-without-value"}

    def said_at_cell(reason: Issue) -> bool:
        return (
            bool(blank)
            and reason.code != "formula-without-value"
            and (reason.file, reason.line, reason.column) in blank
        )

    rows = [
        reason
        for table in rejected
        for row in table
        for reason in row.reasons
        if not unknown_unread(row, reason)
        and not said_by_header(row, reason)
        and not said_at_cell(reason)
    ]
    return [*fatal, *rows, *(i for i in warnings if not said_at_cell(i))]


Tables = Sequence[TableSource | str | Path] | None
"""Data files of one kind: each a path, or a :class:`TableSource` (a path with its sheet,
layout, simulated flag or provenance defaults, as ovm.yaml names it)."""


def load_observations(
    rubric: Rubric,
    *,
    missions: Path | str,
    statistics: Tables = None,
    checklists: Tables = None,
    answers: Tables = None,
    places: Tables = None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[Observations, list[Issue]]:
    """Load and check every data file against the rubric, without an ovm.yaml: the
    observations and the warnings (problems that reject nothing).

    Raises DataError when a file cannot be used at all (unreadable, missing column, invalid
    missions file); row-level problems reject the row and are kept in the load report.
    ``meanwhile`` is called once before the checklist tables are taken (see
    :func:`load_workspace`).
    """
    return _observations(
        rubric,
        missions=missions,
        statistics=_sources(statistics),
        checklists=_sources(checklists),
        answers=_sources(answers),
        places=_sources(places),
        meanwhile=meanwhile,
    )


def _sources(tables: Tables) -> list[TableSource]:
    return [t if isinstance(t, TableSource) else TableSource(path=str(t)) for t in tables or ()]


def _observations(
    rubric: Rubric,
    *,
    missions: Path | str,
    statistics: list[TableSource],
    checklists: list[TableSource],
    answers: list[TableSource],
    places: list[TableSource],
    meanwhile: Callable[[], object] | None = None,
) -> tuple[Observations, list[Issue]]:
    fatal: list[Issue] = []
    warnings: list[Issue] = []
    # The first checklist table (most of a large workspace) is read on a thread of its own
    # while the missions and the other tables are loaded here: reading a CSV or Parquet file
    # waits on the disk and on Polars' threads, theirs on this one (a workbook is read cell by
    # cell in Python, which would only take turns with them). Its issues come in their usual
    # place.
    ahead = (
        _read_checklist_ahead(rubric, checklists[0])
        if checklists and Path(checklists[0].path).suffix.lower() not in (".xlsx", ".xlsm")
        else None
    )
    mission_list, issues = load_missions(
        Path(missions) if isinstance(missions, str) else missions, rubric
    )
    fatal += [i for i in issues if i.severity == "error"]
    warnings += [i for i in issues if i.severity != "error"]
    ids = {m.id for m in mission_list}
    files: list[FileReport] = []
    # Each file's rejected rows as its loader gives them: rows are made when looked at.
    rejected: list[Sequence[RejectedRow]] = []
    for src in places or []:
        from ovm.data.places import load_places, with_places

        planned, rep, rej, iss = load_places(Path(src.path), mission_list, sheet=src.sheet)
        files.append(rep)
        rejected.append(rej)
        fatal += [i for i in iss if i.severity == "error"]
        warnings += [i for i in iss if i.severity != "error"]
        mission_list, dup = with_places(mission_list, planned, rep.file)
        fatal += dup
    stat_values: dict[str, dict[str, Datum]] = {}
    # Each table's column of each value it gives, by the file its values name.
    value_columns: dict[str, dict[str, int]] = {}

    def column_of(datum: Datum, name: str) -> int | None:
        return value_columns.get(datum.provenance.file or "", {}).get(name)

    for src in statistics or []:
        prov = src.provenance()
        values, rep, rows_out, iss = load_statistics(
            Path(src.path), rubric, mission_list, prov, sheet=src.sheet
        )
        files.append(rep)
        value_columns[rep.file] = dict(rep.columns)
        rejected.append(rows_out)
        fatal += [i for i in iss if i.severity == "error"]
        warnings += [i for i in iss if i.severity != "error"]
        for mid, vals in values.items():
            for var, datum in vals.items():
                earlier = stat_values.get(mid, {}).get(var)
                if earlier is not None and datum.status == "missing":
                    continue  # an empty cell does not override a value given elsewhere
                if earlier is not None and earlier.status != "missing":
                    first = cell_place(earlier.provenance, column_of(earlier, var))
                    fatal.append(
                        Issue(
                            src.path,
                            datum.provenance.line,
                            column_of(datum, var),
                            "duplicate-value",
                            f"{var} for {mid} is given in more than one file: first at {first}",
                            (),
                            "error",
                            "data",
                            params={
                                "variant": "files",
                                "name": var,
                                "mission": mid,
                                "first": first,
                            },
                        )
                    )
                    # The second value is the one refused: it feeds no limit check, which
                    # would report the same cell again, elsewhere.
                    continue
                stat_values.setdefault(mid, {})[var] = datum
    for src in answers or []:
        from ovm.data.answers import apply_answers, load_answers_table

        prov = src.provenance()
        ans, rep, rows_out, iss = load_answers_table(
            Path(src.path), rubric, mission_list, sheet=src.sheet or "answers", defaults=prov
        )
        files.append(rep)
        rejected.append(rows_out)
        fatal += [i for i in iss if i.severity == "error"]
        warnings += [i for i in iss if i.severity != "error"]
        mission_list, dup = apply_answers(mission_list, ans, rep.file, dict(rep.columns))
        fatal += dup
    merged: list[Mission] = []
    for m in mission_list:
        extra = {
            k: d
            for k, d in stat_values.get(m.id, {}).items()
            if not (d.status == "missing" and k in m.values)
        }
        for var in extra:
            if var in m.values and m.values[var].status != "missing":
                fatal.append(
                    Issue(
                        str(missions),
                        m.values[var].provenance.line,
                        None,
                        "duplicate-value",
                        f"{var} for {m.id} is given both in the missions file and in "
                        f"{cell_place(extra[var].provenance, column_of(extra[var], var))}",
                        (),
                        "error",
                        "data",
                        params={
                            "variant": "missions",
                            "name": var,
                            "mission": m.id,
                            "file": cell_place(extra[var].provenance, column_of(extra[var], var)),
                        },
                    )
                )
        combined = {**m.values, **extra}
        # A value over its limit is located at its own cell: its table's column of it.
        at = {k: c for k, d in combined.items() if (c := column_of(d, k)) is not None}
        fatal += limit_issues(rubric, combined, str(missions), None, at)
        merged.append(m.model_copy(update={"values": combined}))

    # Derived only where no file gives the follow-up share itself.
    merged = with_follow_up_values(rubric, merged)
    frames: list[pl.DataFrame] = []
    simulated: list[str] = []
    columns: dict[str, Mapping[str, int]] = {}
    refused_visits: list[pl.DataFrame] = []
    if meanwhile is not None:
        # While the first table is still being read: Polars parses it on its own threads.
        meanwhile()
    # Each file as read: its source, the reader's issues, and its load (None when unread).
    read: list[tuple[TableSource, list[Issue], Loaded | None]] = []
    for k, src in enumerate(checklists or []):
        df, iss, name = (
            ahead.result() if k == 0 and ahead is not None else _read_checklist(rubric, src)
        )
        if df is None:
            read.append((src, iss, None))
            continue
        subs = None
        if src.layout != "plain":
            from ovm.data.exports import submission_ids, validate_export

            # Only a workspace of several checklist files compares their ids.
            subs = submission_ids(df) if len(checklists) > 1 else None

            load = validate_export(
                df,
                rubric,
                ids,
                name,
                src.layout,
                simulated=src.simulated,
                mission_names={m.id: m.name for m in mission_list},
                places={m.id: m.places for m in mission_list if m.places},
            )
        else:
            load = validate_sites(df, rubric, ids, name, simulated=src.simulated)
        read.append((src, iss, Loaded(load, subs)))
    loads = iter(across_files([f for _, _, f in read if f is not None]))
    for src, iss, loaded in read:
        fatal += [i for i in iss if i.severity == "error"]
        warnings += [i for i in iss if i.severity != "error"]
        if loaded is None:
            continue
        load = next(loads)
        name = load.report.file
        files.append(load.report)
        rejected.append(load.rejected)
        fatal += [i for i in load.issues if i.severity == "error"]
        warnings += [i for i in load.issues if i.severity != "error"]
        columns[name] = load.columns
        if load.rows.height:
            frames.append(load.rows)
        if load.rejected_visits is not None and load.rejected_visits.height:
            refused_visits.append(load.rejected_visits)
        if src.simulated or (load.rows.height and bool(load.rows["simulated"].any())):
            simulated.append(src.path)
    # One chunk per column: a CSV is parsed in pieces, and the scoring sorts, hashes and
    # gathers these columns many times, each time over every piece.
    sites = pl.concat(frames, how="vertical_relaxed").rechunk() if frames else pl.DataFrame()
    # Checked before any error stops the run, and in the rejected rows too: one run of ovm
    # check says every problem of a row, not those left once the others are fixed.
    if sites.height or refused_visits:
        from ovm.data.plausibility import plausibility_issues, rejected_visit_issues

        # Across files: one observer may appear in a Kobo and an ODK export.
        warnings += plausibility_issues(sites, merged, columns)
        if refused_visits:
            visits = pl.concat(refused_visits, how="vertical_relaxed")
            warnings += rejected_visit_issues(visits, merged, columns)
    # Refused cells of any file: said with the errors that stop the run, else with the
    # warnings, so that one run of ovm check says every problem.
    cells = [i for f in files for i in f.rejected_cells]
    if fatal:
        every = _every_problem(fatal, [*cells, *warnings], rejected, issues, mission_list, missions)
        errors = sum(i.severity == "error" for i in every)
        # What stops the run whatever the user accepts: the command line names these codes
        # when --allow-rejected was given (the rows and cells it covers are the rest).
        blocking = [i.code for i in fatal if i.severity == "error"]
        raise DataError(every, key="error_summary_data", n=errors, blocking=blocking)
    # Refused cells go with the warnings: printed, located, and counted in each file's report.
    report = LoadReport(tuple(files), JoinedRows(rejected), (*warnings, *cells))
    return Observations(tuple(merged), sites, report, tuple(simulated)), warnings


def _read_checklist(
    rubric: Rubric, src: TableSource
) -> tuple[pl.DataFrame | None, list[Issue], str]:
    """A checklist table as :func:`read_named_table` reads it for its layout."""
    # A plain layout's single-choice answers are cleaned while they are coded.
    plain = src.layout == "plain"
    return read_named_table(
        Path(src.path),
        sheet=src.sheet,
        verbatim=verbatim_columns(rubric) if plain else set(),
        export=not plain,
        likely=likely_answers(rubric) if plain else None,
    )


def _read_checklist_ahead(
    rubric: Rubric, src: TableSource
) -> Future[tuple[pl.DataFrame | None, list[Issue], str]]:
    """:func:`_read_checklist` started on a thread; its result (or exception) when asked."""
    pool = ThreadPoolExecutor(1)
    try:
        return pool.submit(_read_checklist, rubric, src)
    finally:
        # The thread ends with its one task, whether or not anyone asks for the result.
        pool.shutdown(wait=False)


def describe_report(report: LoadReport, lang: str = "en") -> list[str]:
    """Human lines summarising what each file gave (rows read, used, rejected), in ``lang``."""
    from ovm.i18n import counted, gettext

    lines = []
    for f in report.files:
        # One entry per count, so that each agrees with its own number in every language.
        line = counted("cli_file_read", lang, file=f.file, n=f.rows_read)
        line += counted("cli_file_used", lang, n=f.rows_used)
        line += counted("cli_file_rejected", lang, n=f.rows_rejected)
        if f.rows_excluded:
            line += counted("cli_file_excluded_rows", lang, n=f.rows_excluded)
        if f.rows_outside:
            line += counted("cli_file_outside_rows", lang, n=f.rows_outside)
        if f.cells_rejected:
            line += counted("cli_file_cells", lang, n=f.cells_rejected)
        if f.simulated:
            line += gettext("cli_file_simulated", lang)
        lines.append(line)
    return lines
