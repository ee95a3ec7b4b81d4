"""A refused setting survives pickling and copying whole: a worker process hands it back as
raised, with its sentence's variant and parts, never a broken pool or a KeyError."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import pytest
from pydantic import ValidationError

from ovm.errors import CheckError, WordedWarning, check_error
from ovm.settings import ComparisonSettings
from tests.test_untranslated_workspace import LIBRARY_CHECKS


def _raised(make: Callable[[], object]) -> ValueError:
    with pytest.raises(ValueError) as caught:
        make()
    return caught.value


def _check_of(error: ValueError) -> CheckError:
    if isinstance(error, CheckError):
        return error
    assert isinstance(error, ValidationError)
    (entry,) = error.errors()
    found = check_error(entry)
    assert found is not None
    return found


@pytest.mark.parametrize("variant", sorted(LIBRARY_CHECKS))
def test_each_refused_check_pickles_and_copies_whole(variant: str) -> None:
    error = _raised(LIBRARY_CHECKS[variant])
    for again in (
        pickle.loads(pickle.dumps(error)),
        copy.copy(error),
        copy.deepcopy(error),
    ):
        assert type(again) is type(error)
        assert str(again) == str(error)
        check, original = _check_of(again), _check_of(error)
        assert (check.variant, check.params) == (original.variant, original.params)
        assert [check.text(lang) for lang in ("en", "es", "fr", "pt")] == [
            original.text(lang) for lang in ("en", "es", "fr", "pt")
        ]


def _refused_in_worker() -> object:
    return ComparisonSettings(output_range=(1.0, 1.0))


def test_a_check_refused_in_a_worker_process_reaches_the_caller() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        future = pool.submit(_refused_in_worker)
        with pytest.raises(ValidationError) as caught:
            future.result()
    assert _check_of(caught.value).variant == "output_range"


def test_a_worded_warning_pickles_whole() -> None:
    warning = WordedWarning(
        "OVM_THREADS='a' is not a whole number from 1; it is ignored",
        key="warning_threads",
        value="'a'",
    )
    again = pickle.loads(pickle.dumps(warning))
    assert (type(again), str(again), again.key, again.params) == (
        WordedWarning,
        str(warning),
        warning.key,
        warning.params,
    )
    assert again.text("es") == warning.text("es")
