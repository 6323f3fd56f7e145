"""Sending alerts once, whichever process sees the event first.

An alert with a key (``core.alerts.Alert.key``) is claimed in the store's alert ledger under the
store's lock before it is sent (``store.ledger``); the process that loses the claim sends
nothing. Alerts without a key are sent by whoever raises them.

The tmux status line (``cockpit status --format tmux``, run every second) starts
``python -m cockpit.services.alerts`` when a focus phase ran out in the status file and nobody
has handled it yet: that process announces it on every channel but the in-app toast, writing
the bell and the OSC escapes straight to the terminals of the tmux clients.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from cockpit.errors import CockpitError

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.alerts import Alert
    from cockpit.sources.notify import ChannelResult

log = logging.getLogger(__name__)


def claim(ctx: Context, alert: Alert) -> bool:
    """Whether this process sends ``alert``: no key, or the first claim of its key. A ledger that
    cannot be written (a read-only data folder) sends: twice is better than never."""
    if not alert.key:
        return True
    try:
        return ctx.store.claim_alert(alert.key, ctx.clock.now())
    except (OSError, CockpitError) as e:
        log.warning("alert ledger: %s; sending %r anyway", e, alert.key)
        return True


def send_once(ctx: Context, alert: Alert) -> list[ChannelResult] | None:
    """Send ``alert`` on every channel unless another process claimed it first (None then)."""
    if not claim(ctx, alert):
        return None
    return ctx.notifier.send(alert)


def send_status_alerts(ctx: Context) -> list[tuple[Alert, list[ChannelResult] | None]]:
    """What the status line's helper process does: the focus phases that ran out in the status
    file are marked handled there, then each alert is claimed and sent."""
    from cockpit import status
    from cockpit.config import NotifyConfig
    from cockpit.core import focus as core
    from cockpit.sources.notify import Notifier, client_ttys_writer

    now = ctx.clock.now()
    data = status.read(ctx.paths.status_file)
    due = status.unhandled_ends(data, now)
    if not due:
        return []
    status.mark_alerted(ctx.paths, due)  # first: the status line starts no second helper for them
    focus = data["focus"]
    alerts = [a for a in core.status_alerts(focus, now) if a.key.split(":", 2)[2] in due]
    cfg: NotifyConfig = ctx.config.notify
    channels = tuple(c for c in cfg.channels if c != "toast")  # no app here to show a toast
    values = {f: getattr(cfg, f) for f in cfg._fields}
    notifier = Notifier(
        NotifyConfig(**{**values, "channels": list(channels)}),
        terminal=client_ttys_writer(os.environ),
        env=os.environ,
        passthrough=False,
    )
    out: list[tuple[Alert, list[ChannelResult] | None]] = []
    for alert in alerts:
        out.append((alert, notifier.send(alert) if claim(ctx, alert) else None))
    return out


def main() -> int:
    """``python -m cockpit.services.alerts``: started by the status line, detached, silent."""
    from cockpit.context import Context

    try:
        ctx = Context.open()
        for alert, results in send_status_alerts(ctx):
            if results is not None:
                log.info("alert %r: %s", alert.title, ", ".join(f"{r.channel}={r.ok}" for r in results))
    except Exception:  # noqa: BLE001 - nobody reads this process's output; never a traceback
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
