"""Time-audit domain logic: entries, overlaps, split/merge, context switches, reports, away.

Pure: no store, no Textual, no clock reads. Instants are aware UTC datetimes; local days
are computed in an IANA zone so that midnight splits and DST days (23 h / 25 h) are exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cockpit.core.clock import UTC, from_stamp, to_stamp

DAY = dt.timedelta(days=1)


class OverlapError(ValueError):
    """A new or edited entry would overlap existing ones."""

    def __init__(self, message: str, clashes: list[Entry]) -> None:
        super().__init__(message)
        self.clashes = clashes


# ------------------------------------------------------------------ entries


@dataclass(frozen=True)
class Entry:
    id: str
    start: dt.datetime
    end: dt.datetime | None
    category: str
    source: str = "manual"
    note: str = ""
    task: str | None = None
    tz: str = "UTC"

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Entry:
        end = doc.get("end")
        return cls(
            id=str(doc.get("id", "")),
            start=from_stamp(doc["start"]),
            end=from_stamp(end) if end else None,
            category=str(doc.get("category", "")),
            source=str(doc.get("source") or "manual"),
            note=str(doc.get("note") or ""),
            task=doc.get("task"),
            tz=str(doc.get("tz") or "UTC"),
        )

    def end_or(self, now: dt.datetime) -> dt.datetime:
        return self.end if self.end is not None else max(now, self.start)

    def seconds(self, now: dt.datetime) -> float:
        return (self.end_or(now) - self.start).total_seconds()


def overlaps(
    entries: Iterable[Entry],
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    exclude: Sequence[str] = (),
) -> list[Entry]:
    """Entries sharing some positive-length time with [start, end)."""
    out = [e for e in entries if e.id not in exclude and e.start < end and e.end_or(now) > start]
    return sorted(out, key=lambda e: e.start)


@dataclass(frozen=True)
class Change:
    """One store operation planned by the pure logic: ``update``, ``remove`` or ``insert``."""

    op: str
    id: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


def adjust_plan(
    clashes: Iterable[Entry], start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> list[Change]:
    """Make room for [start, end): trim, cut in two, or remove each clashing entry."""
    plan: list[Change] = []
    for e in clashes:
        e_end = e.end_or(now)
        if e.start >= start and e_end <= end:
            plan.append(Change("remove", e.id))
        elif e.start < start and e_end > end:
            plan.append(Change("update", e.id, {"end": to_stamp(start)}))
            tail = {
                "start": to_stamp(end),
                "end": to_stamp(e_end) if e.end is not None else None,
                "category": e.category,
                "source": e.source,
                "note": e.note,
                "task": e.task,
                "tz": e.tz,
            }
            plan.append(Change("insert", e.id, tail))
        elif e.start < start:
            plan.append(Change("update", e.id, {"end": to_stamp(start)}))
        else:
            plan.append(Change("update", e.id, {"start": to_stamp(end)}))
    return plan


def describe(e: Entry, tz: dt.tzinfo, names: dict[str, str], now: dt.datetime) -> str:
    s = e.start.astimezone(tz)
    en = e.end_or(now).astimezone(tz)
    when = (
        f"{s:%Y-%m-%d %H:%M}-{en:%H:%M}"
        if s.date() == en.date()
        else f"{s:%Y-%m-%d %H:%M}-{en:%Y-%m-%d %H:%M}"
    )
    return f"{names.get(e.category, e.category)} {when}"


def overlap_message(clashes: list[Entry], tz: dt.tzinfo, names: dict[str, str], now: dt.datetime) -> str:
    first = "; ".join(f"{describe(e, tz, names, now)} ({e.id or 'running'})" for e in clashes[:3])
    more = f" and {len(clashes) - 3} more" if len(clashes) > 3 else ""
    return f"overlaps {first}{more}; choose adjust to trim the other entries"


def split_at(e: Entry, at: dt.datetime, now: dt.datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """(fields for the first part, doc of the second part)."""
    if not e.start < at < e.end_or(now):
        raise ValueError("the split time must lie inside the entry")
    second = {
        "start": to_stamp(at),
        "end": to_stamp(e.end) if e.end is not None else None,
        "category": e.category,
        "source": e.source,
        "note": e.note,
        "task": e.task,
        "tz": e.tz,
    }
    return {"end": to_stamp(at)}, second


def merge_pair(a: Entry, b: Entry, between: Iterable[Entry], now: dt.datetime) -> dict[str, Any]:
    """Fields for ``a`` after absorbing ``b`` (kept: a's category; notes joined)."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    end = second.end_or(now)
    others = [
        x for x in between if x.id not in (a.id, b.id) and x.start < end and x.end_or(now) > first.start
    ]
    if others:
        raise ValueError("another entry lies between them; merge neighbours only")
    notes = " / ".join(n for n in (first.note, second.note) if n)
    return {
        "start": to_stamp(first.start),
        "end": to_stamp(second.end) if second.end is not None else None,
        "category": first.category,
        "note": notes,
    }


# ------------------------------------------------------------------ local days


def local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The UTC instant of 00:00 local on ``day`` (first occurrence if ambiguous)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(UTC)


def day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    return local_midnight(day, tz), local_midnight(day + DAY, tz)


def day_length_s(day: dt.date, tz: dt.tzinfo) -> float:
    a, b = day_bounds(day, tz)
    return (b - a).total_seconds()


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Days from start up to, not including, end."""
    return [start + dt.timedelta(days=i) for i in range((end - start).days)]


@dataclass(frozen=True)
class Segment:
    """The part of an entry inside one local day."""

    entry: Entry
    day: dt.date
    start: dt.datetime
    end: dt.datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def segments(
    entries: Iterable[Entry], first: dt.date, end: dt.date, tz: dt.tzinfo, now: dt.datetime
) -> list[Segment]:
    """Cut entries at local midnights, keeping the parts within [first, end)."""
    bounds = [local_midnight(d, tz) for d in days(first, end + DAY)]
    lo, hi = bounds[0], bounds[-1]
    out: list[Segment] = []
    for e in entries:
        e_end = e.end_or(now)
        s, t = max(e.start, lo), min(e_end, hi)
        if t <= s:
            continue
        d = e.start.astimezone(tz).date() if e.start >= lo else first
        i = (d - first).days
        while s < t and i < len(bounds) - 1:
            seg_end = min(t, bounds[i + 1])
            if seg_end > s:
                out.append(Segment(e, first + dt.timedelta(days=i), s, seg_end))
            s = seg_end
            i += 1
    out.sort(key=lambda g: g.start)
    return out


# ------------------------------------------------------------------ periods


def period(
    kind: str, today: dt.date, audit_start: dt.date | None = None, audit_days: int = 14
) -> tuple[dt.date, dt.date]:
    """[first, end) of the day/week/month/audit period containing ``today``."""
    if kind == "day":
        return today, today + DAY
    if kind == "week":
        first = today - dt.timedelta(days=today.weekday())
        return first, first + dt.timedelta(days=7)
    if kind == "month":
        first = today.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        return first, nxt
    if kind == "audit":
        first = audit_start or today - dt.timedelta(days=audit_days - 1)
        return first, first + dt.timedelta(days=audit_days)
    raise ValueError(f"unknown period {kind!r}")


def previous(first: dt.date, end: dt.date, kind: str = "range") -> tuple[dt.date, dt.date]:
    if kind == "month":
        p_first = (first - DAY).replace(day=1)
        return p_first, first
    n = end - first
    return first - n, first


def shift(kind: str, first: dt.date, end: dt.date, step: int) -> tuple[dt.date, dt.date]:
    if kind == "month":
        d = first
        for _ in range(abs(step)):
            d = (d - DAY).replace(day=1) if step < 0 else (d + dt.timedelta(days=32)).replace(day=1)
        return period("month", d)
    n = end - first
    return first + n * step, end + n * step


# ------------------------------------------------------------------ reports


@dataclass(frozen=True)
class CategoryInfo:
    id: str
    name: str
    key: str
    color: str = "#888888"
    active: bool = True
    deep: bool = False


@dataclass
class DayStats:
    day: dt.date
    length_s: float
    total_s: float = 0.0
    categories: dict[str, float] = field(default_factory=dict)
    switches: int = 0
    fragments: int = 0
    fragment_s: float = 0.0


@dataclass
class Report:
    first: dt.date
    end: dt.date
    tz: str
    total_s: float
    categories: dict[str, float]
    days: list[DayStats]
    context_switches: int
    fragments: list[Entry]
    fragment_s: float
    switching_s: float
    deep_s: float
    active_s: float
    passive_s: float
    admin_s: float
    sources: dict[str, float]
    previous: Report | None = None

    def percent(self, cat: str) -> float:
        return 100.0 * self.categories.get(cat, 0.0) / self.total_s if self.total_s else 0.0

    @property
    def lost_share(self) -> float:
        """Share of tracked time lost to switching: Context Switching entries plus fragments."""
        return (self.switching_s + self.fragment_s) / self.total_s if self.total_s else 0.0

    @property
    def admin_share(self) -> float:
        return self.admin_s / self.total_s if self.total_s else 0.0

    def sinks(self, cats: Sequence[CategoryInfo], n: int = 3) -> list[tuple[str, float]]:
        """The biggest shallow (non-deep) categories: where time goes that is not deep work."""
        shallow = {c.id for c in cats if not c.deep}
        ranked = sorted(
            ((c, s) for c, s in self.categories.items() if c in shallow and s > 0), key=lambda x: -x[1]
        )
        return ranked[:n]

    def trend(self) -> dict[str, float]:
        """Seconds per category minus the previous period's (plus ``total``)."""
        if self.previous is None:
            return {}
        keys = set(self.categories) | set(self.previous.categories)
        out = {k: self.categories.get(k, 0.0) - self.previous.categories.get(k, 0.0) for k in sorted(keys)}
        out["total"] = self.total_s - self.previous.total_s
        return out


def flatten(
    entries: Sequence[Entry], now: dt.datetime, passive: set[str] | frozenset[str] = frozenset()
) -> list[Entry]:
    """Overlapping entries (a sprint booked while a manual entry ran, a job running beside your
    work) share no time: each instant counts once, for the entry that wins it. Active
    categories win over passive ones (a training job does not hide your work); among equals the
    entry that started last wins (you switched to it). Pieces keep their entry's fields.
    """
    ordered = sorted(entries, key=lambda e: e.start)
    latest = None
    clash = False
    for e in ordered:
        if latest is not None and e.start < latest:
            clash = True
            break
        end = e.end_or(now)
        latest = end if latest is None else max(latest, end)
    if not clash:
        return ordered
    cuts = sorted({t for e in ordered for t in (e.start, e.end_or(now))})
    out: list[Entry] = []
    live: list[Entry] = []
    i = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        while i < len(ordered) and ordered[i].start <= a:
            live.append(ordered[i])
            i += 1
        live = [e for e in live if e.end_or(now) > a]
        if not live:
            continue
        win = max(live, key=lambda e: (e.category not in passive, e.start))
        if out and out[-1].id == win.id and out[-1].end == a:
            out[-1] = replace(out[-1], end=b)
        else:
            out.append(replace(win, start=a, end=b))
    return out


def build_report(
    entries: Iterable[Entry],
    cats: Sequence[CategoryInfo],
    first: dt.date,
    end: dt.date,
    tz: dt.tzinfo,
    now: dt.datetime,
    fragment_minutes: int = 10,
    switching_id: str = "switching",
    admin_id: str = "admin",
) -> Report:
    entries = list(entries)
    info = {c.id: c for c in cats}
    segs = segments(flatten(entries, now, {c.id for c in cats if not c.active}), first, end, tz, now)
    per_day = {d: DayStats(d, day_length_s(d, tz)) for d in days(first, end)}
    totals: dict[str, float] = {}
    sources: dict[str, float] = {}
    last_cat: dict[dt.date, str] = {}
    for g in segs:
        ds = per_day[g.day]
        s = g.seconds
        ds.total_s += s
        ds.categories[g.entry.category] = ds.categories.get(g.entry.category, 0.0) + s
        totals[g.entry.category] = totals.get(g.entry.category, 0.0) + s
        src = g.entry.source.split(":", 1)[0]
        sources[src] = sources.get(src, 0.0) + s
        prev = last_cat.get(g.day)
        if prev is not None and prev != g.entry.category:
            ds.switches += 1
        last_cat[g.day] = g.entry.category
    limit = fragment_minutes * 60
    frags: list[Entry] = []
    lo, hi = local_midnight(first, tz), local_midnight(end, tz)
    for e in entries:
        if e.end is None or not (lo <= e.start < hi):
            continue
        secs = e.seconds(now)
        if 0 < secs < limit:
            frags.append(e)
            d = e.start.astimezone(tz).date()
            if d in per_day:
                per_day[d].fragments += 1
                per_day[d].fragment_s += secs
    frag_s = sum(e.seconds(now) for e in frags if e.category != switching_id)
    total = sum(totals.values())

    def flagged(pred: Any) -> float:
        return sum(s for c, s in totals.items() if pred(info.get(c)))

    return Report(
        first=first,
        end=end,
        tz=getattr(tz, "key", str(tz)),
        total_s=total,
        categories=totals,
        days=[per_day[d] for d in days(first, end)],
        context_switches=sum(d.switches for d in per_day.values()),
        fragments=sorted(frags, key=lambda e: e.start),
        fragment_s=frag_s,
        switching_s=totals.get(switching_id, 0.0),
        deep_s=flagged(lambda c: c is not None and c.deep),
        active_s=flagged(lambda c: c is None or c.active),
        passive_s=flagged(lambda c: c is not None and not c.active),
        admin_s=totals.get(admin_id, 0.0),
        sources=sources,
    )


def report_json(r: Report, cats: Sequence[CategoryInfo]) -> dict[str, Any]:
    names = {c.id: c.name for c in cats}

    def secs(x: float) -> int:
        return int(round(x))

    out: dict[str, Any] = {
        "from": r.first.isoformat(),
        "to": (r.end - DAY).isoformat(),
        "tz": r.tz,
        "total_s": secs(r.total_s),
        "categories": {c: secs(s) for c, s in sorted(r.categories.items(), key=lambda x: -x[1])},
        "names": {c: names.get(c, c) for c in r.categories},
        "percent": {c: round(r.percent(c), 1) for c in r.categories},
        "context_switches": r.context_switches,
        "fragments": len(r.fragments),
        "lost_to_switching_share": round(r.lost_share, 4),
        "deep_s": secs(r.deep_s),
        "active_s": secs(r.active_s),
        "passive_s": secs(r.passive_s),
        "admin_share": round(r.admin_share, 4),
        "sinks": [{"category": c, "seconds": secs(s)} for c, s in r.sinks(cats)],
        "sources": {k: secs(v) for k, v in sorted(r.sources.items())},
        "days": [
            {
                "date": d.day.isoformat(),
                "length_s": secs(d.length_s),
                "total_s": secs(d.total_s),
                "categories": {c: secs(s) for c, s in d.categories.items()},
                "context_switches": d.switches,
                "fragments": d.fragments,
            }
            for d in r.days
        ],
    }
    if r.previous is not None:
        out["previous"] = {
            "from": r.previous.first.isoformat(),
            "to": (r.previous.end - DAY).isoformat(),
            "total_s": secs(r.previous.total_s),
            "categories": {c: secs(s) for c, s in r.previous.categories.items()},
        }
        out["trend_s"] = {k: secs(v) for k, v in r.trend().items()}
    return out


def fmt_hm(seconds: float) -> str:
    m = int(round(seconds / 60))
    sign = "-" if m < 0 else ""
    h, mm = divmod(abs(m), 60)
    return f"{sign}{h}h{mm:02d}"


# ------------------------------------------------------------------ away detection


@dataclass(frozen=True)
class Away:
    """A stretch while tracking with no input (or the tmux client detached)."""

    start: dt.datetime
    end: dt.datetime
    reason: str  # "idle" | "detached"

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


class AwayDetector:
    """Feed it observations; it reports an Away span once the user is back.

    ``observe(now, last_input, attached)``: ``last_input`` is the latest input instant known
    (cockpit keys or tmux ``client_activity``), ``attached`` whether a tmux client is attached
    (None outside tmux). Returns an Away when the user returns after being away, else None.
    """

    def __init__(self, away_minutes: int) -> None:
        self.limit = dt.timedelta(minutes=away_minutes)
        self.away_since: dt.datetime | None = None
        self.reason = ""
        self._clock: tuple[dt.datetime, float] | None = None

    def observe(
        self,
        now: dt.datetime,
        last_input: dt.datetime | None,
        attached: bool | None,
        tracking_since: dt.datetime | None,
    ) -> Away | None:
        if tracking_since is None:
            self.away_since = None
            return None
        anchor = tracking_since if last_input is None else max(last_input, tracking_since)
        if self.away_since is None:
            if attached is False:
                self.away_since, self.reason = anchor, "detached"
            elif now - anchor >= self.limit:
                self.away_since, self.reason = anchor, "idle"
            return None
        if attached is False:
            return None
        typed = last_input is not None and last_input > self.away_since
        if not typed and not (self.reason == "detached" and attached):
            return None
        end = last_input if typed and last_input is not None else now
        gap = Away(self.away_since, end, self.reason)
        self.away_since = None
        return gap if gap.end > gap.start else None

    def reset(self) -> None:
        self.away_since = None

    def observe_clock(
        self, wall: dt.datetime, mono: float, tracking_since: dt.datetime | None, slack_s: float = 30.0
    ) -> Away | None:
        """A wall-clock jump the monotonic clock did not see (suspend, NTP step) while tracking."""
        last = self._clock
        self._clock = (wall, mono)
        if last is None or tracking_since is None:
            return None
        jump = (wall - last[0]).total_seconds() - (mono - last[1])
        if jump <= slack_s:
            return None
        start = max(wall - dt.timedelta(seconds=jump), tracking_since)
        return Away(start, wall, "suspended") if wall > start else None


def away_plan(
    running: dict[str, Any], away: Away, choice: str, category: str | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """How to book an away span inside the running entry.

    Returns (closed entries to insert, the new running state). ``keep`` changes nothing,
    ``discard`` closes the entry at the start of the gap and restarts it at its end,
    ``book`` does the same and books the gap to ``category``.
    """
    since = from_stamp(running["since"])
    start = max(away.start, since)
    if choice == "keep" or start >= away.end:
        return [], running
    base = {k: running.get(k) for k in ("category", "note", "task", "tz")}
    base["source"] = running.get("source") or "manual"
    closed = []
    if start > since:
        closed.append({**base, "start": running["since"], "end": to_stamp(start)})
    if choice == "book":
        if not category:
            raise ValueError("book needs a category")
        closed.append(
            {
                **base,
                "category": category,
                "start": to_stamp(start),
                "end": to_stamp(away.end),
                "note": f"away ({away.reason})",
            }
        )
    elif choice != "discard":
        raise ValueError(f"unknown choice {choice!r}")
    return closed, {**running, "since": to_stamp(away.end)}


# ------------------------------------------------------------------ charts (plain data + text)


def cells(parts: Sequence[tuple[str, float]], total_cells: int, scale_s: float) -> list[tuple[str, int]]:
    """Split a bar of ``sum(parts)/scale_s * total_cells`` cells among parts (largest remainder)."""
    if scale_s <= 0 or total_cells <= 0:
        return []
    raw = [(k, s * total_cells / scale_s) for k, s in parts if s > 0]
    want = min(total_cells, int(round(sum(v for _, v in raw))))
    base = [(k, int(v)) for k, v in raw]
    left = want - sum(n for _, n in base)
    order = sorted(range(len(raw)), key=lambda i: -(raw[i][1] - base[i][1]))
    out = [list(x) for x in base]
    for i in order[: max(0, left)]:
        out[i][1] += 1
    return [(str(k), int(n)) for k, n in out if n > 0]


def text_report(r: Report, cats: Sequence[CategoryInfo], width: int = 80) -> list[str]:
    """The report as plain lines (no colour): category bars, stacked day bars, key figures."""
    info = {c.id: c for c in cats}
    order = [c.id for c in cats] + sorted(k for k in r.categories if k not in info)
    last = r.end - DAY
    span = f"{r.first}" if r.first == last else f"{r.first} .. {last}"
    lines = [f"Time audit {span} ({r.tz}): {fmt_hm(r.total_s)} tracked"]
    if not r.total_s:
        lines.append("nothing tracked in this period")
        return lines
    name_w = 22
    bar_w = max(10, width - name_w - 16)
    top = max(r.categories.values())
    for cid in sorted(r.categories, key=lambda c: -r.categories[c]):
        c = info.get(cid)
        name = (c.name if c else cid)[:name_w]
        n = int(round(r.categories[cid] / top * bar_w)) if top else 0
        lines.append(
            f"{name:<{name_w}} {'#' * n:<{bar_w}} {fmt_hm(r.categories[cid]):>6} {r.percent(cid):3.0f}%"
        )
    if len(r.days) > 1:
        lines.append("")
        day_w = width - 18
        scale = max((d.total_s for d in r.days), default=0) or 1
        for d in r.days:
            parts = [(k, d.categories.get(k, 0.0)) for k in order]
            bar = "".join((info[k].key if k in info else "?") * n for k, n in cells(parts, day_w, scale))
            lines.append(f"{d.day:%a %d %b} {bar:<{day_w}} {fmt_hm(d.total_s):>6}")
        legend = "keys:"
        for c in cats:
            if c.id not in r.categories:
                continue
            item = f" {c.key}={c.name.split('/')[0]}"
            if len(legend) + len(item) > width:
                lines.append(legend)
                legend = "     "
            legend += item
        lines.append(legend)
    lines.append("")
    lines.append(
        f"deep work {fmt_hm(r.deep_s)}  active {fmt_hm(r.active_s)}  passive {fmt_hm(r.passive_s)}  "
        f"admin {100 * r.admin_share:.0f}%"
    )
    per_day = r.context_switches / max(1, sum(1 for d in r.days if d.total_s))
    lines.append(
        f"context switches {r.context_switches} ({per_day:.1f}/day)  "
        f"fragments {len(r.fragments)}  lost to switching {100 * r.lost_share:.0f}%"
    )
    sinks = r.sinks(cats)
    if sinks:
        text = "time sinks: " + ", ".join(
            f"{info[c].name.split('/')[0] if c in info else c} {fmt_hm(s)}" for c, s in sinks
        )
        lines.append(text[:width])
    if r.previous is not None:
        delta = r.total_s - r.previous.total_s
        sign = "+" if delta >= 0 else ""
        moved = sorted(r.trend().items(), key=lambda x: -abs(x[1]))
        moved = [(k, v) for k, v in moved if k != "total" and abs(v) >= 60][:3]
        detail = ", ".join(
            f"{info[k].name.split('/')[0] if k in info else k} {'+' if v >= 0 else ''}{fmt_hm(v)}"
            for k, v in moved
        )
        text = f"vs previous period: {sign}{fmt_hm(delta)} total" + (f" ({detail})" if detail else "")
        lines.append(text[:width])
    return lines
