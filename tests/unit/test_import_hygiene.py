import subprocess
import sys


def test_core_store_sources_never_import_textual():
    code = (
        "import sys, pkgutil, importlib, cockpit.core, cockpit.store, cockpit.sources\n"
        "for pkg in (cockpit.core, cockpit.store, cockpit.sources):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = [m for m in ('textual', 'rich') if m in sys.modules]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_status_command_does_not_import_textual(tmp_path):
    code = (
        "import sys; from cockpit.cli import main\n"
        f"main(['--home', {str(tmp_path)!r}, 'status'])\n"
        "sys.exit('textual' in sys.modules)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_only_store_imports_tinydb():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "cockpit"
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "tinydb" in p.read_text() and "store" not in p.relative_to(root).parts[:1]
    ]
    assert offenders == []


def test_console_script_answers_status_without_argparse_or_textual(tmp_path):
    code = (
        "import sys; from cockpit.entry import main\n"
        f"sys.argv = ['cockpit', '--home', {str(tmp_path)!r}, 'status', '--format', 'json']\n"
        "rc = main()\n"
        "sys.exit(rc or ('argparse' in sys.modules) * 3 or ('textual' in sys.modules) * 4)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert '"focus"' in r.stdout


def test_status_line_cleans_with_the_one_rule_and_stays_light(tmp_path):
    """A line with text goes through cockpit.core.text, and that import brings no `typing`."""
    import json

    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "status.json").write_text(json.dumps({"mits": {"current": "a\x1b[31mb"}}))
    code = (
        "import sys; from cockpit.entry import main\n"
        f"sys.argv = ['cockpit', '--home', {str(tmp_path)!r}, 'status', '--format', 'tmux']\n"
        "rc = main()\n"
        "sys.exit(rc or ('cockpit.core.text' not in sys.modules) * 3 or ('typing' in sys.modules) * 4)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "#[fg=magenta]MIT:#[default] ab"
