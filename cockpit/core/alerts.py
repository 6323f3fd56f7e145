"""The alert every instrument raises: a value, sent by the notification adapter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Urgency = Literal["low", "normal", "critical"]


@dataclass(frozen=True, slots=True)
class Alert:
    title: str
    body: str = ""
    urgency: Urgency = "normal"
    source: str = ""  # "focus" | "gpu" | "papers" | ...
