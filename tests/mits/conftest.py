"""Helpers for the MITs tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def no_plan(write_config, home, clock):  # noqa: ANN001, ANN201
    """A context whose morning plan does not open by itself."""
    from cockpit.context import Context

    write_config("[mits]\nmorning_plan = false\n")
    return Context.open(home, clock=clock)
