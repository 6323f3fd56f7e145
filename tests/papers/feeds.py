"""Feed documents the tests write themselves (shapes from ../shared/notes/formats.md)."""

from __future__ import annotations

from xml.sax.saxutils import escape

SPACE = " "  # arXiv puts a space before the newline in <description>
RSS_HEAD = """<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
  <channel>
    <title>{cats} updates on arXiv.org</title>
    <link>http://rss.arxiv.org/rss/{cats}</link>
    <description>{cats} updates</description>
    <lastBuildDate>{build}</lastBuildDate>
    <pubDate>{pub}</pubDate>
    <skipDays><day>Sunday</day><day>Saturday</day></skipDays>
"""
RSS_TAIL = "  </channel>\n</rss>\n"


def item(
    aid: str,
    title: str,
    abstract: str = "An abstract.",
    creator: str = "Ada Lovelace",
    cats: tuple[str, ...] = ("cs.LG",),
    kind: str = "new",
    version: int = 1,
    pub: str = "Wed, 25 Nov 2026 00:00:00 -0500",
    doi: str = "",
) -> str:
    tags = "".join(f"<category>{c}</category>" for c in cats)
    doi_el = f"<arxiv:DOI>{doi}</arxiv:DOI>" if doi else ""
    return f"""    <item>
      <title>{escape(title)}</title>
      <link>https://arxiv.org/abs/{aid}</link>
      <description>arXiv:{aid}v{version} Announce Type: {kind}{SPACE}
Abstract: {escape(abstract)}</description>
      <guid isPermaLink="false">oai:arXiv.org:{aid}v{version}</guid>
      {tags}
      <pubDate>{pub}</pubDate>
      <arxiv:announce_type>{kind}</arxiv:announce_type>
      {doi_el}
      <dc:creator>{escape(creator)}</dc:creator>
    </item>
"""


def rss(items: list[str], cats: str = "cs.LG", pub: str = "Wed, 25 Nov 2026 00:00:00 -0500") -> bytes:
    head = RSS_HEAD.format(cats=cats, build="Wed, 25 Nov 2026 06:00:00 +0000", pub=pub)
    return (head + "".join(items) + RSS_TAIL).encode()


def empty_rss(cats: str = "cs.LG", pub: str = "Sat, 28 Nov 2026 00:00:00 -0500") -> bytes:
    return rss([], cats, pub)


API_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>https://arxiv.org/api/x</id>
  <title>arXiv Query: search_query=x</title>
  <updated>2026-11-25T00:00:00Z</updated>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
  <opensearch:itemsPerPage>{n}</opensearch:itemsPerPage>
"""


def api_entry(
    aid: str,
    title: str,
    abstract: str = "An abstract.",
    authors: tuple[tuple[str, str], ...] = (("Ada Lovelace", ""),),
    cats: tuple[str, ...] = ("cs.LG",),
    version: int = 1,
    published: str = "2026-11-23T10:00:00Z",
    doi: str = "",
) -> str:
    auth = "".join(
        f"<author><name>{escape(n)}</name>{f'<arxiv:affiliation>{escape(a)}</arxiv:affiliation>' if a else ''}</author>"
        for n, a in authors
    )
    tags = "".join(f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in cats)
    doi_el = f"<arxiv:doi>{doi}</arxiv:doi>" if doi else ""
    return f"""  <entry>
    <id>https://arxiv.org/abs/{aid}v{version}</id>
    <title>{escape(title)}</title>
    <updated>{published}</updated>
    <published>{published}</published>
    <summary>{escape(abstract)}</summary>
    {auth}
    {doi_el}
    <arxiv:primary_category term="{cats[0]}"/>
    {tags}
    <link href="https://arxiv.org/abs/{aid}v{version}" rel="alternate" type="text/html"/>
  </entry>
"""


def api(entries: list[str], total: int | None = None, start: int = 0) -> bytes:
    total = len(entries) if total is None else total
    return (
        API_HEAD.format(total=total, start=start, n=len(entries)) + "".join(entries) + "</feed>\n"
    ).encode()


API_ERROR_400 = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <id>https://arxiv.org/api/x</id><title>arXiv Query: id_list=abc</title><updated>2026-11-25T00:00:00Z</updated>
  <opensearch:totalResults>1</opensearch:totalResults>
  <entry><id>https://arxiv.org/api/errors#incorrect_id_format_for_abc</id><title>Error</title>
  <summary>incorrect id format for abc</summary><updated>2026-11-25T00:00:00Z</updated></entry>
</feed>
"""

HOSTILE_TITLE = (
    "[bold red]Pwned[/] [link=https://evil]x[/link] \x1b[31mred\x1b]0;title\x07 $\\omega$-Test für Ωmega"
)
