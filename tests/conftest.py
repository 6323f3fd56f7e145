"""Shared fixtures: a private COCKPIT_HOME per test, a fake clock, no cursor blink."""

from __future__ import annotations

import datetime as dt
import inspect
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


# ---------------------------------------------------------------- tiers

TESTS = Path(__file__).resolve().parent
TIERS = ("unit", "app", "e2e", "infra", "realworld", "real_gpu")
FOLDER_TIERS = {"app": "app", "e2e": "e2e", "realworld": "realworld"}
REAL_GPU = TESTS / "gpu" / "test_real_gpu.py"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test gets a tier marker: its own (module or test), else its folder's, else ``app``
    for an async (Pilot) test and ``unit`` for the rest."""
    for item in items:
        path = Path(str(item.fspath)).resolve()
        if path == REAL_GPU:
            item.add_marker("real_gpu")
        try:
            folder = path.relative_to(TESTS).parts[0]
        except ValueError:
            folder = ""
        if folder in FOLDER_TIERS:
            item.add_marker(FOLDER_TIERS[folder])
        if not any(item.get_closest_marker(t) for t in TIERS):
            is_async = inspect.iscoroutinefunction(getattr(item, "obj", None))
            item.add_marker("app" if is_async else "unit")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.needs_tools("tmux", ...)``: skip where one is missing, fail under CI=true."""
    from tests.harness.tools import need_tool

    for mark in item.iter_markers("needs_tools"):
        need_tool(*mark.args)
