"""The rules for config.toml values that their types cannot say: ranges, formats, names that
must exist (zones, categories, notification channels), and values that must be unique.

Every value is checked when the file is loaded, so a bad one stops cockpit at start with one
line naming the file and the key (exit code 2), never later in a poll, a report or a traceback.
Float settings are already finite (``config._convert`` refuses nan and inf).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cockpit.errors import ConfigError

if TYPE_CHECKING:
    from cockpit.config import Config

DAY_MIN = 24 * 60
WEEK_MIN = 7 * DAY_MIN

#: the notification channels cockpit has (cockpit.sources.notify.CHANNELS; a test keeps them equal)
NOTIFY_CHANNELS = ("toast", "bell", "osc", "tmux", "desktop", "webhook")

# section.key -> (lowest, highest, lowest allowed itself). Durations are positive and bounded,
# so that no setting can make a timer spin (0 s) or a date overflow (years of minutes).
RANGES: dict[str, tuple[float, float, bool]] = {
    "focus.sprint_minutes": (0, DAY_MIN, False),
    "focus.break_minutes": (0, DAY_MIN, False),
    "focus.block_hours": (0, 24, False),
    "focus.block_break_minutes": (0, DAY_MIN, False),
    "focus.pomodoro_minutes": (0, DAY_MIN, False),
    "focus.pomodoro_break_minutes": (0, DAY_MIN, False),
    "focus.pomodoro_long_break_minutes": (0, DAY_MIN, False),
    "focus.pomodoro_long_every": (0, 100, False),
    "focus.timebox_minutes": (0, WEEK_MIN, False),
    "focus.extend_minutes": (0, DAY_MIN, False),
    "focus.daily_goal": (0, 100, False),
    "focus.min_sprint_minutes": (0, DAY_MIN, True),
    "focus.gap_minutes": (0, DAY_MIN, True),
    "notify.webhook_timeout_s": (0, 300, False),
    "notify.tmux_display_ms": (0, 600_000, False),
    "audit.fragment_minutes": (0, DAY_MIN, True),
    "audit.away_minutes": (0, DAY_MIN, False),
    "audit.away_poll_seconds": (1, 3600, True),
    "audit.audit_days": (0, 3660, False),
    "papers.request_delay_s": (0, 600, True),
    "papers.request_timeout_s": (0, 600, False),
    "papers.retries": (0, 20, True),
    "gpu.poll_seconds": (0.5, 86400, True),
    "gpu.idle_util_pct": (0, 100, True),
    "gpu.idle_minutes": (0, WEEK_MIN, False),
    "gpu.idle_repeat_minutes": (0, WEEK_MIN, False),
    "gpu.early_failure_minutes": (0, WEEK_MIN, True),
    "gpu.connect_timeout_s": (0, 600, False),
    "gpu.command_timeout_s": (0, 3600, False),
    "gpu.history_points": (0, 10_000, False),
}
HOST_RANGES: dict[str, tuple[float, float, bool]] = {
    "cost_per_hour": (0, 1_000_000, True),
    "poll_seconds": (0.5, 86400, True),
}

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_ARXIV_CATEGORY = re.compile(r"[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?")


def check(cfg: Config, file: str, local_host: str) -> None:
    """Raise ConfigError for the first value of ``cfg`` that breaks a rule; ``local_host`` is the
    name ``[gpu] local = true`` gives this machine (no [[hosts]] may take it then)."""
    for dotted, (lo, hi, lo_ok) in RANGES.items():
        section, key = dotted.split(".")
        _in_range(file, dotted, getattr(getattr(cfg, section), key), lo, hi, lo_ok)
    if not 1 <= cfg.mits.max_mits <= 3:
        raise ConfigError(file, "mits.max_mits", f"must be 1, 2 or 3, got {cfg.mits.max_mits}")
    if not 1 <= cfg.papers.queue_size <= 3:
        raise ConfigError(file, "papers.queue_size", f"must be 1, 2 or 3, got {cfg.papers.queue_size}")
    _name(file, "ui.theme", cfg.ui.theme)
    _keymap(cfg, file)
    _notify(cfg, file)
    _audit(cfg, file)
    _papers(cfg, file)
    _gpu(cfg, file)
    _hosts(cfg, file, local_host)


def key_part(name: str) -> str:
    """A key of the file as an error message names it: as typed when it is a plain name, else
    quoted with its control characters spelled out (a message never carries raw escapes)."""
    if name and all(ch.isprintable() and not ch.isspace() for ch in name):
        return name
    return _show(name)


def _in_range(file: str, key: str, value: float, lo: float, hi: float, lo_ok: bool) -> None:
    if (value < lo) if lo_ok else (value <= lo):
        if lo == 0:
            want = "0 or more" if lo_ok else "greater than 0"
        else:
            want = f"at least {lo:g}"
        raise ConfigError(file, key, f"must be {want}, got {value!r}")
    if value > hi:
        raise ConfigError(file, key, f"must be at most {hi:g}, got {value!r}")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _name(file: str, key: str, value: str, spaces: bool = True) -> None:
    """A non-empty name without control characters (and without spaces, unless allowed)."""
    if not value.strip():
        raise ConfigError(file, key, "must not be empty")
    if any(not ch.isprintable() or (not spaces and ch.isspace()) for ch in value):
        what = "control characters" if spaces else "spaces or control characters"
        raise ConfigError(file, key, f"must not contain {what}, got {_show(value)}")


def _url(file: str, key: str, url: str) -> None:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as e:
        raise ConfigError(file, key, f"not a valid URL ({e}), got {_show(url)}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(file, key, f"must be an http:// or https:// URL, got {_show(url)}")
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise ConfigError(file, key, f"must not contain spaces or control characters, got {_show(url)}")


def _keymap(cfg: Config, file: str) -> None:
    for binding, keys in cfg.keymap.items():
        where = f"keymap.{key_part(binding)}"
        _name(file, where, binding, spaces=False)
        parts = keys.split(",")
        if any(not p.strip() for p in parts):
            raise ConfigError(file, where, f"needs one or more keys separated by commas, got {_show(keys)}")
        for p in parts:
            _name(file, where, p.strip(), spaces=False)


def _notify(cfg: Config, file: str) -> None:
    n = cfg.notify
    for i, ch in enumerate(n.channels):
        if ch not in NOTIFY_CHANNELS:
            raise ConfigError(
                file,
                f"notify.channels[{i}]",
                f"unknown channel {_show(ch)} (known: {', '.join(NOTIFY_CHANNELS)})",
            )
        if n.channels.index(ch) != i:
            raise ConfigError(file, f"notify.channels[{i}]", f"channel {ch!r} is listed twice")
    if n.webhook_url.strip():
        _url(file, "notify.webhook_url", n.webhook_url.strip())


def _colour(file: str, key: str, value: str) -> None:
    if _HEX.fullmatch(value):
        return
    from textual.color import Color, ColorParseError  # only for a colour that is not #hex

    try:
        Color.parse(value)
    except (ColorParseError, ValueError):
        raise ConfigError(
            file, key, f"not a colour (use #rrggbb or a colour name), got {_show(value)}"
        ) from None


def _category(target: str, categories: list[Any]) -> bool:
    t = target.strip().casefold()
    return any(t in (c.id.casefold(), c.name.casefold(), c.key.casefold()) for c in categories)


def _audit(cfg: Config, file: str) -> None:
    a = cfg.audit
    if not a.categories:
        raise ConfigError(file, "audit.categories", "must list at least one category")
    seen_ids: set[str] = set()
    seen_keys: set[str] = set()
    for i, c in enumerate(a.categories):
        where = f"audit.categories[{i}]"
        _name(file, f"{where}.id", c.id, spaces=False)
        if c.id in seen_ids:
            raise ConfigError(file, f"{where}.id", f"duplicate category id {c.id!r}")
        _name(file, f"{where}.name", c.name)
        if len(c.key) != 1 or not c.key.isalnum():
            raise ConfigError(file, f"{where}.key", f"must be one letter or digit, got {c.key!r}")
        if c.key.lower() in seen_keys:
            raise ConfigError(file, f"{where}.key", f"key {c.key!r} is used by another category")
        _colour(file, f"{where}.color", c.color)
        seen_ids.add(c.id)
        seen_keys.add(c.key.lower())
    if a.audit_start:
        import datetime as dt

        try:
            dt.date.fromisoformat(a.audit_start)
        except ValueError:
            from cockpit.core.dates import not_a_day

            why = not_a_day(a.audit_start)
            if "does not exist" not in why:
                why = f"must be a date YYYY-MM-DD, got {_show(a.audit_start)}"
            raise ConfigError(file, "audit.audit_start", why) from None
    if a.timezone:
        _zone(file, "audit.timezone", a.timezone)
    for name, target in a.import_map.items():
        where = f"audit.import_map.{key_part(name)}"
        _name(file, where, name)
        if not _category(target, a.categories):
            raise ConfigError(file, where, f"unknown category {_show(target)}")
    if a.import_default and not _category(a.import_default, a.categories):
        raise ConfigError(file, "audit.import_default", f"unknown category {_show(a.import_default)}")


def _zone(file: str, key: str, name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigError(
            file, key, f"unknown time zone {_show(name)} (use an IANA name such as 'Europe/Berlin')"
        ) from None


def _papers(cfg: Config, file: str) -> None:
    p = cfg.papers
    for i, cat in enumerate(p.categories):
        if not _ARXIV_CATEGORY.fullmatch(cat):
            raise ConfigError(
                file, f"papers.categories[{i}]", f"not an arXiv category such as 'cs.LG', got {_show(cat)}"
            )
    for key in ("keywords", "authors"):
        for i, word in enumerate(getattr(p, key)):
            _name(file, f"papers.{key}[{i}]", word)
    if p.seed_papers:
        from cockpit.core.papers_text import normalize_id

        for i, sid in enumerate(p.seed_papers):
            try:
                normalize_id(sid)
            except ValueError:
                raise ConfigError(
                    file, f"papers.seed_papers[{i}]", f"not an arXiv id, got {_show(sid)}"
                ) from None
    _url(file, "papers.rss_url", p.rss_url)
    _url(file, "papers.api_url", p.api_url)


def _gpu(cfg: Config, file: str) -> None:
    g = cfg.gpu
    for key in ("ssh_config", "known_hosts"):
        value = getattr(g, key)
        if not value.strip() or "\0" in value:
            raise ConfigError(file, f"gpu.{key}", f"must be a file path, got {_show(value)}")
    for i, item in enumerate(g.preflight):
        _name(file, f"gpu.preflight[{i}]", item)


def _hosts(cfg: Config, file: str, local_host: str) -> None:
    seen = {local_host} if cfg.gpu.local else set()
    for i, h in enumerate(cfg.hosts):
        where = f"hosts[{i}]"
        if not h.name or any(ch.isspace() or not ch.isprintable() for ch in h.name):
            raise ConfigError(file, f"{where}.name", f"must be a non-empty ssh alias, got {_show(h.name)}")
        if h.name.startswith("-"):  # `ssh -t NAME` would read it as an option (-oProxyCommand=...)
            raise ConfigError(file, f"{where}.name", f"must not start with '-', got {_show(h.name)}")
        if h.name in seen:
            also = f" ([gpu] local = true names this machine {local_host!r})" if h.name == local_host else ""
            raise ConfigError(file, f"{where}.name", f"duplicate host {_show(h.name)}{also}")
        seen.add(h.name)
        for key, (lo, hi, lo_ok) in HOST_RANGES.items():
            _in_range(file, f"{where}.{key}", getattr(h, key), lo, hi, lo_ok)
