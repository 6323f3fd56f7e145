"""The one shared list of hostile strings every sweep test puts into every text field."""

from __future__ import annotations

ESC = "\x1b"
MARKUP = "[bold red]boom[/]"
LINK = "[link=https://evil.example]x[/link]"
CLOSE = "[/]"
CSI_COLOUR = "\x1b[31mred\x1b[0m"
CURSOR = "\x1b[2J\x1b[H\x1b[10;10Hmoved"
OSC_TITLE = "\x1b]0;pwned-title\x07t"
OSC8 = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
OSC52 = "\x1b]52;c;cHduZWQ=\x07clip"
DCS = "\x1bPq#0;2;0;0;0#0~~\x1b\\dcs"
LONG = "L" * 10_000
RTL = "\u202eعربي עברית evil\u202c"
WIDE = "漢字テスト🚀🎉👩‍💻"
NUL = "nul\x00byte\x00"
C1 = "\x9b31mc1\x9d0;c1-title\x9c"  # 8-bit CSI and OSC: some terminals obey them too

HOSTILE: dict[str, str] = {
    "markup": MARKUP,
    "link": LINK,
    "close": CLOSE,
    "csi": CSI_COLOUR,
    "cursor": CURSOR,
    "osc_title": OSC_TITLE,
    "osc8": OSC8,
    "osc52": OSC52,
    "dcs": DCS,
    "long": LONG,
    "rtl": RTL,
    "wide": WIDE,
    "nul": NUL,
    "c1": C1,
}

# One value holding a bit of everything (fields that take a single string).
ALL_IN_ONE = " ".join(v for k, v in HOSTILE.items() if k != "long") + " " + "L" * 300

# What must survive literally (after cleaning) of each hostile value: a visible marker.
VISIBLE = {
    "markup": "[bold red]boom[/]",
    "link": "[link=https://evil.example]x[/link]",
    "close": "[/]",
    "csi": "red",
    "cursor": "moved",
    "osc_title": "t",
    "osc8": "click",
    "osc52": "clip",
    "dcs": "dcs",
    "wide": "漢字テスト",
    "nul": "nulbyte",
    "c1": "c1",
}

# Sequences from the data that must never reach a terminal.
FORBIDDEN = ("\x1b]0;", "\x1b]2;", "\x1b]52;", "\x1bP", "pwned-title", "cHduZWQ=", "evil.example\x1b")


def control_bytes(text: str, allow_sgr: bool = False) -> list[str]:
    """Control characters in ``text`` other than newline/tab (and, with allow_sgr, cockpit's
    own SGR colour sequences ``ESC [ ... m``)."""
    import re

    if allow_sgr:
        text = re.sub(r"\x1b\[[0-9;:]*m", "", text)
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]
