"""Parse every file of the corpus arxiv folder with the parser the network path uses."""

from __future__ import annotations

import csv
import re
import tarfile
from pathlib import Path

import pytest

from cockpit.core import papers as core
from cockpit.core import ranking
from cockpit.core.papers import Paper
from cockpit.sources import arxiv as src

pytestmark = pytest.mark.realworld


def arxiv_dir(corpus: Path) -> Path:
    return corpus / "arxiv"


def check_paper(p: dict) -> None:
    assert core.is_valid_id(p["arxiv_id"]) and core.version_of(p["arxiv_id"]) is None, p["arxiv_id"]
    assert p["title"] and p["title"] == " ".join(p["title"].split())
    assert "  " not in p["abstract"] and "\n" not in p["abstract"]
    assert len(p["authors"]) == len(p["affiliations"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", p["announced"]), p
    assert p["link"] == f"https://arxiv.org/abs/{p['arxiv_id']}"


def test_every_api_fixture_matches_its_manifest(corpus):
    folder = arxiv_dir(corpus) / "api" / "arxiv.py-fixtures"
    rows = list(csv.DictReader((folder / "MANIFEST.tsv").open(), delimiter="\t"))
    assert len(rows) == 21
    for row in rows:
        parsed = src.parse_bytes((folder / row["file"]).read_bytes())
        assert parsed.kind == "api"
        if row["http_status"] == "400":
            assert parsed.papers == [] and parsed.problems == ["arXiv API error: incorrect id format for abc"]
            continue
        assert len(parsed.papers) == int(row["entries"]), row["file"]
        for p in parsed.papers:
            check_paper(p)


def test_big_api_page_details(corpus):
    parsed = src.parse_bytes(
        next((arxiv_dir(corpus) / "api" / "arxiv.py-fixtures").glob("q_testing_s0_m100_*")).read_bytes()
    )
    ps = parsed.papers
    assert len(ps) == 100 and parsed.total == 214881
    assert sum(1 for p in ps if p["doi"]) == 32
    assert sum(1 for p in ps if "/" in p["arxiv_id"]) == 3
    assert any("$ω$Test" in p["title"] for p in ps)
    assert sum(1 for p in ps if any(ord(ch) > 127 for a in p["authors"] for ch in a)) >= 10
    assert sum(1 for p in ps if any(p["affiliations"])) >= 1
    assert all(p["primary"] == p["categories"][0] for p in ps)


def test_odd_api_cases(corpus):
    folder = arxiv_dir(corpus) / "api" / "arxiv.py-fixtures"
    (zero,) = src.parse_bytes(next(folder.glob("id_2104.12255v1_*")).read_bytes()).papers
    assert zero["title"] == "0" and zero["version"] == 1
    (old,) = src.parse_bytes(next(folder.glob("id_astro-ph_0601001_*")).read_bytes()).papers
    assert old["arxiv_id"] == "astro-ph/0601001" and old["journal_ref"]
    assert not old["abstract"].startswith(" ")
    assert src.parse_bytes(next(folder.glob("id_0000.0000_*")).read_bytes()).papers == []


def test_legacy_and_2026_api(corpus):
    legacy = arxiv_dir(corpus) / "api" / "legacy-2020-2025"
    (z,) = src.parse_bytes((legacy / "zoia_id_1601.00001_2020-09-04.xml").read_bytes()).papers
    assert z["arxiv_id"] == "1601.00001" and z["doi"] and 'Landauer-B\\"uttiker' in z["abstract"]
    xiv = src.parse_bytes((legacy / "xiv_cat-cs.RO-neural_2025-10-17.xml").read_bytes())
    assert len(xiv.papers) == 2 and xiv.total == 5619
    assert any({"cs.SY", "eess.SY"} <= set(p["categories"]) for p in xiv.papers)
    new = src.parse_bytes(next((arxiv_dir(corpus) / "api" / "new-2026").glob("*.xml")).read_bytes())
    assert len(new.papers) == 3 and any(p["primary"] == "cs.SE" for p in new.papers)
    for p in xiv.papers + new.papers + [z]:
        check_paper(p)


def test_rss_2024plus_feed(corpus):
    (f,) = (arxiv_dir(corpus) / "rss-2024plus").glob("*.xml")
    parsed = src.parse_bytes(f.read_bytes(), source="rss")
    assert parsed.kind == "rss" and parsed.weekend_skip and parsed.problems == []
    assert str(parsed.feed_date) == "2026-09-24"
    types = [(p["arxiv_id"], p["announce_type"], p["version"]) for p in parsed.papers]
    assert types == [
        ("2609.26811", "new", 1),
        ("2609.26820", "new", 1),
        ("2205.06398", "cross", 2),
        ("2009.13987", "replace", 3),
    ]
    cross = parsed.papers[2]
    assert cross["doi"] == "10.1093/bioinformatics/btac431" and cross["categories"][0] == "stat.ME"
    assert parsed.papers[1]["authors"] == ["Naser Mansour", "Sidahmed Benabderrahmane", "Ameer Rahwan"]
    for p in parsed.papers:
        check_paper(p)
        assert p["announced"] == "2026-09-24"
    merge = core.merge_week([], parsed.papers, kept=set())
    assert [p["arxiv_id"] for p in merge.inserts] == [
        "2609.26811",
        "2609.26820",
        "2205.06398",
    ] and merge.ignored == 1


def test_email_listings(corpus):
    counts = {}
    for f in sorted((arxiv_dir(corpus) / "email-listing").glob("*.txt")):
        parsed = src.parse_bytes(f.read_bytes())
        assert parsed.kind == "listing" and parsed.problems == []
        assert str(parsed.feed_date) == f.stem
        counts[f.name] = len(parsed.papers)
        for p in parsed.papers:
            check_paper(p)
            assert p["abstract"] and not p["abstract"].startswith("\\\\") and "kb)" not in p["abstract"][-10:]
    assert counts == {"2026-01-23.txt": 5, "2026-01-26.txt": 10}
    text = " ".join(
        a
        for f in (arxiv_dir(corpus) / "email-listing").glob("*.txt")
        for p in src.parse_bytes(f.read_bytes()).papers
        for a in p["authors"]
    )
    assert "Tr\\'e Guillory" in text  # TeX accents kept as is


def test_metadata_jsonl(corpus):
    meta = arxiv_dir(corpus) / "metadata"
    kaggle = src.parse_bytes((meta / "kaggle-oai-snapshot_head200.jsonl").read_bytes())
    assert len(kaggle.papers) == 200 and kaggle.problems == []
    assert (
        kaggle.papers[0]["authors"][0] == "C. Bal\\'azs"
        and kaggle.papers[0]["doi"] == "10.1103/PhysRevD.76.013009"
    )
    abs_ = src.parse_bytes((meta / "arxiv-browse-abs_current.jsonl").read_bytes())
    assert len(abs_.papers) == 1131 and abs_.problems == []
    for p in kaggle.papers + abs_.papers:
        check_paper(p)
    # the whole sample ranks, every paper explained by terms it contains
    out = ranking.rank(
        [Paper.from_doc(p) for p in abs_.papers],
        ranking.Profile(keywords=["lyapunov", "neural network"], categories=["cs.LG"]),
    )
    assert len(out) == 1131 and out[0].why
    top = out[0].paper
    assert any(w.lower() in (top.title + top.abstract).lower() or w in top.categories for w in out[0].why)


def test_every_abs_file_in_the_tarball(corpus):
    ok = with_cats = 0
    empty = []
    with tarfile.open(arxiv_dir(corpus) / "metadata" / "arxiv-browse-abs_raw.tar.gz") as t:
        for m in t.getmembers():
            if not m.isfile() or not m.name.endswith(".abs"):
                continue
            data = t.extractfile(m).read()
            if not data.strip():
                with pytest.raises(src.ArxivError, match="empty file"):
                    src.parse_bytes(data)
                empty.append(m.name)
                continue
            (p,) = src.parse_bytes(data).papers
            check_paper(p)
            ok += 1
            with_cats += bool(p["categories"])
    assert (
        ok == 1191 and with_cats >= 1170 and empty == ["arxiv-browse-abs/ftp/math-ph/papers/0509/0509037.abs"]
    )


def test_ingest_the_whole_folder_into_a_store(corpus, ctx):
    from cockpit.services import papers as svc

    files = [str(f) for f in sorted((arxiv_dir(corpus)).rglob("*")) if f.suffix in (".xml", ".txt", ".jsonl")]
    rep, lines = svc.ingest(ctx, files)
    assert any("API error" in line for line in lines)
    parsed_ids = {
        p["arxiv_id"]
        for f in files
        for p in src.parse_bytes(Path(f).read_bytes()).papers
        if p["announce_type"] != "replace"
    }
    stored = [p["arxiv_id"] for p in svc.papers(ctx).all()]
    assert set(stored) == parsed_ids and rep.added == len(stored) > 1200
    # deduplicated on the versionless id within each week
    for week in svc.papers(ctx).parts():
        ids = [p.arxiv_id for p in svc.week_papers(ctx, week)]
        assert len(ids) == len(set(ids))


def test_rss_2024plus_feed_is_read_by_the_direct_parser(corpus):
    from cockpit.sources import arxiv_rss

    (f,) = (arxiv_dir(corpus) / "rss-2024plus").glob("*.xml")
    assert arxiv_rss.parse(f.read_bytes()) is not None


def test_every_ranking_record_round_trips_through_an_arxiv_rss_day(corpus):
    """The 11,089 real records of the ranking data set, one RSS document a day as rss.arxiv.org
    writes it: every id, title, abstract, author and category comes back as written."""
    import datetime as dt
    import gzip
    import json
    from xml.sax.saxutils import escape

    from cockpit.sources import arxiv_rss

    with gzip.open(arxiv_dir(corpus) / "ranking" / "ml_arxiv_hf_2025Q4.jsonl.gz", "rt") as fh:
        recs = [json.loads(line) for line in fh]
    by_day: dict[str, list[dict]] = {}
    for r in recs:
        by_day.setdefault(r["date"], []).append(r)
    seen = 0
    for day, rs in by_day.items():
        pub = dt.date.fromisoformat(day).strftime("%a, %d %b %Y 00:00:00 -0400")
        items = "".join(
            f"<item><title>{escape(r['title'])}</title><link>https://arxiv.org/abs/{r['id']}</link>"
            f"<description>arXiv:{r['id']}v1 Announce Type: new \nAbstract: {escape(r['abstract'])}</description>"
            f'<guid isPermaLink="false">oai:arXiv.org:{r["id"]}v1</guid>'
            + "".join(f"<category>{c}</category>" for c in r["categories"])
            + f"<pubDate>{pub}</pubDate><arxiv:announce_type>new</arxiv:announce_type>"
            f"<dc:creator>{escape(', '.join(r['authors']))}</dc:creator></item>"
            for r in rs
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel><title>t</title>'
            f"<pubDate>{pub}</pubDate>{items}</channel></rss>"
        ).encode()
        assert arxiv_rss.parse(body) is not None, day
        parsed = src.parse_bytes(body)
        assert parsed.problems == [] and len(parsed.papers) == len(rs), day
        for r, p in zip(rs, parsed.papers, strict=True):
            check_paper(p)
            assert p["arxiv_id"] == r["id"] and p["announced"] == day
            assert p["title"] == " ".join(r["title"].split())
            assert p["abstract"] == " ".join(r["abstract"].split())
            assert p["categories"] == r["categories"]
            if not any("," in a or "(" in a or " and " in a for a in r["authors"]):
                assert p["authors"] == [a.removeprefix("and ") for a in r["authors"]], r["id"]
            seen += 1
    assert seen == len(recs) == 11089
