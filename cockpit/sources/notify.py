"""The notification layer shared by every instrument. Owned by the Focus instrument.

A chain of channels set in config.toml ([notify] channels); each is isolated, so one failing
never stops the others. ``Notifier.send`` returns what each channel did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from cockpit.config import NotifyConfig


@dataclass(frozen=True)
class Alert:
    title: str
    body: str = ""
    urgency: Literal["low", "normal", "critical"] = "normal"
    source: str = ""  # "focus" | "gpu" | "papers" | ...


@dataclass(frozen=True)
class ChannelResult:
    channel: str
    ok: bool
    detail: str = ""


class Notifier:
    def __init__(self, config: NotifyConfig, toast: Callable[[Alert], None] | None = None) -> None:
        self.config = config
        self.toast = toast

    def send(self, alert: Alert) -> list[ChannelResult]:
        results: list[ChannelResult] = []
        if self.toast is not None and "toast" in self.config.channels:
            try:
                self.toast(alert)
                results.append(ChannelResult("toast", True))
            except Exception as e:  # noqa: BLE001 - a channel never breaks the chain
                results.append(ChannelResult("toast", False, str(e)))
        return results
