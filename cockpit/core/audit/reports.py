"""Reports: totals per category and day, context switches, fragments, deep work, trend. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cockpit.core.audit.periods import DAY, day_length_s, days, local_midnight, segments
from cockpit.core.audit.records import Entry
from cockpit.core.record import record


@record
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
    break_s: float = 0.0  # focus breaks: shown on their own, in no category and not in total_s

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
    break_s = 0.0
    for g in segs:
        ds = per_day[g.day]
        s = g.seconds
        if g.entry.source == "break":
            break_s += s  # a break is not work time
            continue
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
        if e.end is None or e.source == "break" or not (lo <= e.start < hi):
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
        break_s=break_s,
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
        "break_s": secs(r.break_s),
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
