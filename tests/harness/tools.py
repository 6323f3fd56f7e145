"""Infra tests and the programs they drive: skipped where a program is missing, except under CI.

A developer's machine may lack tmux, sshd, Slurm or D-Bus: the tests that need one are skipped
there. Under ``CI=true`` (tests/run on the CI machine installs them all) a missing program is a
broken test machine, so the test fails and says what is missing instead of skipping silently.
Every skip on a missing program goes through here: ``need_tool(...)`` in a fixture or test, or
the ``needs_tools(...)`` marker (tests/conftest.py applies it before each test).
The real-GPU tier (tests/gpu/test_real_gpu.py) is not an infra tier: it skips without hardware.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """``CI`` is set to true (``true``, ``1`` or ``yes``, any case), as CI services set it."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(*names: str) -> list[str]:
    """The programs of ``names`` (a name on PATH or an absolute path) that are not there."""
    return [n for n in names if shutil.which(n) is None]


def unavailable(reason: str) -> NoReturn:
    """Skip the test for ``reason``; under ``CI=true`` fail it instead."""
    if in_ci():
        pytest.fail(f"CI=true and this infra test cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def need_tool(*names: str) -> None:
    """Skip (fail under ``CI=true``) unless every program of ``names`` is installed."""
    gone = missing(*names)
    if gone:
        unavailable("not installed: " + ", ".join(gone))
