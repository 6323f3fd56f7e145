"""arXiv's own RSS shape is read directly (no feedparser); anything else, or a feed that is cut or
malformed, falls back to feedparser, which keeps the complete items and says what went wrong."""

from __future__ import annotations

import time

import pytest

from cockpit.sources import arxiv as src
from cockpit.sources import arxiv_rss
from tests.papers import feeds


def _ids(parsed: src.Parsed) -> list[str]:
    return [p["arxiv_id"] for p in parsed.papers]


def test_arxiv_feed_read_directly_with_every_field():
    body = feeds.rss(
        [
            feeds.item("2611.00001", "Tumour H&E slides", abstract="Staining (H&E) vs IHC: a <SEP> token",
                       creator="Ada Lovelace, Alan Turing (Bletchley Park)", cats=("cs.CV", "cs.LG"), doi="10.1/x"),
            feeds.item("2101.00002", "A replacement", kind="replace", version=3),
        ]
    )  # fmt: skip
    assert arxiv_rss.parse(body) is not None  # the direct path, not feedparser
    parsed = src.parse_bytes(body, source="rss", fetched="2026-11-25T06:00:00Z")
    assert parsed.kind == "rss" and parsed.problems == [] and parsed.weekend_skip
    assert str(parsed.feed_date) == "2026-11-25" and parsed.title == "cs.LG updates on arXiv.org"
    first, second = parsed.papers
    assert first["title"] == "Tumour H&E slides"
    # the abstract comes back as written: feedparser read it as HTML ("H&amp;E", "<SEP>" dropped)
    assert first["abstract"] == "Staining (H&E) vs IHC: a <SEP> token"
    assert first["authors"] == ["Ada Lovelace", "Alan Turing"] and first["affiliations"] == [
        "",
        "Bletchley Park",
    ]
    assert first["categories"] == ["cs.CV", "cs.LG"] and first["primary"] == "cs.CV"
    assert first["doi"] == "10.1/x" and first["version"] == 1 and first["announced"] == "2026-11-25"
    assert (second["arxiv_id"], second["announce_type"], second["version"]) == ("2101.00002", "replace", 3)


def test_hostile_title_with_control_bytes_falls_back_and_is_kept_literally():
    body = feeds.rss([feeds.item("2611.00009", feeds.HOSTILE_TITLE, creator="Ünï Çødé (Ω Lab, Zürich)")])
    assert arxiv_rss.parse(body) is None  # control bytes are not XML: feedparser reads it, as before
    (p,) = src.parse_bytes(body).papers
    assert p["title"].startswith("[bold red]Pwned[/] [link=https://evil]x[/link]")
    assert p["authors"] == ["Ünï Çødé"] and p["affiliations"] == ["Ω Lab, Zürich"]


def test_half_written_feed_falls_back_and_keeps_the_complete_items():
    body = feeds.rss([feeds.item(f"2611.0000{i}", f"Paper {i}") for i in (1, 2, 3)])
    cut = body[: body.index(b"2611.00003v1 Announce") + 30]
    assert arxiv_rss.parse(cut) is None  # not well-formed: feedparser reads what it can
    parsed = src.parse_bytes(cut)
    assert _ids(parsed) == ["2611.00001", "2611.00002"]
    assert (
        parsed.problems[0].startswith("truncated feed") and "kept the 2 complete items" in parsed.problems[0]
    )


def test_feed_cut_after_the_head_is_reported_not_silently_empty():
    body = feeds.rss([feeds.item("2611.00001", "Paper")])
    cut = body[: body.index(b"<item>")]
    parsed = src.parse_bytes(cut)
    assert parsed.papers == [] and parsed.problems and "0" in parsed.problems[0]


def test_malformed_item_falls_back_and_the_other_items_are_kept():
    good = feeds.item("2611.00001", "Good paper")
    bad = feeds.item("2611.00002", "Bad").replace("<title>Bad</title>", "<title>Q&A unescaped</title>")
    body = feeds.rss([good, bad, feeds.item("2611.00003", "Third")])
    assert arxiv_rss.parse(body) is None
    parsed = src.parse_bytes(body)
    assert "2611.00001" in _ids(parsed) and parsed.problems and "feed" in parsed.problems[0]


def test_item_without_an_id_is_skipped_and_said():
    item = feeds.item("2611.00001", "No id").replace("<guid", "<x").replace("</guid>", "</x>")
    item = item.replace("<link>https://arxiv.org/abs/2611.00001</link>", "")
    item = item.replace("arXiv:2611.00001v1 Announce Type: new", "")
    body = feeds.rss([item, feeds.item("2611.00002", "Has one")])
    parsed = src.parse_bytes(body)
    assert _ids(parsed) == ["2611.00002"] and parsed.problems == ["skipped an item without an arXiv id"]


def test_a_feed_with_a_dtd_is_never_read_by_the_direct_parser():
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9))
    head = feeds.RSS_HEAD.format(cats="cs.LG", build="", pub="Wed, 25 Nov 2026 00:00:00 -0500")
    head = head.replace("<rss ", f'<!DOCTYPE rss [<!ENTITY l0 "ha">{laughs}]>\n<rss ', 1)
    body = (head + feeds.item("2611.00001", "&l8;") + feeds.RSS_TAIL).encode()
    assert not arxiv_rss.is_arxiv_rss(body)
    t0 = time.perf_counter()
    parsed = src.parse_bytes(body)
    assert time.perf_counter() - t0 < 5
    assert all(len(p["title"]) < 1000 for p in parsed.papers)


def test_other_rss_feeds_still_go_through_feedparser():
    body = feeds.rss([feeds.item("2611.00001", "Plain")]).replace(
        b'xmlns:arxiv="http://arxiv.org/schemas/atom" ', b""
    )
    body = body.replace(b"<arxiv:announce_type>new</arxiv:announce_type>", b"")
    assert arxiv_rss.parse(body) is None
    (p,) = src.parse_bytes(body).papers
    assert p["arxiv_id"] == "2611.00001" and p["title"] == "Plain" and p["announce_type"] == "new"


@pytest.mark.parametrize("n", [3000])
def test_a_big_week_parses_well_under_a_second(n):
    body = feeds.rss(
        [feeds.item(f"2611.{i:05d}", f"Paper {i}", abstract="word " * 150) for i in range(1, n + 1)]
    )
    t0 = time.perf_counter()
    parsed = src.parse_bytes(body)
    took = time.perf_counter() - t0
    assert len(parsed.papers) == n and took < 2.0, took
