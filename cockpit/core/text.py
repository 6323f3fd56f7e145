"""Make untrusted text safe to show: no escape sequences, no control characters.

Rich markup is neutralised by the UI layer (Content/Text objects, never markup strings);
this strips what a terminal would interpret.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # no `typing` import: `cockpit status` (status.py) cleans with this module
if TYPE_CHECKING:
    from typing import Any

# Patterns as strings: ``re`` compiles each once, on the first text that needs it (printable
# text never does), so importing this module stays cheap for `cockpit status`.
_ESCAPES = (
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS/SOS/PM/APC
    r"|\x1b."  # two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\)?"  # 8-bit OSC
    r"|[\x90\x98\x9e\x9f][^\x1b\x9c]*(?:\x9c|\x1b\\)?"  # 8-bit DCS/SOS/PM/APC
)
# C0/C1 controls, and the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069), which reorder the text around them on screen ("Trojan Source")
_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


def clean(text: str, max_len: int | None = None, keep_newlines: bool = False) -> str:
    """Remove escape sequences, control characters and bidirectional overrides; tabs become spaces."""
    text = str(text)
    if not text.isprintable():  # every escape, tab, newline and control character is unprintable
        text = re.sub(_ESCAPES, "", text)
        text = text.replace("\t", " ")
        if not keep_newlines:
            text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
        text = re.sub(_CONTROL, "", text)
    if max_len is not None and len(text) > max_len:
        text = text[: max(0, max_len - 1)] + "…"
    return text


def clean_tree(value: Any) -> Any:
    """A copy of JSON-like data with every string (keys too) cleaned, newlines kept."""
    if isinstance(value, str):
        return clean(value, keep_newlines=True)
    if isinstance(value, dict):
        return {clean_tree(k): clean_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_tree(v) for v in value]
    return value


def dumps_clean(value: Any, **kwargs: Any) -> str:
    """``json.dumps`` of ``value`` after :func:`clean_tree`: what the CLI prints as JSON, so that
    ``jq -r`` of a field never writes an escape sequence from the data to a terminal."""
    import json

    return json.dumps(clean_tree(value), **kwargs)
