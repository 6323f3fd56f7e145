"""need_tool: a missing program skips an infra test on a developer's machine and fails it under
CI=true; the needs_tools marker goes through it; every test carries a tier marker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import tools

NOWHERE = "cockpit-no-such-tool-x7q"
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes"])
def test_a_missing_tool_fails_under_ci(monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv("CI", value)
    with pytest.raises(
        pytest.fail.Exception, match=f"CI=true and this infra test cannot run: not installed: {NOWHERE}"
    ):
        tools.need_tool("sh", NOWHERE)


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_a_missing_tool_skips_outside_ci(monkeypatch: pytest.MonkeyPatch, value: str | None):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match=f"not installed: {NOWHERE}, /nowhere/sshd"):
        tools.need_tool("sh", NOWHERE, "/nowhere/sshd")


def test_present_tools_pass_under_ci(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CI", "true")
    tools.need_tool("sh", sys.executable)  # a name on PATH and an absolute path
    assert tools.missing("sh", sys.executable, NOWHERE) == [NOWHERE]


def test_the_needs_tools_marker_fails_under_ci(tmp_path: Path):
    """The real hook of tests/conftest.py, in a pytest run of its own."""
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_runtest_setup  # noqa: F401\n")
    (tmp_path / "test_marked.py").write_text(
        f"import pytest\n\n\n@pytest.mark.needs_tools('sh', '{NOWHERE}')\ndef test_needs_it():\n    pass\n"
    )

    def run(ci: str) -> str:
        env = {**os.environ, "CI": ci, "PYTHONPATH": str(REPO)}
        cmd = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "test_marked.py"]
        r = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        return r.stdout + r.stderr

    failed = run("true")
    assert (
        "1 error" in failed and f"CI=true and this infra test cannot run: not installed: {NOWHERE}" in failed
    )
    skipped = run("false")
    assert "1 skipped" in skipped and f"not installed: {NOWHERE}" in skipped


def test_every_test_carries_a_tier(request: pytest.FixtureRequest):
    tiers = ("unit", "app", "e2e", "infra", "realworld", "real_gpu")
    assert [t for t in tiers if request.node.get_closest_marker(t)] == ["unit"]
