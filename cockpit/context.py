"""Everything an instrument needs, built once per process (CLI call or TUI)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit import config as config_mod
from cockpit.config import Config
from cockpit.core.clock import Clock, SystemClock, zone
from cockpit.paths import Paths, resolve
from cockpit.store import Store

if TYPE_CHECKING:
    from cockpit.core.alerts import Alert
    from cockpit.sources.notify import Notifier


@dataclass
class Context:
    paths: Paths
    config: Config
    clock: Clock
    _store: Store | None = field(default=None, repr=False)
    _notifier: Notifier | None = field(default=None, repr=False)
    # the focus alerts this process earned and has not sent yet (services.focus.take_alerts)
    focus_alerts: deque[Alert] = field(default_factory=deque, repr=False)

    @property
    def notifier(self) -> Notifier:
        """The shared alert chain; the TUI sets ``ctx.notifier.toast`` to show in-app toasts."""
        if self._notifier is None:
            from cockpit.sources.notify import Notifier

            self._notifier = Notifier(self.config.notify)
        return self._notifier

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.paths.store_dir)
        return self._store

    @classmethod
    def open(cls, home: str | Path | None = None, clock: Clock | None = None) -> Context:
        paths = resolve(home).ensure()
        cfg = config_mod.load(paths.config_file)
        if clock is None:
            clock = SystemClock(zone(cfg.audit.timezone) if cfg.audit.timezone else None)
        return cls(paths=paths, config=cfg, clock=clock)
