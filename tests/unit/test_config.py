import subprocess
import sys

import pytest

from cockpit import config
from cockpit.errors import ConfigError


def test_missing_file_gives_defaults(tmp_path):
    cfg = config.load(tmp_path / "nope.toml")
    assert cfg.focus.sprint_minutes == 90
    assert cfg.focus.break_minutes == 20
    assert len(cfg.categories) == 9
    assert cfg.mits.max_mits == 3
    assert cfg.papers.queue_size == 2


def test_values_are_read(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text(
        '[focus]\nsprint_minutes = 50\n[[hosts]]\nname = "gpu1"\ncost_per_hour = 2\n[keymap]\n"app.zoom" = "f"\n'
    )
    cfg = config.load(p)
    assert cfg.focus.sprint_minutes == 50
    assert cfg.hosts[0].name == "gpu1" and cfg.hosts[0].cost_per_hour == 2.0
    assert cfg.keymap == {"app.zoom": "f"}


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('[focus]\nsprint_minutes = "long"\n', "focus.sprint_minutes", "expected a whole number"),
        ("[focus]\nsprnt_minutes = 5\n", "focus.sprnt_minutes", "unknown setting"),
        ("[mits]\nmax_mits = 5\n", "mits.max_mits", "must be 1, 2 or 3"),
        ("[ui]\ntheme = 3\n", "ui.theme", "expected a string"),
        ("[[hosts]]\ncost_per_hour = 1\n", "hosts[0].name", "is required"),
        ('[[hosts]]\nname = "a b"\n', "hosts[0].name", "ssh alias"),
        ('[[hosts]]\nname = "x"\nkind = "k8s"\n', "hosts[0].kind", "one of"),
        ("[papers]\nrequest_delay_s = -1\n", "papers.request_delay_s", "must be 0 or more"),
        ("[papers]\nretries = -2\n", "papers.retries", "must be 0 or more"),
        ("[focus]\nsprint_minutes = true\n", "focus.sprint_minutes", "expected a whole number"),
        ("[ui]\nmouse = 1\n", "ui.mouse", "expected true or false"),
        ("ui = 3\n", "ui", "expected a table"),
        ('[keymap]\n"app.zoom" = 5\n', "keymap.app.zoom", "expected a string"),
        ('[papers]\ncategories = "cs.LG"\n', "papers.categories", "expected a list"),
        ("[papers]\ncategories = [1]\n", "papers.categories[0]", "expected a string"),
        ('[[audit.categories]]\nid = "a"\nname = "A"\nkey = "ab"\n', "audit.categories[0].key", "one letter"),
    ],
)
def test_invalid_values_name_key_and_problem(tmp_path, text, key, problem):
    p = tmp_path / "c.toml"
    p.write_text(text)
    with pytest.raises(ConfigError) as e:
        config.load(p)
    assert e.value.key == key
    assert problem in e.value.problem
    assert str(p) in str(e.value)


def test_invalid_toml(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text("[focus\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        config.load(p)


def test_cli_reports_bad_config_in_one_line_exit_2(tmp_path):
    (tmp_path / "config.toml").write_text("[focus]\nsprint_minutes = -3\n")
    r = subprocess.run(
        [sys.executable, "-m", "cockpit", "--home", str(tmp_path), "store", "path"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1
    assert "config.toml: focus.sprint_minutes: must be greater than 0" in r.stderr
    assert "Traceback" not in r.stderr


def test_not_utf8(tmp_path):
    p = tmp_path / "c.toml"
    p.write_bytes(b'[ui]\ntheme = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        config.load(p)


def test_every_section_has_defaults():
    cfg = config.from_dict({})
    assert cfg.ui.theme == "cockpit-dark" and cfg.ui.first_pane == "focus" and cfg.ui.mouse is False
    assert cfg.keymap == {} and cfg.hosts == []
    assert cfg.notify.channels and cfg.gpu.poll_seconds > 0
