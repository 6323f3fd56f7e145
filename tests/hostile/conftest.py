"""Seed every instrument of one COCKPIT_HOME with the hostile strings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cockpit.context import Context
from cockpit.core.clock import to_stamp
from tests.hostile.strings import ALL_IN_ONE, HOSTILE
from tests.papers import feeds


def hostile_feed() -> bytes:
    items = [
        feeds.item(f"2611.{i:05d}", value, abstract=value, creator=value[:200] or "x")
        for i, value in enumerate(HOSTILE.values(), start=1)
    ]
    return feeds.rss(items)


def seed_day(ctx: Context) -> dt.date:
    """The local day the hostile time entries are booked on (01:00-03:10, always in the past)."""
    from cockpit.services import audit

    return (ctx.clock.now().astimezone(audit.zone(ctx)) - dt.timedelta(hours=4)).date()


def seed(ctx: Context, tmp_path: Path) -> None:
    """Tasks (three of them MITs), time entries, focus sessions with notes, papers, jobs."""
    from cockpit.services import audit, focus, mits, papers
    from cockpit.services import gpu as gsvc

    ids = []
    for key, value in HOSTILE.items():
        t = mits.add_task(
            ctx, value, notes=value, project=value[:40], mit=key in ("markup", "osc_title", "rtl")
        )
        ids.append(t.id)
        # add_task cleans what it is given; an import or a hand edit stores the raw bytes
        mits.tasks(ctx).update(t.id, {"title": value[:300] or "x", "notes": value, "project": value[:40]})
    base = dt.datetime.combine(seed_day(ctx), dt.time(1, 0), tzinfo=audit.zone(ctx))
    for i, value in enumerate(HOSTILE.values()):
        start = base + dt.timedelta(minutes=10 * i)
        eid = audit.add_entry(
            ctx,
            start=start,
            end=start + dt.timedelta(minutes=8),
            category="model",
            source="manual" if i % 2 else f"import:{value[:60]}",
            note=value,
        )
        if i % 3 == 0:
            audit.entries(ctx).update(eid, {"task": value[:60]})  # a task link as an import left it
    # A sprint abandoned with a hostile reason, then a running one with hostile interruptions.
    focus.start(ctx, task=ids[0])
    focus.interrupt(ctx, "external", ALL_IN_ONE)
    focus.abandon(ctx, ALL_IN_ONE)
    focus.start(ctx, task=ids[5])
    for value in HOSTILE.values():
        focus.interrupt(ctx, "internal", value)
    feed = tmp_path / "hostile-feed.xml"
    feed.write_bytes(hostile_feed())
    report, _ = papers.ingest(ctx, [str(feed)])
    assert report.added if hasattr(report, "added") else True
    # the feed's categories and announce type, raw as the store keeps them (issue 12 #2)
    col = papers.papers(ctx)
    values = list(HOSTILE.values())
    for part in col.parts():
        with col.transaction(part) as p:
            for n, doc in enumerate(p.all()):
                value = values[n % len(values)][:200]
                p.update(doc["id"], {"categories": [f"cs.LG{value}", value], "announce_type": f"new{value}"})
    jobs = gsvc.jobs_collection(ctx)
    stamp = ctx.clock.now() - dt.timedelta(minutes=5)
    for i, value in enumerate(HOSTILE.values()):
        jobs.insert(
            {
                "host": "local",
                "name": value,
                "session": f"job-{i}",
                "run_id": f"job-{i}-1",
                "pane_id": None,
                "pid": None,
                "command": value,
                "note": value,
                "cwd": value,
                "git_commit": None,
                "git_dirty": None,
                "gpus": [],
                "started": to_stamp(stamp),
                "ended": None,
                "state": "lost" if i % 2 else "failed",
                "exit_code": 1,
                "last_line": value,
            }
        )


HOSTILE_THEME = "[bold red]boom[/] [link=https://evil.example]x[/link]"


@pytest.fixture
def hostile_ctx(home: Path, tmp_path: Path, write_config) -> Context:
    """A home full of hostile text, on the real clock (so CLI subprocesses see the same day)."""
    write_config(f'[gpu]\nlocal = false\n[ui]\ntheme = "{HOSTILE_THEME}"\n')
    c = Context.open(home)
    seed(c, tmp_path)
    return c


@pytest.fixture
def hostile_fake_ctx(home: Path, tmp_path: Path, write_config, clock) -> Context:
    """The same home on the tests' FakeClock (for in-process Pilot tests)."""
    write_config(f'[gpu]\nlocal = false\n[ui]\ntheme = "{HOSTILE_THEME}"\n')
    c = Context.open(home, clock=clock)
    seed(c, tmp_path)
    return c
