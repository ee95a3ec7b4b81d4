"""Immutability for results: one frozen base model and a read-only mapping type.

Every result ovm returns (scores, comparisons, settings, sensitivity) is immutable all the way
down: fields are tuples, nested frozen models or read-only mappings, so a caller that keeps a
result can trust that nothing else changed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, NoReturn, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(dict[K, V]):
    """A dict that refuses every change after it is built (JSON-able and picklable as a dict)."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("this mapping is part of a result and cannot be changed")

    __setitem__ = _refuse
    __delitem__ = _refuse
    __ior__ = _refuse
    clear = _refuse
    pop = _refuse
    popitem = _refuse
    setdefault = _refuse
    update = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self.items()))


def freeze(mapping: Mapping[K, V] | None) -> FrozenMap[K, V]:
    """A read-only copy of ``mapping`` (the same object when it already is one)."""
    if isinstance(mapping, FrozenMap):
        return mapping
    return FrozenMap(mapping or {})


ReadOnlyMap = Annotated[Mapping[K, V], AfterValidator(freeze)]
"""A mapping field of a frozen model: validated as a mapping, stored read-only."""


class FrozenModel(BaseModel):
    """The base of every result model: immutable, unknown fields refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")
