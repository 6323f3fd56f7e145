"""Snapshots of the main screen (refresh with ``pytest tests/app/test_snapshots.py --snapshot-update``).

Few and simple on purpose: the panes' contents change as the instruments land, and the
snapshots are regenerated then.
"""

import pytest

APP = "shell_snapshot_app.py"


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_main_screen(home, snap_compare, size):
    assert snap_compare(APP, terminal_size=size)


def test_main_screen_zoomed_80x24(home, snap_compare):
    assert snap_compare(APP, press=["4", "z"], terminal_size=(80, 24))
