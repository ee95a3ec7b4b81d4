"""Shared test settings: hypothesis profiles and small workspace builders."""

from __future__ import annotations

import os
import signal
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

DATA = Path(__file__).parent / "data"

# `ci` is reproducible (derandomized); `dev` explores new examples on every run. Both keep
# example counts small so each property file runs in seconds.
settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=40,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Reproducible by default; HYPOTHESIS_PROFILE=dev explores new examples.
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C answered as in a terminal, however the suite was started.

    The Ctrl-C tests send SIGINT to this process and to the ``ovm`` processes they start, which
    inherit its disposition. A suite started in the background by a shell without job control
    (``make test &`` in a script) begins with SIGINT ignored, and ovm, like any program, keeps
    ignoring it then: those tests would test nothing but how they were started."""
    if os.name == "posix" and signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def write_workspace(
    root: Path,
    *,
    rubric: str,
    missions: str,
    statistics: str | None = None,
    checklists: str | None = None,
    settings_yaml: str = "{bootstrap: 0}",
) -> Path:
    """Write a workspace folder (``ovm.yaml`` and its files) from texts; returns the folder.

    Texts are dedented, so tests can write them indented inline.
    """
    root.mkdir(parents=True, exist_ok=True)
    config = ["rubric: rubric.yaml", "missions: missions.yaml"]
    (root / "rubric.yaml").write_text(textwrap.dedent(rubric), encoding="utf-8")
    (root / "missions.yaml").write_text(textwrap.dedent(missions), encoding="utf-8")
    if statistics is not None:
        (root / "statistics.csv").write_text(textwrap.dedent(statistics).lstrip(), encoding="utf-8")
        config.append("statistics: [statistics.csv]")
    if checklists is not None:
        (root / "checklists.csv").write_text(textwrap.dedent(checklists).lstrip(), encoding="utf-8")
        config.append("checklists: [checklists.csv]")
    config.append(f"settings: {settings_yaml}")
    (root / "ovm.yaml").write_text("\n".join(config) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="session", autouse=True)
def _template_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Compiled report templates go to a folder of the session, not the user's cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OVM_CACHE_DIR", str(tmp_path_factory.mktemp("ovm-cache")))
        yield


@pytest.fixture(scope="session")
def mini() -> Path:
    """The tiny workspace of tests/data/mini (read only: copy it before changing anything)."""
    return DATA / "mini"


@pytest.fixture(scope="session")
def rubrics_dir() -> Path:
    """The folder of broken rubric fixtures."""
    return DATA / "rubrics"


@pytest.fixture(scope="session")
def make_workspace() -> Callable[..., Path]:
    """:func:`write_workspace`, as a fixture (session scoped, so hypothesis tests can use it)."""
    return write_workspace


@pytest.fixture(params=__import__("ovm.yamldoc").yamldoc.LOADERS)
def yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test once with each YAML composer installed (libyaml and pure Python): every
    guard and every located error must be the same on both paths."""
    import ovm.yamldoc

    monkeypatch.setattr(ovm.yamldoc, "LOADER", request.param)
    name: str = request.param
    return name
