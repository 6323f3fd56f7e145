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


def test_bidirectional_overrides_cannot_reorder_what_is_shown():
    # "Trojan Source": U+202E shows "exe.txt" as "txt.exe"; isolates (U+2066-2069) likewise
    assert clean("report\u202etxt.exe") == "reporttxt.exe"
    assert clean("\u2066a\u2069 \u202ab\u202c") == "a b"
    assert clean("emoji \U0001f469\u200d\U0001f52c stays") == "emoji \U0001f469\u200d\U0001f52c stays"  # ZWJ kept
