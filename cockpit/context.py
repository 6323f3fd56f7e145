"""Everything an instrument needs, built once per process (CLI call or TUI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cockpit import config as config_mod
from cockpit.config import Config
from cockpit.core.clock import Clock, SystemClock, zone
from cockpit.paths import Paths, resolve
from cockpit.store import Store


@dataclass
class Context:
    paths: Paths
    config: Config
    clock: Clock
    _store: Store | None = field(default=None, repr=False)

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
