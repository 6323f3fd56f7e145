"""One rule for outside text in the TUI: it goes through cockpit/tui/shell/safe.py, nowhere else.

Static check of the source: no TUI module cleans text its own way (imports cockpit.core.text) or
builds a plain Textual text input (Input, TextArea) that would show stored bytes raw; and nothing
turns markup parsing back on for a widget. The hostile sweeps show the rule holds on screen.
"""

from __future__ import annotations

import ast
from pathlib import Path

import cockpit

TUI = Path(cockpit.__file__).parent / "tui"
SAFE = TUI / "shell" / "safe.py"
RAW_INPUTS = {"Input", "TextArea"}


def problems(path: Path) -> list[str]:
    out = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(TUI.parent) if path.is_relative_to(TUI.parent) else path.name
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {a.name for a in node.names}
            if node.module == "cockpit.core.text" or node.module.startswith("cockpit.core.text."):
                out.append(f"{rel}:{node.lineno} imports cockpit.core.text (use tui/shell/safe.py)")
            if node.module.startswith("textual.widgets") and names & RAW_INPUTS:
                out.append(f"{rel}:{node.lineno} imports {sorted(names & RAW_INPUTS)} (use SafeInput)")
        if isinstance(node, ast.Import) and any(a.name.startswith("cockpit.core.text") for a in node.names):
            out.append(f"{rel}:{node.lineno} imports cockpit.core.text (use tui/shell/safe.py)")
        if isinstance(node, ast.keyword) and node.arg == "markup":
            if not (isinstance(node.value, ast.Constant) and node.value.value is False):
                out.append(f"{rel}:{node.value.lineno} passes markup= other than False")
    return out


def test_every_tui_module_shows_outside_text_through_the_one_helper():
    found = [p for path in sorted(TUI.rglob("*.py")) if path != SAFE for p in problems(path)]
    assert found == []


def test_the_check_catches_a_module_that_bypasses_the_rule(tmp_path):
    bad = tmp_path / "bypass.py"  # a module as a careless change would write it
    bad.write_text(
        "from cockpit.core.text import clean\nfrom textual.widgets import Input, Static\n"
        "def f(t):\n    return Static(t, markup=True), Input(t)\n"
    )
    assert len(problems(bad)) == 3
