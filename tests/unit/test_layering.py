"""The picture enforced: lint-imports keeps every contract in pyproject.toml (the layers and no
import cycles between modules), the cycle contract does find cycles, and no module of cockpit/
is over 500 lines (tests/ and benchmarks/ are exempt)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

from tests.lint.cycles import cycles, shortest_loop, strongly_connected

REPO = Path(__file__).resolve().parents[2]
MAX_LINES = 500


def lint_imports(cwd: Path, *args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    """lint-imports of this environment, run in ``cwd`` (it reads the configuration there and
    imports contract types from there)."""
    exe = Path(sys.executable).with_name("lint-imports")
    cmd = (
        [str(exe)]
        if exe.exists()
        else [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"]
    )
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([*cmd, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_lint_imports_keeps_every_contract():
    r = lint_imports(REPO)
    assert r.returncode == 0, "lint-imports found broken contracts:\n" + r.stdout + r.stderr


def test_pyproject_checks_for_module_cycles_over_all_of_cockpit():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert config["exclude_type_checking_imports"] is True
    assert "no_module_cycles: tests.lint.cycles.NoModuleCyclesContract" in config["contract_types"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "no_module_cycles"]
    assert contract.get("containers", ["cockpit"]) == ["cockpit"]


def test_no_module_of_cockpit_is_over_500_lines():
    long = sorted(
        (n, str(p.relative_to(REPO)))
        for p in (REPO / "cockpit").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )
    report = "\n".join(f"  {path}: {n} lines" for n, path in reversed(long))
    assert not long, f"{len(long)} modules of cockpit/ are over {MAX_LINES} lines:\n{report}"


# ---------------------------------------------------------------- the cycle contract


def test_strongly_connected_components_and_their_loops():
    edges = {
        "a": frozenset({"b"}),
        "b": frozenset({"c", "d"}),
        "c": frozenset({"a"}),
        "d": frozenset({"e"}),
        "e": frozenset(),
        "s": frozenset({"s"}),  # a module importing itself
    }
    assert strongly_connected(edges) == [["a", "b", "c"], ["d"], ["e"], ["s"]]
    assert cycles(edges) == [["a", "b", "c"], ["s"]]
    assert shortest_loop(edges, ["a", "b", "c"]) == ["a", "b", "c", "a"]
    assert shortest_loop(edges, ["s"]) == ["s", "s"]
    assert cycles({"a": frozenset({"b"}), "b": frozenset()}) == []


def test_a_long_ring_is_one_cycle_without_recursion():
    n = 5000  # deeper than Python's recursion limit
    names = [f"m{i:05d}" for i in range(n)]
    edges = {m: frozenset({names[(i + 1) % n]}) for i, m in enumerate(names)}
    (ring,) = cycles(edges)
    assert len(ring) == n
    assert shortest_loop(edges, ring) == [*names, names[0]]


def write_package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_the_cycle_contract_names_each_cycle_and_its_import_lines(tmp_path: Path):
    write_package(
        tmp_path,
        {
            "cycpkg/__init__.py": "",
            "cycpkg/a.py": "from cycpkg import b\n",
            # an import inside a function counts
            "cycpkg/b.py": "def late():\n    from cycpkg import a\n\n    return a\n",
            "cycpkg/leaf.py": "import cycpkg.a\n",
            "cycpkg/sub/__init__.py": "",
            "cycpkg/sub/x.py": "from cycpkg.sub import y\n",
            "cycpkg/sub/y.py": "from cycpkg.sub import z\n",
            "cycpkg/sub/z.py": "import json\nfrom cycpkg.sub import x\n",
            # an import only for type checkers does not
            "cycpkg/t1.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from cycpkg import t2\n",
            "cycpkg/t2.py": "from cycpkg import t1\n",
            "pyproject.toml": """\
                [tool.importlinter]
                root_package = "cycpkg"
                exclude_type_checking_imports = true
                contract_types = ["no_module_cycles: tests.lint.cycles.NoModuleCyclesContract"]

                [[tool.importlinter.contracts]]
                name = "no cycles"
                type = "no_module_cycles"
                """,
        },
    )
    r = lint_imports(tmp_path, "--no-cache", pythonpath=REPO)
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "no cycles BROKEN" in out
    assert "2 import cycles between modules:" in out
    assert "Cycle 1 (2 modules): cycpkg.a -> cycpkg.b -> cycpkg.a" in out
    assert "Cycle 2 (3 modules): cycpkg.sub.x -> cycpkg.sub.y -> cycpkg.sub.z -> cycpkg.sub.x" in out
    assert "cycpkg.b -> cycpkg.a (l.2)" in out and "cycpkg.sub.z -> cycpkg.sub.x (l.2)" in out
    assert "t1" not in out and "leaf" not in out


def test_the_cycle_contract_keeps_a_package_without_cycles(tmp_path: Path):
    write_package(
        tmp_path,
        {
            "okpkg/__init__.py": "",
            "okpkg/a.py": "from okpkg import b\n",
            "okpkg/b.py": "def late():\n    from okpkg import c\n\n    return c\n",
            "okpkg/c.py": "",
            ".importlinter": """\
                [importlinter]
                root_package = okpkg
                contract_types =
                    no_module_cycles: tests.lint.cycles.NoModuleCyclesContract

                [importlinter:contract:acyclic]
                name = acyclic
                type = no_module_cycles
                """,
        },
    )
    r = lint_imports(tmp_path, "--no-cache", pythonpath=REPO)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "acyclic KEPT" in r.stdout
