"""config.toml -> frozen settings records, validated, with a default for every setting.

Each instrument owns one section record (a ``Section``) below. Validation is driven by the type
annotations, so adding a setting is one annotated field with a default.
An invalid file raises ConfigError naming the file, the dotted key and the problem; the rules
beyond the types (ranges, formats, names that must exist) are in ``cockpit.config_check``.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar, get_args, get_origin

from cockpit import config_check
from cockpit.errors import ConfigError

# ---------------------------------------------------------------- settings records

_T = TypeVar("_T")


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def fresh(make: Callable[[], _T]) -> _T:
    """A default built anew for each record (a list, a table, a section), as dataclasses'
    ``field(default_factory=...)``."""
    return _Factory(make)  # type: ignore[return-value]


class Section:
    """A frozen settings record: its fields are the annotated class attributes, in order, each
    with its default (a value, or ``fresh(make)``); a field without one is required.

    The records behave as frozen dataclasses (keyword or positional construction, equality,
    repr, no assignment) but are built without generated code: ``@dataclass`` compiles six
    methods per class, which made this module a noticeable part of cockpit's start-up.
    """

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        names = [n for n, t in cls.__dict__.get("__annotations__", {}).items() if "ClassVar" not in str(t)]
        cls._fields = tuple(names)
        cls._defaults = {n: cls.__dict__[n] for n in names if n in cls.__dict__}
        for n in cls._defaults:  # the instance always holds every field
            delattr(cls, n)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name = type(self).__name__
        if len(args) > len(self._fields):
            raise TypeError(f"{name}() takes {len(self._fields)} arguments, {len(args)} given")
        values = dict(zip(self._fields, args, strict=False))
        for k, v in kwargs.items():
            if k not in self._fields:
                raise TypeError(f"{name}() got an unexpected keyword argument {k!r}")
            if k in values:
                raise TypeError(f"{name}() got multiple values for argument {k!r}")
            values[k] = v
        for f in self._fields:
            if f not in values:
                if f not in self._defaults:
                    raise TypeError(f"{name}() missing required argument {f!r}")
                d = self._defaults[f]
                values[f] = d.make() if isinstance(d, _Factory) else d
            object.__setattr__(self, f, values[f])

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f) for f in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__name__}({inner})"


# ---------------------------------------------------------------- shared: categories


class CategoryConfig(Section):
    """One time-audit activity category."""

    id: str
    name: str
    key: str
    color: str = "#888888"
    active: bool = True
    deep: bool = False


DEFAULT_CATEGORIES: tuple[CategoryConfig, ...] = (
    CategoryConfig("data", "Data Preprocessing/Cleaning", "d", "#4e9a06", True, True),
    CategoryConfig("model", "Model Development/Experimentation", "m", "#3465a4", True, True),
    CategoryConfig("training", "Model Training/Deployment", "t", "#75507b", False, False),
    CategoryConfig("eval", "Evaluation/Analysis", "e", "#06989a", True, True),
    CategoryConfig("research", "Research/Learning", "r", "#c4a000", True, True),
    CategoryConfig("meetings", "Meetings/Collaboration", "c", "#ce5c00", True, False),
    CategoryConfig("docs", "Documentation/Reporting", "w", "#8f5902", True, False),
    CategoryConfig("admin", "Administrative", "a", "#888a85", True, False),
    CategoryConfig("switching", "Context Switching", "x", "#cc0000", True, False),
)

# ---------------------------------------------------------------- ui


class UIConfig(Section):
    theme: str = "cockpit-dark"
    mouse: bool = False
    first_pane: Literal["focus", "mits", "audit", "papers", "gpu"] = "focus"


# ---------------------------------------------------------------- focus


class FocusConfig(Section):
    sprint_minutes: int = 90
    break_minutes: int = 20
    block_hours: float = 3.5
    block_break_minutes: int = 10
    pomodoro_minutes: int = 25
    pomodoro_break_minutes: int = 5
    pomodoro_long_break_minutes: int = 15
    pomodoro_long_every: int = 4
    timebox_minutes: int = 120
    extend_minutes: int = 10
    daily_goal: int = 3
    min_sprint_minutes: int = 25  # a sprint counts toward daily_goal from this many focused minutes
    gap_minutes: int = 5  # after an unclean stop longer than this, ask to keep or discard the gap


# ---------------------------------------------------------------- notifications


class NotifyConfig(Section):
    channels: list[str] = fresh(lambda: ["toast", "bell", "osc", "tmux", "desktop", "webhook"])
    webhook_url: str = ""
    webhook_format: Literal["ntfy", "slack", "discord"] = "ntfy"
    webhook_timeout_s: float = 5.0
    tmux_display_ms: int = 8000  # how long `tmux display-message` shows an alert


# ---------------------------------------------------------------- mits


class MitsConfig(Section):
    max_mits: int = 3
    morning_plan: bool = True
    retro_weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "fri"


# ---------------------------------------------------------------- audit


class AuditConfig(Section):
    categories: list[CategoryConfig] = fresh(lambda: list(DEFAULT_CATEGORIES))
    fragment_minutes: int = 10
    away_minutes: int = 15
    away_poll_seconds: float = 30.0
    audit_start: str = ""
    audit_days: int = 14
    timezone: str = ""
    jobs_as_training: bool = False
    import_map: dict[str, str] = fresh(dict)
    import_default: str = ""


# ---------------------------------------------------------------- papers


class PapersConfig(Section):
    categories: list[str] = fresh(lambda: ["cs.LG", "cs.CL", "stat.ML"])
    keywords: list[str] = fresh(list)
    authors: list[str] = fresh(list)
    seed_papers: list[str] = fresh(list)
    queue_size: int = 2
    rss_url: str = "https://rss.arxiv.org/rss/"
    api_url: str = "https://export.arxiv.org/api/query"
    request_delay_s: float = 3.0
    request_timeout_s: float = 20.0
    retries: int = 3
    backfill: bool = True
    mit_boost: bool = True


# ---------------------------------------------------------------- gpu


LOCAL_HOST = "local"  # the name [gpu] local = true gives this machine (read through NVML, not SSH)


class HostConfig(Section):
    name: str
    kind: Literal["tmux", "slurm", "both"] = "tmux"
    cost_per_hour: float = 0.0
    poll_seconds: float = 5.0
    trust_on_first_use: bool = False


class GpuConfig(Section):
    local: bool = True
    poll_seconds: float = 5.0
    idle_util_pct: float = 5.0
    idle_minutes: int = 30
    idle_repeat_minutes: int = 60
    early_failure_minutes: int = 10
    ssh_config: str = "~/.ssh/config"
    known_hosts: str = "~/.ssh/known_hosts"
    preflight: list[str] = fresh(list)
    connect_timeout_s: float = 5.0
    command_timeout_s: float = 10.0
    history_points: int = 60


# ---------------------------------------------------------------- the whole file


class Config(Section):
    ui: UIConfig = fresh(UIConfig)
    focus: FocusConfig = fresh(FocusConfig)
    notify: NotifyConfig = fresh(NotifyConfig)
    mits: MitsConfig = fresh(MitsConfig)
    audit: AuditConfig = fresh(AuditConfig)
    papers: PapersConfig = fresh(PapersConfig)
    gpu: GpuConfig = fresh(GpuConfig)
    hosts: list[HostConfig] = fresh(list)
    keymap: dict[str, str] = fresh(dict)

    @property
    def categories(self) -> list[CategoryConfig]:
        return self.audit.categories


def load(path: Path) -> Config:
    """Read and validate ``path``; a missing file means all defaults."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as e:
        raise ConfigError(str(path), "", f"cannot read: {e.strerror}") from None
    import tomllib  # only when there is a file to read

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(str(path), "", "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(str(path), "", f"invalid TOML: {e}") from None
    return from_dict(data, str(path))


def from_dict(data: dict[str, Any], file: str = "config.toml") -> Config:
    cfg = _build(Config, data, file, "")
    config_check.check(cfg, file, LOCAL_HOST)
    return cfg


def _type_name(tp: Any) -> str:
    if tp is int:
        return "a whole number"
    if tp is float:
        return "a number"
    if tp is str:
        return "a string"
    if tp is bool:
        return "true or false"
    origin = get_origin(tp)
    if origin is list:
        return "a list"
    if origin is dict:
        return "a table"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if _is_section(tp):
        return "a table"
    return str(tp)


def _build(cls: type, data: Any, file: str, prefix: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(file, prefix or "(top level)", f"expected a table, got {_show(data)}")
    hints = typing.get_type_hints(cls)
    fields = cls._fields  # type: ignore[attr-defined]
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        part = config_check.key_part(key)
        dotted = f"{prefix}.{part}" if prefix else part
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(file, dotted, f"unknown setting (known here: {known})")
        kwargs[key] = _convert(hints[key], value, file, dotted)
    for name in fields:
        if name not in kwargs and name not in cls._defaults:  # type: ignore[attr-defined]
            raise ConfigError(file, f"{prefix}.{name}" if prefix else name, "is required")
    return cls(**kwargs)


def _convert(tp: Any, value: Any, file: str, key: str) -> Any:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        errors = []
        for arg in get_args(tp):
            try:
                return _convert(arg, value, file, key)
            except ConfigError as e:
                errors.append(e.problem)
        raise ConfigError(file, key, errors[0])
    if tp is bool:
        if isinstance(value, bool):
            return value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value):  # TOML has nan and inf; no setting wants them
                raise ConfigError(file, key, f"expected a finite number, got {value!r}")
            return float(value)
    elif tp is str:
        if isinstance(value, str):
            return value
    elif origin is Literal:
        if value in get_args(tp):
            return value
    elif origin is list:
        (item_tp,) = get_args(tp)
        if isinstance(value, list):
            return [_convert(item_tp, v, file, f"{key}[{i}]") for i, v in enumerate(value)]
    elif origin is dict:
        _, val_tp = get_args(tp)
        if isinstance(value, dict):
            return {
                str(k): _convert(val_tp, v, file, f"{key}.{config_check.key_part(k)}")
                for k, v in value.items()
            }
    elif _is_section(tp):
        return _build(tp, value, file, key)
    raise ConfigError(file, key, f"expected {_type_name(tp)}, got {_show(value)}")


def _is_section(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Section)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
