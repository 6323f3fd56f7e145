"""``@record``: a frozen, slotted dataclass, built faster.

The typed records (an entry, a task, a session, a paper...) are frozen, slotted dataclasses.
``@dataclass(frozen=True, slots=True)`` compiles each generated method on its own and then
builds the class a second time for its slots: about 1 ms a class, and the app defines some forty
of them before its first frame. ``@record`` makes the same class with one compile and one class
creation. What it makes behaves as the dataclass would for everything cockpit and the standard
library use: keyword or positional construction with defaults and ``field(default_factory=...)``,
``field(repr=False, compare=False)``, ``==`` and ``hash`` over the compared fields, a repr,
no assignment (``FrozenInstanceError``), ``__slots__``, ``__match_args__``, and
``dataclasses.fields``/``replace``/``asdict``/``is_dataclass``, copy and pickle
(``tests/unit/test_record.py`` holds it to ``@dataclass`` side by side).
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING, Field, FrozenInstanceError
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T", bound=type)


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, Field))
def record(cls: T) -> T:
    """The class ``cls`` as a frozen, slotted dataclass (see the module's note)."""
    fields: dict[str, Field[Any]] = {}
    for base in reversed(cls.__mro__[1:]):
        fields.update(getattr(base, "__dataclass_fields__", {}))
    own: list[str] = []
    for name, kind in cls.__dict__.get("__annotations__", {}).items():
        if "ClassVar" in str(kind):
            continue
        value = cls.__dict__.get(name, MISSING)
        f = value if isinstance(value, Field) else dataclasses.field(default=value)
        f.name, f.type = name, kind
        f._field_type = dataclasses._FIELD  # type: ignore[attr-defined]  # what fields()/replace() look for
        fields[name] = f
        own.append(name)
    names = list(fields)
    env: dict[str, Any] = {"_set": object.__setattr__, "MISSING": MISSING}
    params, body = [], []
    for n, f in fields.items():
        if f.default is not MISSING:
            env[f"_d_{n}"] = f.default
            params.append(f"{n}=_d_{n}")
        elif f.default_factory is not MISSING:
            env[f"_f_{n}"] = f.default_factory
            params.append(f"{n}=MISSING")
            body.append(f"    if {n} is MISSING:\n        {n} = _f_{n}()")
        elif params and "=" in params[-1]:
            raise TypeError(f"{cls.__name__}: field {n!r} without a default follows one with a default")
        else:
            params.append(n)
        body.append(f"    _set(self, {n!r}, {n})")
    compared = "".join(f"self.{n}, " for n, f in fields.items() if f.compare)
    other = compared.replace("self.", "other.")
    shown = ", ".join(f"{n}={{self.{n}!r}}" for n, f in fields.items() if f.repr)
    source = (
        f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "    pass") + "\n"
        f"def __repr__(self):\n    return f'{{self.__class__.__qualname__}}({shown})'\n"
        "def __eq__(self, other):\n"
        f"    if other.__class__ is self.__class__:\n        return ({compared}) == ({other})\n"
        "    return NotImplemented\n"
        f"def __hash__(self):\n    return hash(({compared}))\n"
        f"def __getstate__(self):\n    return [{', '.join(f'self.{n}' for n in names)}]\n"
        "def __setstate__(self, state):\n"
        f"    for name, value in zip({tuple(names)!r}, state):\n        _set(self, name, value)\n"
    )
    methods: dict[str, Any] = {}
    exec(compile(source, f"<record {cls.__qualname__}>", "exec"), env, methods)  # noqa: S102 - our own source
    ns = {k: v for k, v in cls.__dict__.items() if k not in own and k not in ("__dict__", "__weakref__")}
    ns.update(methods)
    ns.update(
        __slots__=tuple(own),
        __dataclass_fields__=fields,
        __match_args__=tuple(names),
        __setattr__=_frozen_set,
        __delattr__=_frozen_del,
    )
    made = type(cls)(cls.__name__, cls.__bases__, ns)
    made.__qualname__ = cls.__qualname__
    for fn in methods.values():
        fn.__qualname__ = f"{cls.__qualname__}.{fn.__name__}"
    return made  # type: ignore[return-value]


def _frozen_set(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_del(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")
