"""The network path: the real feedparser and arxiv code against an HTTP server on 127.0.0.1."""

import datetime as dt

import pytest

from cockpit.sources import arxiv as src
from tests.papers import feeds


def client(server, delay=0.05, retries=2, timeout=2.0):
    return src.Client(f"{server.base}/rss/", f"{server.base}/api/query", delay, timeout, retries)


def test_rss_items_parsed_with_affiliations_doi_and_types(arxiv_server):
    arxiv_server.route(
        "/rss/cs.LG",
        feeds.rss(
            [
                feeds.item(
                    "2611.00001", "First", creator="A B, C D (Affil A, Affil B)", cats=("cs.LG", "cs.AI")
                ),
                feeds.item("2611.00002", "Cross", kind="cross", cats=("stat.ME", "cs.LG"), doi="10.1/XYZ"),
                feeds.item("2001.00003", "Replaced", kind="replace", version=3),
            ]
        ),
    )
    parsed = client(arxiv_server).fetch_rss("cs.LG")
    first, cross, repl = parsed.papers
    assert first["authors"] == ["A B", "C D"] and first["affiliations"] == ["", "Affil A, Affil B"]
    assert first["categories"] == ["cs.LG", "cs.AI"] and first["primary"] == "cs.LG"
    assert first["announced"] == "2026-11-25" and parsed.feed_date == dt.date(2026, 11, 25)
    assert cross["announce_type"] == "cross" and cross["doi"] == "10.1/XYZ" and cross["primary"] == "stat.ME"
    assert repl["announce_type"] == "replace" and repl["version"] == 3 and repl["arxiv_id"] == "2001.00003"
    assert parsed.problems == []


def test_http_400_fails_at_once_with_one_line(arxiv_server):
    arxiv_server.route("/rss/cs.XX", (400, b"<error/>", {}))
    with pytest.raises(src.HttpStatusError) as e:
        client(arxiv_server).fetch_rss("cs.XX")
    assert e.value.status == 400 and "HTTP 400" in str(e.value) and "\n" not in str(e.value)
    assert len(arxiv_server.requests) == 1  # no retry for a bad request


def test_429_and_503_are_retried_with_backoff_then_succeed(arxiv_server):
    ok = feeds.rss([feeds.item("2611.00001", "Fine")])
    arxiv_server.route("/rss/cs.LG", (429, b"slow down", {"Retry-After": "0"}), (503, b"", {}), (200, ok, {}))
    c = client(arxiv_server, delay=0.05, retries=3)
    parsed = c.fetch_rss("cs.LG")
    assert [p["title"] for p in parsed.papers] == ["Fine"]
    times = [t for t, _ in arxiv_server.requests]
    assert len(times) == 3
    # backoff: each wait at least the delay times 2**attempt
    assert times[1] - times[0] >= 0.05 and times[2] - times[1] >= 0.1


def test_5xx_exhausts_retries_with_a_clear_error(arxiv_server):
    arxiv_server.route("/rss/cs.LG", (502, b"", {}))
    with pytest.raises(src.HttpStatusError, match="HTTP 502"):
        client(arxiv_server, retries=2).fetch_rss("cs.LG")
    assert len(arxiv_server.requests) == 3


def test_dead_server_is_one_line_error(arxiv_server):
    c = src.Client("http://127.0.0.1:9/rss/", "http://127.0.0.1:9/api/query", 0.01, 1.0, 1)
    with pytest.raises(src.ArxivError, match="cannot reach arXiv"):
        c.fetch_rss("cs.LG")


def test_rate_limit_spaces_rss_and_api_requests_of_one_client(arxiv_server):
    arxiv_server.route("/rss/cs.LG", feeds.rss([]))
    arxiv_server.route("/api/query", feeds.api([]))
    c = client(arxiv_server, delay=0.3)
    c.fetch_rss("cs.LG")
    c.search("cat:cs.LG", max_results=5)
    c.fetch_rss("cs.LG")
    times = [t for t, _ in arxiv_server.requests]
    assert all(b - a >= 0.29 for a, b in zip(times, times[1:], strict=False))


def test_weekend_feed_is_empty_not_an_error(arxiv_server):
    arxiv_server.route("/rss/cs.LG", feeds.empty_rss())
    parsed = client(arxiv_server).fetch_rss("cs.LG")
    assert parsed.papers == [] and parsed.problems == [] and parsed.weekend_skip


def test_truncated_feed_keeps_complete_items_only(arxiv_server):
    body = feeds.rss(
        [feeds.item("2611.00001", "One"), feeds.item("2611.00002", "Two"), feeds.item("2611.00003", "Three")]
    )
    cut = body[: body.index(b"2611.00003v1 Announce") + 30]
    arxiv_server.route("/rss/cs.LG", cut)
    parsed = client(arxiv_server).fetch_rss("cs.LG")
    assert [p["arxiv_id"] for p in parsed.papers] == ["2611.00001", "2611.00002"]
    assert parsed.problems and parsed.problems[0].startswith("truncated feed")


def test_garbage_is_refused(arxiv_server):
    arxiv_server.route("/rss/cs.LG", b"<html><body>Service unavailable</body></html>")
    with pytest.raises(src.ArxivError, match="not an arXiv"):
        client(arxiv_server).fetch_rss("cs.LG")


def test_hostile_title_is_kept_literally(arxiv_server):
    arxiv_server.route(
        "/rss/cs.LG",
        feeds.rss([feeds.item("2611.00009", feeds.HOSTILE_TITLE, creator="Ünï Çødé (Ω Lab, Zürich)")]),
    )
    parsed = client(arxiv_server).fetch_rss("cs.LG")
    (p,) = parsed.papers
    assert p["title"].startswith("[bold red]Pwned[/] [link=https://evil]x[/link]")
    assert "$\\omega$-Test für Ωmega" in p["title"]
    assert p["authors"] == ["Ünï Çødé"] and p["affiliations"] == ["Ω Lab, Zürich"]


def test_api_search_through_the_arxiv_package_with_paging(arxiv_server):
    entries = [
        feeds.api_entry(f"2611.{i:05d}", f"Paper {i}", authors=(("Jörg Müller", "TU Wien"),))
        for i in range(5)
    ]
    arxiv_server.route(
        "/api/query",
        (200, feeds.api(entries[:3], total=5), {}),
        (200, feeds.api(entries[3:], total=5, start=3), {}),
    )
    parsed = client(arxiv_server).search("cat:cs.LG", max_results=5, page_size=3)
    assert [p["title"] for p in parsed.papers] == [f"Paper {i}" for i in range(5)]
    assert parsed.papers[0]["authors"] == ["Jörg Müller"] and parsed.papers[0]["affiliations"] == ["TU Wien"]
    assert "start=3" in arxiv_server.paths()[1]


def test_api_empty_results_and_empty_later_page(arxiv_server):
    arxiv_server.route("/api/query", feeds.api([], total=0))
    assert client(arxiv_server).search("cat:cs.XX").papers == []
    entries = [feeds.api_entry("2611.00001", "Only")]
    arxiv_server.route(
        "/api/query", (200, feeds.api(entries, total=4), {}), (200, feeds.api([], total=4), {})
    )
    parsed = client(arxiv_server).search("cat:cs.LG", max_results=4, page_size=1)
    assert [p["title"] for p in parsed.papers] == ["Only"]
    assert "empty page" in parsed.problems[0]


def test_api_bad_id_400_says_why(arxiv_server):
    arxiv_server.route("/api/query", (400, feeds.API_ERROR_400, {}))
    with pytest.raises(src.HttpStatusError, match="incorrect id format for abc"):
        client(arxiv_server).search(ids=["abc"])


def test_backfill_queries_the_submission_window(arxiv_server):
    arxiv_server.route("/api/query", feeds.api([feeds.api_entry("2611.00007", "Missed")]))
    parsed = client(arxiv_server).backfill("cs.LG", dt.date(2026, 11, 23))  # a Monday
    assert parsed.papers[0]["announced"] == "2026-11-23"
    q = arxiv_server.paths()[0]
    assert (
        "submittedDate" in q and "202611191900" in q and "202611201900" in q
    )  # Thu 14:00 ET to Fri 14:00 ET


def test_same_parser_for_ingest_of_api_and_rss():
    p = src.parse_bytes(feeds.api([feeds.api_entry("2611.00001", "X\n   wrapped  title", doi="10.5/abc")]))
    assert p.kind == "api" and p.papers[0]["title"] == "X wrapped title" and p.papers[0]["doi"] == "10.5/abc"
    p = src.parse_bytes(feeds.API_ERROR_400)
    assert p.papers == [] and p.problems == ["arXiv API error: incorrect id format for abc"]


LISTING = r"""------------------------------------------------------------------------------
 received from  Wed 25 Nov 26 19:00:00 GMT  to  Fri 27 Nov 26 19:00:00 GMT
------------------------------------------------------------------------------
\\
arXiv:2611.00042
Date: Wed, 25 Nov 2026 10:00:00 GMT   (10kb)

Title: A wrapped title about
  [bold]markup[/bold] and $\alpha$
Authors: Tr\'e Guillory (Lab A, Lab B), Zoë Q
Categories: cs.LG stat.ML
\\
  An abstract that is
wrapped.
\\ ( https://arxiv.org/abs/2611.00042 ,  10kb)
------------------------------------------------------------------------------
"""


def test_mailing_list_text_is_ingested():
    parsed = src.parse_bytes(LISTING.encode())
    (p,) = parsed.papers
    assert p["title"] == "A wrapped title about [bold]markup[/bold] and $\\alpha$"
    assert p["authors"] == ["Tr\\'e Guillory", "Zoë Q"] and p["affiliations"] == ["Lab A, Lab B", ""]
    assert p["categories"] == ["cs.LG", "stat.ML"] and p["abstract"] == "An abstract that is wrapped."
    assert p["announced"] == "2026-11-30"  # mailing of Fri evening: announced Monday
    assert p["published"] == "2026-11-25"


def test_metadata_json_lines_with_a_bad_line():
    data = (
        b'{"id": "0704.0001", "title": "T\\n  wrapped", "authors": "A B and C D", "categories": "hep-ph",'
        b' "abstract": " x ", "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}]}\n'
        b"{broken\n"
    )
    parsed = src.parse_bytes(data)
    (p,) = parsed.papers
    assert p["title"] == "T wrapped" and p["authors"] == ["A B", "C D"] and p["announced"] == "2007-04-02"
    assert parsed.problems == ["line 2: skipped (JSONDecodeError)"]


def test_empty_file_is_refused():
    with pytest.raises(src.ArxivError, match="empty file"):
        src.parse_bytes(b"  \n")


def test_one_shared_client_per_process(ctx):
    a = src.shared(ctx.config.papers)
    assert src.shared(ctx.config.papers) is a
    assert a.delay_s == 3.0 and a.timeout_s == 20.0 and a.retries == 3  # the defaults


ATOM_FEED = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>http://rss.arxiv.org/atom/cs.LG</id>
  <title>cs.LG updates on arXiv.org</title>
  <updated>2026-11-25T05:00:00Z</updated>
  <published>2026-11-25T00:00:00-05:00</published>
  <entry>
    <id>oai:arXiv.org:2611.00077v2</id>
    <title>An Atom entry</title>
    <updated>2026-11-25T05:00:00Z</updated>
    <link href="https://arxiv.org/abs/2611.00077" rel="alternate" type="text/html"/>
    <summary>arXiv:2611.00077v2 Announce Type: replace-cross\x20
Abstract: Atom abstract.</summary>
    <category term="stat.ML"/><category term="cs.LG"/>
    <published>2026-11-25T00:00:00-05:00</published>
    <arxiv:announce_type>replace-cross</arxiv:announce_type>
    <author><name>Ann Lee</name></author><author><name>Bo Chen</name></author>
  </entry>
</feed>
"""


def test_atom_feed_from_rss_arxiv_org():
    parsed = src.parse_bytes(ATOM_FEED)
    (p,) = parsed.papers
    assert parsed.kind == "atom"
    assert (p["arxiv_id"], p["version"], p["announce_type"]) == ("2611.00077", 2, "replace-cross")
    assert p["authors"] == ["Ann Lee", "Bo Chen"] and p["categories"] == ["stat.ML", "cs.LG"]
    assert p["abstract"] == "Atom abstract." and p["announced"] == "2026-11-25"


def test_negative_settings_are_clamped():
    c = src.Client("http://127.0.0.1:9/rss", "http://127.0.0.1:9/api", delay_s=-1, timeout_s=0, retries=-2)
    assert (c.delay_s, c.timeout_s, c.retries) == (0.0, 20.0, 0) and c.rss_url.endswith("/rss/")
