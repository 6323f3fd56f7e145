"""``@record`` behaves as ``@dataclass(frozen=True, slots=True)`` for everything cockpit relies on."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field
from typing import ClassVar

import pytest

from cockpit.core.record import record


@record
class Made:
    KIND: ClassVar[str] = "made"
    id: str
    start: str
    end: str | None = None
    tags: tuple[str, ...] = ()
    extra: dict[str, int] = field(default_factory=dict, compare=False)
    secret: str = field(default="", repr=False)

    def span(self) -> str:
        return f"{self.start}-{self.end}"


@dataclass(frozen=True, slots=True)
class Reference:
    KIND: ClassVar[str] = "made"
    id: str
    start: str
    end: str | None = None
    tags: tuple[str, ...] = ()
    extra: dict[str, int] = field(default_factory=dict, compare=False)
    secret: str = field(default="", repr=False)

    def span(self) -> str:
        return f"{self.start}-{self.end}"


CASES = [(("a", "s"), {}), (("a", "s", "e"), {"tags": ("x",)}), (("a",), {"start": "s", "secret": "pw"})]


@pytest.mark.parametrize(("args", "kw"), CASES)
def test_same_values_repr_equality_hash_and_methods_as_the_dataclass(args, kw):
    m, r = Made(*args, **kw), Reference(*args, **kw)
    assert repr(m).replace("Made", "X") == repr(r).replace("Reference", "X")
    assert "pw" not in repr(m)
    assert dataclasses.astuple(m) == dataclasses.astuple(r)
    assert dataclasses.asdict(m) == dataclasses.asdict(r)
    assert m == Made(*args, **kw) and hash(m) == hash(Made(*args, **kw))
    assert m.span() == r.span() and m.KIND == "made"
    assert [f.name for f in dataclasses.fields(m)] == [f.name for f in dataclasses.fields(r)]


def test_compare_false_fields_and_other_types_do_not_count():
    assert Made("a", "s", extra={"n": 1}) == Made("a", "s", extra={"n": 2})
    assert Made("a", "s") != Made("a", "t")
    assert Made("a", "s") != Reference("a", "s")
    assert Made("a", "s").extra is not Made("a", "s").extra  # a fresh default each time


def test_frozen_slotted_and_replaceable():
    m = Made("a", "s")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.start = "t"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del m.start  # type: ignore[misc]
    assert not hasattr(m, "__dict__") and Made.__slots__ == Reference.__slots__
    n = dataclasses.replace(m, end="e")
    assert (n.end, m.end) == ("e", None) and dataclasses.is_dataclass(n)
    assert Made.__match_args__ == Reference.__match_args__
    match n:
        case Made("a", "s", end):
            assert end == "e"
        case _:
            pytest.fail("no match")


def test_copies_and_pickles():
    m = Made("a", "s", tags=("x",), extra={"n": 1})
    assert pickle.loads(pickle.dumps(m)) == m
    assert copy.copy(m) == m and copy.deepcopy(m).extra == {"n": 1}


def test_wrong_arguments_fail_as_they_would():
    with pytest.raises(TypeError):
        Made("a")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Made("a", "s", nope=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="without a default follows"):

        @record
        class Bad:
            a: int = 1
            b: int
