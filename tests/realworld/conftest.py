"""The realworld tier: real files nobody here wrote, read from $COCKPIT_CORPUS.

Skipped unless COCKPIT_CORPUS points at a corpus folder (.ci/run sets it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    corpus = os.environ.get("COCKPIT_CORPUS")
    if corpus and Path(corpus).is_dir():
        return
    skip = pytest.mark.skip(reason="COCKPIT_CORPUS is not set to a corpus folder")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(skip)
