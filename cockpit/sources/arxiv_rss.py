"""A direct parser of arXiv's own RSS 2.0 shape (rss.arxiv.org), about ten times faster than
feedparser on a big week.

It reads only documents it recognises: an ``<rss>`` root that declares arXiv's namespace, no DTD
(so no entity can be declared or expanded), well-formed XML with one ``<channel>``. Anything else,
including a truncated or malformed document, returns None and the caller falls back to
feedparser, which reports what it could not read and keeps the complete items. Each ``<item>``
becomes the same entry mapping feedparser gives, so one function (``arxiv_parse._paper_from_entry``)
turns both into paper docs.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree as ET

ARXIV_NS = "http://arxiv.org/schemas/atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
_A = "{" + ARXIV_NS + "}"
_DC = "{" + DC_NS + "}"
_ROOT = re.compile(rb"<rss[\s>]")


def is_arxiv_rss(data: bytes) -> bool:
    """arXiv's RSS shape, safe to read with expat: an <rss> root declaring arXiv's namespace, no DTD."""
    head = data[:4096]
    return bool(_ROOT.search(head)) and ARXIV_NS.encode() in head and b"<!DOCTYPE" not in data.upper()


def _text(el: ET.Element | None) -> str:
    return "" if el is None else "".join(el.itertext())


def parse(data: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """(feed fields, entries) as feedparser names them, or None when this is not arXiv's shape."""
    if not is_arxiv_rss(data):
        return None
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    channels = root.findall("channel")
    if root.tag != "rss" or len(channels) != 1:
        return None
    ch = channels[0]
    feed = {
        "title": _text(ch.find("title")),
        "published": _text(ch.find("pubDate")),
        "updated": _text(ch.find("lastBuildDate")),
        "skipdays": " ".join(_text(d) for d in ch.iterfind("skipDays/day")),
    }
    entries = []
    for it in ch.iterfind("item"):
        creators = [_text(c) for c in it.iterfind(_DC + "creator")]
        entries.append(
            {
                "id": _text(it.find("guid")),
                "link": _text(it.find("link")),
                "title": _text(it.find("title")),
                "summary": _text(it.find("description")),
                "authors": [{"name": c} for c in creators if c],
                "tags": [{"term": _text(c)} for c in it.iterfind("category")],
                "published": _text(it.find("pubDate")),
                "arxiv_announce_type": _text(it.find(_A + "announce_type")),
                "arxiv_doi": _text(it.find(_A + "DOI")),
                "arxiv_journal_reference": _text(it.find(_A + "journal_reference")),
            }
        )
    return feed, entries
