"""Pilot tests of the Papers pane and the triage screen on a real store."""

from cockpit.services import papers as svc
from cockpit.sources import arxiv as src
from cockpit.tui.app import CockpitApp
from cockpit.tui.papers.triage import SwapScreen, TriageScreen
from tests.papers import feeds


def seed(ctx, n=4):
    items = [feeds.item(f"2611.{i:05d}", f"Paper number {i}", abstract=f"Abstract {i}.") for i in range(1, n)]
    items.append(feeds.item(f"2611.{n:05d}", feeds.HOSTILE_TITLE, creator="Ünï Çødé (Ω Lab, Zürich)"))
    svc.store_papers(ctx, src.parse_bytes(feeds.rss(items)).papers)


async def open_triage(app, pilot):
    await pilot.press("4")
    await pilot.press("t")
    screen = app.screen
    assert isinstance(screen, TriageScreen)
    for _ in range(100):
        await pilot.pause()
        if not screen.busy:
            break
    return screen


def text(screen, wid):
    return str(screen.query_one(wid).render())


async def test_triage_keep_skip_undo_progress_and_hostile_text(ctx):
    seed(ctx)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_triage(app, pilot)
        assert "1 / 4" in text(screen, "#triage-progress")
        first = screen.current.paper.arxiv_id
        await pilot.press("k")
        assert svc.decision_map(ctx)[first].decision == "keep"
        assert "2 / 4" in text(screen, "#triage-progress")
        second = screen.current.paper.arxiv_id
        await pilot.press("s")
        screen.flush_pending()  # skip/later are written in order off the UI thread
        assert svc.decision_map(ctx)[second].decision == "skip"
        await pilot.press("u")
        screen.flush_pending()
        assert second not in svc.decision_map(ctx)
        assert screen.current.paper.arxiv_id == second and "2 / 4" in text(screen, "#triage-progress")
        await pilot.press("u")
        screen.flush_pending()
        assert svc.decision_map(ctx) == {} and svc.queue_items(ctx) == []
        # the hostile title is shown literally, escape sequences removed
        idx = next(i for i, r in enumerate(screen.rows) if r.paper.arxiv_id == "2611.00004")
        screen.index = idx
        screen.show()
        await pilot.pause()
        title = text(screen, "#triage-title")
        assert "[bold red]Pwned[/] [link=https://evil]x[/link]" in title and "\x1b" not in title
        assert "Ünï Çødé" in text(screen, "#triage-meta")
        await pilot.press("o")
        assert app.clipboard == "https://arxiv.org/abs/2611.00004"
        await pilot.press("escape")
        assert not isinstance(app.screen, TriageScreen)


async def test_third_keep_asks_swap_or_defer(ctx):
    seed(ctx)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_triage(app, pilot)
        await pilot.press("k", "k")
        third = screen.current.paper.arxiv_id
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, SwapScreen)
        await pilot.press("d")
        await pilot.pause()
        v = svc.queue_view(ctx)
        assert len(v.current) == 2 and [i.arxiv_id for i in v.later] == [third]
        fourth = screen.current.paper.arxiv_id
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, SwapScreen)
        await pilot.press("enter")  # the first option: swap out the first queued paper
        await pilot.pause()
        v = svc.queue_view(ctx)
        assert fourth in [i.arxiv_id for i in v.current] and len(v.current) == 2


async def test_list_mode_and_pane_queue_passes_and_notes(ctx, tmp_path, monkeypatch):
    seed(ctx)
    editor = tmp_path / "ed.sh"
    editor.write_text('#!/bin/sh\necho "- my note" >> "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_triage(app, pilot)
        await pilot.press("v")
        assert screen.has_class("-list")
        await pilot.press("down", "down")
        target = screen.rows[2].paper.arxiv_id
        await pilot.press("k")
        assert svc.decision_map(ctx)[target].decision == "keep"
        await pilot.press("v", "escape")
        await pilot.pause()
        pane = app.main.pane("papers")
        summary = str(pane.query_one("#papers-summary").render())
        assert "1/2 queued" in summary and "Digest 2026-W48: 1 / 4 triaged" in summary
        await pilot.press("r")
        item = svc.queue_items(ctx)[0]
        assert item.status == "reading" and item.passes[0].started
        ctx.clock.advance(600)
        await pilot.press("r")
        item = svc.queue_items(ctx)[0]
        assert item.passes[0].actual == 10
        await pilot.press("e")
        await pilot.pause()
        note = svc.note_path(ctx, target, create=False)
        assert note.read_text().endswith("- my note\n")


async def test_next_and_prev_move_through_the_digest(ctx):
    seed(ctx)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_triage(app, pilot)
        before = text(screen, "#triage-title")
        await pilot.press("n")
        assert text(screen, "#triage-title") != before and "2 / 4" in text(screen, "#triage-progress")
        await pilot.press("p")
        assert text(screen, "#triage-title") == before


async def test_empty_digest_says_what_to_do(ctx):
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_triage(app, pilot)
        assert "no papers" in text(screen, "#triage-progress")
        await pilot.press("k", "u")  # nothing to decide, nothing breaks
        assert svc.decision_map(ctx) == {}


async def test_rapid_skip_later_undo_land_in_order(ctx):
    seed(ctx, n=8)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_triage(app, pilot)
        ids = [r.paper.arxiv_id for r in screen.rows]
        await pilot.press("s", "l", "s", "u", "s", "k")
        screen.flush_pending()
        dm = {k: v.decision for k, v in svc.decision_map(ctx).items()}
        assert dm == {ids[0]: "skip", ids[1]: "later", ids[2]: "skip", ids[3]: "keep"}
        await pilot.press("escape")
    assert [i.arxiv_id for i in svc.queue_items(ctx)] == [ids[3]]


async def test_wide_rtl_nul_and_huge_text_render_cleanly(ctx):
    weird = {
        "arxiv_id": "2611.09999",
        "version": 1,
        "title": "שלום עולם 漢字タイトル \x00nul\x07bell " + "W" * 10000,
        "authors": ["名前 (東大, 京大)"],
        "affiliations": [""],
        "abstract": "\x1b[2J" + "é" * 10000,
        "categories": ["cs.LG"],
        "announce_type": "new",
        "announced": "2026-11-25",
    }
    svc.store_papers(ctx, [weird])
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_triage(app, pilot)
        title = text(screen, "#triage-title")
        assert "שלום עולם 漢字タイトル nulbell W" in title and "\x00" not in title and "\x07" not in title
        assert "\x1b" not in text(screen, "#triage-abstract")
        assert screen.query_one("#triage-title").region.width <= 80
        await pilot.press("k")
        await pilot.press("escape")
        await pilot.pause()
        assert "1/2 queued" in str(app.main.pane("papers").query_one("#papers-summary").render())


async def test_decisions_retrain_and_reorder_the_rest_of_the_digest(ctx):
    items = []
    for i in range(6):
        # galaxies get the lower ids, so before any training (all scores tied) they come first
        items.append(
            feeds.item(
                f"2611.{i + 50:05d}",
                f"Transformer attention tokens study {i}",
                abstract="language model pretraining tokens",
            )
        )
        items.append(
            feeds.item(
                f"2611.{i:05d}", f"Galaxy redshift survey {i}", abstract="stellar spectra telescope redshift"
            )
        )
    svc.store_papers(ctx, src.parse_bytes(feeds.rss(items)).papers)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_triage(app, pilot)
        assert screen.rows[0].paper.title.startswith("Galaxy")
        by_id = {r.paper.arxiv_id: i for i, r in enumerate(screen.rows)}
        plan = [
            ("2611.00050", "keep"),
            ("2611.00051", "keep"),
            ("2611.00000", "skip"),
            ("2611.00001", "skip"),
            ("2611.00002", "skip"),
        ]
        for aid, decision in plan:
            screen.index = by_id[aid]
            screen.action_decide(decision)
        screen.flush_pending()
        await app.workers.wait_for_complete()
        await pilot.pause()
        rest = [r.paper.arxiv_id for r in screen.rows[screen.index + 1 :] if not r.paper.decision]
        kinds = ["T" if int(a.split(".")[1]) >= 50 else "G" for a in rest]
        assert kinds == sorted(kinds, key=lambda k: k != "T"), kinds  # every transformer paper first


async def test_fetch_in_the_background_with_progress(papers_config, arxiv_server, home, clock):
    from cockpit.context import Context

    papers_config('categories = ["cs.LG"]\nbackfill = false\n')
    arxiv_server.route("/rss/cs.LG", feeds.rss([feeds.item("2611.00001", "Fetched paper")]))
    ctx = Context.open(home, clock=clock)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("4", "f")
        await app.workers.wait_for_complete()
        await pilot.pause()
        pane = app.main.pane("papers")
        assert "Fetched: 1 new" in str(pane.query_one("#papers-status").render())
        assert any("Fetched: 1 new" in n.message for n in app._notifications)
        assert "Digest 2026-W48: 0 / 1 triaged" in str(pane.query_one("#papers-summary").render())
    assert [p.title for p in svc.week_papers(ctx, "2026-W48")] == ["Fetched paper"]


async def test_fetch_failure_is_a_toast_not_a_crash(papers_config, arxiv_server, home, clock):
    from cockpit.context import Context

    papers_config('categories = ["cs.LG"]\nbackfill = false\n')
    arxiv_server.route("/rss/cs.LG", (500, b"", {}))
    ctx = Context.open(home, clock=clock)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("4", "f")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("HTTP 500" in n.message and n.severity == "warning" for n in app._notifications)


async def test_key_4_focuses_the_pane_with_or_without_a_queue(ctx):
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        assert app.main.current_pane().PANE_ID == "papers"
    seed(ctx)
    svc.decide(ctx, "2611.00001", "keep")
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        assert app.main.current_pane().PANE_ID == "papers"
        assert app.focused is app.main.pane("papers").query_one("#papers-queue")


async def test_later_papers_come_back_after_the_undecided_ones(ctx):
    seed(ctx, n=3)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_triage(app, pilot)
        ids = [r.paper.arxiv_id for r in screen.rows]
        await pilot.press("l")  # ids[0] later
        await pilot.press("s")  # ids[1] skip
        assert screen.current.paper.arxiv_id == ids[2]
        await pilot.press("s")  # ids[2] skip: only the later one is left
        assert screen.current.paper.arxiv_id == ids[0]
        await pilot.press("k")
        screen.flush_pending()
        assert svc.decision_map(ctx)[ids[0]].decision == "keep"
