"""The alert every instrument raises: a value, sent by the notification adapter."""

from __future__ import annotations

from typing import Literal

from cockpit.core.record import record

Urgency = Literal["low", "normal", "critical"]


@record
class Alert:
    title: str
    body: str = ""
    urgency: Urgency = "normal"
    source: str = ""  # "focus" | "gpu" | "papers" | ...
    # what makes it one event for every process that may see it (kind, subject, phase end or
    # job id): sent once, by whichever process claims the key first (services.alerts.send_once);
    # "" = no key, sent by whoever raises it
    key: str = ""


def phase_end_key(phase: str, end: str) -> str:
    """The key of the alert for a focus phase (``focus``/``break``/``timebox``) that ran out at
    the stamp ``end``: the app, the CLI and the status line compute the same one."""
    return f"focus:{phase}:{end}"
