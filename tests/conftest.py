"""Shared fixtures: a private COCKPIT_HOME per test, a fake clock, no cursor blink."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cockpit.context import Context
from cockpit.core.clock import FakeClock

CORPUS = os.environ.get("COCKPIT_CORPUS")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("COCKPIT_HOME", str(h))
    return h


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC), tz="Europe/Berlin")


@pytest.fixture
def ctx(home: Path, clock: FakeClock) -> Context:
    return Context.open(home, clock=clock)


@pytest.fixture
def write_config(home: Path):  # noqa: ANN201
    def write(text: str) -> Path:
        path = home / "config.toml"
        path.write_text(text)
        return path

    return write


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda _self: None)


@pytest.fixture
def corpus() -> Iterator[Path]:
    if not CORPUS:
        pytest.skip("COCKPIT_CORPUS is not set")
    path = Path(CORPUS)
    if not path.is_dir():
        pytest.skip(f"COCKPIT_CORPUS={CORPUS} is not a folder")
    yield path
