"""Unclean stops of the app while a session runs: the heartbeat file and the gap it reveals.

The app writes the heartbeat every few seconds, and ``clean_exit`` when it quits normally. When
it comes back after an unclean stop longer than [focus] gap_minutes, the user is asked to keep
the time cockpit was down or to discard it (``services.focus.resolve_gap``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit.core.clock import from_stamp, to_stamp
from cockpit.errors import CockpitError
from cockpit.services.focus_state import raw

if TYPE_CHECKING:
    from cockpit.context import Context


def _heartbeat_path(ctx: Context) -> Path:
    return ctx.paths.state_dir / "focus-heartbeat.json"


def heartbeat(ctx: Context, clean_exit: bool = False) -> None:
    """The app writes this every few seconds, and ``clean_exit`` when it quits normally."""
    from cockpit.store.fs import atomic_write

    data = {"beat": to_stamp(ctx.clock.now()), "clean": clean_exit, "pid": os.getpid()}
    try:
        atomic_write(_heartbeat_path(ctx), json.dumps(data).encode())
    except CockpitError:
        pass


def unclean_gap(ctx: Context) -> tuple[dt.datetime, float] | None:
    """(last heartbeat, gap seconds) when the app stopped uncleanly during a running session
    longer than [focus] gap_minutes ago; else None."""
    try:
        hb = json.loads(_heartbeat_path(ctx).read_bytes())
        beat = from_stamp(hb["beat"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if hb.get("clean"):
        return None
    s = raw(ctx)
    if not s or s.is_paused or from_stamp(s.phase_start) >= beat:
        return None
    gap = (ctx.clock.now() - beat).total_seconds()
    if gap < ctx.config.focus.gap_minutes * 60:
        return None
    return beat, gap
