"""Reading a user's own library for a cold start: BibTeX (Zotero, Better BibTeX), a Zotero CSV
export, or a plain list of arXiv ids / URLs (one a line, ``#`` comments). Pure: text in, ids out.

``read_library(text)`` returns the versionless arXiv ids with the line each came from, and how
many entries had no arXiv id (a journal paper in a Zotero library is not an error). Bad input
raises ``ImportProblem`` naming the line: a malformed BibTeX entry, a line of a list that is not
an arXiv id, an empty file, the same paper twice.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from cockpit.core.papers_text import find_id, is_valid_id, strip_version


class ImportProblem(ValueError):
    """What is wrong with the file, naming its line (one line of text)."""


@dataclass
class Library:
    kind: str  # "bibtex" | "csv" | "list"
    ids: list[tuple[str, int]] = field(default_factory=list)  # (versionless id, line)
    without_id: int = 0  # entries with no arXiv id (skipped)


_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
_DOI = re.compile(r"10\.48550/arxiv\.(.+)$", re.I)


def _arxiv_in(text: str) -> str | None:
    """An arXiv id inside one field (an id, ``arXiv:...``, an abs/pdf URL, the arXiv DOI)."""
    text = " ".join(text.replace("{", "").replace("}", "").split())
    if not text:
        return None
    m = _DOI.search(text)
    if m:
        text = m.group(1)
    found = find_id(text)
    return strip_version(found) if found else None


def _field_id(fields: dict[str, str]) -> str | None:
    """The entry's arXiv id: ``eprint`` (an arXiv one), ``arxiv``/``arxivid``, an arXiv URL or DOI,
    a ``journal = {arXiv preprint arXiv:...}`` note."""
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    if "eprint" in fields and prefix in ("", "arxiv"):
        found = _arxiv_in(fields["eprint"])
        if found:
            return found
    for key in ("arxiv", "arxivid", "arxiv_id"):
        if key in fields and (found := _arxiv_in(fields[key])):
            return found
    for key in ("url", "doi", "howpublished", "note", "journal", "archiveprefix"):
        value = fields.get(key, "")
        if "arxiv" in value.lower() and (found := _arxiv_in(value)):
            return found
    return None


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _value_end(text: str, i: int, entry_line: int) -> tuple[str, int]:
    """One field value from ``text[i]``: ``{...}`` (nested), ``"..."`` or a bare word/number,
    possibly joined with ``#``. Returns (value, index after it)."""
    parts = []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            raise ImportProblem(f"line {entry_line}: the entry ends inside a field value")
        ch = text[i]
        if ch == "{":
            depth, j = 0, i
            while j < len(text):
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            else:
                raise ImportProblem(f"line {_line_at(text, i)}: unbalanced braces in a field value")
            parts.append(text[i + 1 : j])
            i = j + 1
        elif ch == '"':
            j = i + 1
            depth = 0
            while j < len(text) and not (text[j] == '"' and depth == 0):
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            if j >= len(text):
                raise ImportProblem(f"line {_line_at(text, i)}: a quoted field value is not closed")
            parts.append(text[i + 1 : j])
            i = j + 1
        else:
            m = re.compile(r"[A-Za-z0-9_.:+/-]+").match(text, i)
            if not m:
                raise ImportProblem(f"line {_line_at(text, i)}: expected a field value, found {ch!r}")
            parts.append(m.group(0))
            i = m.end()
        while i < len(text) and text[i].isspace():
            i += 1
        if i < len(text) and text[i] == "#":
            i += 1
            continue
        return "".join(parts), i


def _bibtex(text: str) -> Library:
    lib = Library("bibtex")
    pos = 0
    while True:
        m = _ENTRY.search(text, pos)
        if not m:
            break
        kind, close = m.group(1).lower(), "}" if m.group(2) == "{" else ")"
        line = _line_at(text, m.start())
        i = m.end()
        if kind in ("comment", "preamble", "string"):
            depth, j = 1, i
            while j < len(text) and depth:
                depth += {"{": 1, "(": 1, "}": -1, ")": -1}.get(text[j], 0)
                j += 1
            if depth:
                raise ImportProblem(f"line {line}: @{kind} is not closed")
            pos = j
            continue
        km = re.compile(r"\s*([^,\s{}()=]+)\s*,").match(text, i)
        if not km:
            raise ImportProblem(f"line {line}: @{kind} entry has no citation key followed by a comma")
        i = km.end()
        fields: dict[str, str] = {}
        while True:
            while i < len(text) and (text[i].isspace() or text[i] == ","):
                i += 1
            if i >= len(text):
                raise ImportProblem(f"line {line}: entry {km.group(1)} is not closed")
            if text[i] == close:
                i += 1
                break
            fm = re.compile(r"([A-Za-z][\w.:-]*)\s*=").match(text, i)
            if not fm:
                raise ImportProblem(
                    f"line {_line_at(text, i)}: entry {km.group(1)}: expected `name = value`, "
                    f"found {text[i : i + 20].splitlines()[0]!r}"
                )
            value, i = _value_end(text, fm.end(), line)
            fields[fm.group(1).lower()] = value
        found = _field_id(fields)
        if found:
            lib.ids.append((found, line))
        else:
            lib.without_id += 1
        pos = i
    return lib


_CSV_FIELDS = ("Url", "Extra", "DOI", "Archive Location", "Report Number", "Publication Title")


def _csv(text: str) -> Library:
    lib = Library("csv")
    rows = csv.DictReader(io.StringIO(text))
    for row in rows:
        line = rows.line_num
        found = None
        for key in _CSV_FIELDS:
            value = row.get(key) or ""
            if key in ("Url", "Archive Location") or "arxiv" in value.lower():
                found = _arxiv_in(value) if ("arxiv" in value.lower() or is_valid_id(value)) else None
            if found:
                break
        if found:
            lib.ids.append((found, line))
        else:
            lib.without_id += 1
    return lib


def _list(text: str) -> Library:
    lib = Library("list")
    for n, raw in enumerate(text.splitlines(), 1):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        bare = re.sub(r"^arxiv:\s*", "", s, flags=re.I)
        found = find_id(bare)
        if not found or not (is_valid_id(bare) or "arxiv.org/" in s.lower()):
            raise ImportProblem(f"line {n}: not an arXiv id or URL: {s[:60]!r}")
        lib.ids.append((strip_version(found), n))
    return lib


def read_library(text: str) -> Library:
    """The arXiv ids of a BibTeX file, a Zotero CSV or a list; ImportProblem on bad input."""
    if not text.strip():
        raise ImportProblem("the file is empty")
    first = text.lstrip("\ufeff").lstrip().splitlines()[0]
    if re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]", text, re.M):
        lib = _bibtex(text)
    elif first.startswith(('"Key"', "Key,")) or ("Item Type" in first and "," in first):
        lib = _csv(text.lstrip("\ufeff"))
    else:
        lib = _list(text)
    if not lib.ids and not lib.without_id:
        raise ImportProblem("the file holds no entries")
    seen: dict[str, int] = {}
    for aid, line in lib.ids:
        if aid in seen:
            raise ImportProblem(f"line {line}: {aid} is a duplicate of line {seen[aid]}")
        seen[aid] = line
    return lib
