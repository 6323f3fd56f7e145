import datetime as dt

import pytest

from cockpit.core import papers as core


def test_ids_versions_and_old_style_archives():
    assert core.strip_version("2609.26811v12") == "2609.26811"
    assert core.strip_version("solv-int/9901001") == "solv-int/9901001"
    assert core.strip_version("solv-int/9901001v2") == "solv-int/9901001"
    assert core.version_of("2609.26811v3") == 3 and core.version_of("2609.26811") is None
    assert core.normalize_id("oai:arXiv.org:2609.26811v1") == "2609.26811"
    assert core.normalize_id("https://arxiv.org/abs/math.GT/0309136v2") == "math.GT/0309136"
    assert core.normalize_id("arXiv:2205.06398") == "2205.06398"
    with pytest.raises(ValueError):
        core.normalize_id("not-an-id")


def test_authors_split_on_commas_outside_parentheses():
    got = core.split_authors("A B, C D (Affil A, Affil B), Émile Ñúñez and Zoë Q")
    assert got == [("A B", ""), ("C D", "Affil A, Affil B"), ("Émile Ñúñez", ""), ("Zoë Q", "")]
    # an unbalanced parenthesis keeps the rest as the affiliation, nothing dropped
    assert core.split_authors("X Y (Univ, Dept") == [("X Y", "Univ, Dept")]
    assert core.split_authors("") == []


def test_description_is_split_and_raw_text_survives():
    d = core.parse_description("arXiv:2609.26811v1 Announce Type: replace-cross \nAbstract: Two\n lines.")
    assert d == {"id": "2609.26811", "version": "v1", "type": "replace-cross", "abstract": "Two lines."}
    assert core.parse_description("just text") == {"abstract": "just text"}


def test_weeks():
    assert core.parse_week("2026w48") == "2026-W48"
    assert core.shift_week("2026-W53", 1) == "2027-W01"
    with pytest.raises(ValueError):
        core.parse_week("2026-W60")


def paper(aid, kind="new", version=1, cats=("cs.LG",), sid=None):
    p = {"arxiv_id": aid, "announce_type": kind, "version": version, "categories": list(cats), "title": aid}
    if sid:
        p["id"] = sid
    return p


def test_digest_dedupes_on_versionless_id_and_keeps_crosslists_once():
    m = core.merge_week([], [paper("1", cats=("cs.LG",)), paper("1", kind="cross", cats=("stat.ML",))], set())
    assert len(m.inserts) == 1 and m.inserts[0]["categories"] == ["cs.LG", "stat.ML"]
    # a second fetch of the same week updates instead of inserting
    m2 = core.merge_week([paper("1", sid="2026-W48-1")], [paper("1", version=2)], set())
    assert m2.inserts == [] and m2.updates == [("2026-W48-1", {"version": 2})]


def test_replacements_show_only_for_kept_papers():
    m = core.merge_week(
        [], [paper("k", kind="replace", version=3), paper("other", kind="replace", version=2)], {"k"}
    )
    assert m.inserts == []
    assert m.replacements == {"k": 3} and m.ignored == 1


def test_feed_checks_weekend_empty_stale():
    thu = dt.date(2026, 11, 26)
    assert core.check_feed("cs.LG", 0, None, None, None, None).state == "weekend"
    assert core.check_feed("cs.LG", 0, thu, thu, None, None).state == "empty"
    stale = core.check_feed("cs.LG", 5, dt.date(2026, 11, 25), thu, "2611.1", None)
    assert stale.state == "stale" and "expected 2026-11-26" in stale.message
    assert core.check_feed("cs.LG", 5, None, thu, "2611.00010", "2611.00020").state == "stale"
    assert core.check_feed("cs.LG", 5, thu, thu, "2611.00030", "2611.00020").state == "ok"
    assert core.expected_announcement(dt.datetime(2026, 11, 28, 9)) is None  # a Saturday


def item(aid, week, status="queued"):
    return core.QueueItem(aid, week=week, status=status)


def test_queue_limit_rollover_and_deferral():
    items = [item("a", "2026-W47"), item("b", "2026-W48"), item("c", "2026-W46", "done")]
    r = core.can_keep(items, "x", "2026-W48", 2)
    assert not r.ok and [o.arxiv_id for o in r.occupants] == ["a", "b"]
    assert "1 unread paper(s)" in r.warning
    assert core.can_keep(items, "x", "2026-W48", 3).ok
    assert core.first_week_with_room(items, "2026-W49", 2) == "2026-W49"
    items.append(item("d", "2026-W49"))
    items.append(item("e", "2026-W49"))
    assert core.first_week_with_room(items, "2026-W49", 2) == "2026-W50"
    # a dropped or read paper from an earlier week does not count
    assert not core.counts_against(item("z", "2026-W40", "done"), "2026-W48")
    assert not core.counts_against(item("z", "2026-W48", "dropped"), "2026-W48")


def test_three_passes_planned_and_actual_minutes():
    it = core.new_item(core.Paper("2609.1", title="T", categories=("cs.LG",)), "2026-W48", "s")
    assert [(p.n, p.planned) for p in it.passes] == [(1, 15), (2, 45), (3, 120)]
    t0 = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)
    it = core.start_pass(it, 1, t0.isoformat())
    assert it.status == "reading" and core.running_pass(it) == 1
    with pytest.raises(ValueError):
        core.start_pass(it, 2, t0.isoformat())
    it = core.finish_pass(it, 1, t0, t0 + dt.timedelta(minutes=17))
    assert it.passes[0].actual == 17 and core.next_pass(it) == 2
    assert core.minutes_summary(it).startswith("P1 15/17 · P2 45/–")
    it = core.finish_pass(core.start_pass(it, 2, "s"), 2, t0, t0, minutes=50)
    it = core.finish_pass(core.start_pass(it, 3, "s"), 3, t0, t0, minutes=130)
    assert it.status == "done" and core.next_pass(it) is None


def test_bibtex_misc_with_eprint_primary_doi_and_tex_kept():
    items = [
        {
            "arxiv_id": "2205.06398",
            "title": "Outlier {Detection} for $\\omega$ Networks",
            "authors": ["Pritam Dey", "Zhengwu Zhang"],
            "primary": "stat.ME",
            "doi": "10.1093/bioinformatics/btac431",
            "year": "2022",
        },
        {
            "arxiv_id": "solv-int/9901001",
            "title": "Old } one",
            "authors": ["Jörg Müller"],
            "primary": "solv-int",
            "year": "1999",
        },
    ]
    text = core.bibtex([core.QueueItem.from_doc(d) for d in items])
    assert "@misc{dey2022outlier," in text
    assert "title={Outlier {Detection} for $\\omega$ Networks}" in text
    assert "author={Pritam Dey and Zhengwu Zhang}" in text
    assert "eprint={2205.06398}" in text and "archivePrefix={arXiv}" in text
    assert "primaryClass={stat.ME}" in text and "doi={10.1093/bioinformatics/btac431}" in text
    assert "@misc{muller1999old," in text and "title={Old \\} one}" in text
    assert "eprint={solv-int/9901001}" in text
    assert core.year_of(core.Paper("2205.06398", announced="2026-09-24")) == "2022"


def test_records_round_trip_and_name_a_wrong_type():
    doc = {
        "arxiv_id": "2611.00001",
        "version": 2,
        "title": "T",
        "authors": ["A B"],
        "affiliations": [""],
        "abstract": "x",
        "categories": ["cs.LG"],
        "primary": "cs.LG",
        "announce_type": "new",
        "announced": "2026-11-25",
        "published": "",
        "doi": "",
        "journal_ref": "",
        "link": "https://arxiv.org/abs/2611.00001",
        "source": "rss",
        "fetched": "s",
    }
    paper = core.Paper.from_doc(doc, {"2611.00001": "keep"})
    assert paper.decision == "keep" and paper.authors == ("A B",) and paper.to_doc() == doc
    item = core.new_item(paper, "2026-W48", "s")
    assert core.QueueItem.from_doc(item.to_doc()) == item
    dec = core.Decision("2611.00001", "2026-11-25", "skip", "s")
    assert core.Decision.from_doc(dec.to_doc()) == dec
    with pytest.raises(core.RecordError, match=r"paper 2611.00001: field 'title' must be a string, not int"):
        core.Paper.from_doc({**doc, "title": 3})
    with pytest.raises(core.RecordError, match=r"queue item 2611.00001 pass: field 'n'"):
        core.QueueItem.from_doc({**item.to_doc(), "passes": [{"n": "1", "planned": 15}]})
    with pytest.raises(core.RecordError, match=r"decision: field 'arxiv_id' must be a string"):
        core.Decision.from_doc({"arxiv_id": None})
    with pytest.raises(core.RecordError, match=r"authors"):
        core.Paper.from_doc({**doc, "authors": ["ok", 1]})
