"""cockpit.core.text.clean, the one rule for outside text (screen, CLI, tmux status line)."""

from cockpit.core.text import clean
from tests.hostile.strings import HOSTILE, VISIBLE, control_bytes


def test_hostile_values_lose_every_escape_and_keep_their_visible_text():
    for key, value in HOSTILE.items():
        out = clean(value)
        assert control_bytes(out) == [], key
        if key in VISIBLE:
            assert VISIBLE[key] in out, key


def test_printable_text_comes_back_as_it_was():
    for value in ("[bold red]boom[/]", "#(rm -rf ~) #[fg=red]", "漢字テスト🚀", "a  b", "", "…"):
        assert clean(value) == value


def test_tabs_newlines_and_the_cut():
    assert clean("a\tb\r\nc\nd") == "a b c d"
    assert clean("a\tb\nc", keep_newlines=True) == "a b\nc"
    assert clean("x" * 10, max_len=5) == "xxxx…"
    assert clean("\x1b[31m" + "x" * 10, max_len=5) == "xxxx…"  # cut after the escapes go
