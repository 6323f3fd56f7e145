"""Where cockpit keeps its files.

Normally the platform's config, data, state and cache folders (platformdirs).
``COCKPIT_HOME=DIR`` (or ``cockpit --home DIR``) puts everything under one folder,
with the config file at ``DIR/config.toml``: tests, benchmarks and scripts use it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP = "cockpit"


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    state_dir: Path
    cache_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def themes_dir(self) -> Path:
        return self.config_dir / "themes"

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def notes_dir(self) -> Path:
        return self.data_dir / "notes"

    @property
    def status_file(self) -> Path:
        return self.state_dir / "status.json"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "cockpit.log"

    def ensure(self) -> Paths:
        """Create every folder, private to the user (0700)."""
        from cockpit.errors import CockpitError

        for d in (self.config_dir, self.data_dir, self.state_dir, self.cache_dir):
            try:
                make_private_dir(d)
            except OSError as e:
                raise CockpitError(f"cannot create the folder {d}: {e.strerror or e}") from None
        return self


def make_private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except PermissionError:
        pass


def resolve(home: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None) -> Paths:
    env = os.environ if env is None else env
    home = home or env.get("COCKPIT_HOME")
    if home:
        root = Path(home).expanduser().absolute()
        return Paths(
            config_dir=root,
            data_dir=root / "data",
            state_dir=root / "state",
            cache_dir=root / "cache",
        )
    import platformdirs

    return Paths(
        config_dir=Path(platformdirs.user_config_dir(APP, appauthor=False)),
        data_dir=Path(platformdirs.user_data_dir(APP, appauthor=False)),
        state_dir=Path(platformdirs.user_state_dir(APP, appauthor=False)),
        cache_dir=Path(platformdirs.user_cache_dir(APP, appauthor=False)),
    )


def file_clock_now() -> float:
    """The kernel's wall time as file systems stamp it (the mtime of a fresh pipe).

    File times are compared with this, never with ``time.time()``: a process whose clock is
    shifted (libfaketime, a test clock) or stepped still sees file times as the kernel wrote them.
    """
    r, w = os.pipe()
    try:
        return os.fstat(w).st_mtime
    finally:
        os.close(r)
        os.close(w)
