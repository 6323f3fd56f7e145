"""Pilot: the triage screen's like key (the library, no queue slot), its footer entry and `?`."""

from cockpit.services import papers as svc
from cockpit.tui.app import CockpitApp
from cockpit.tui.shell.help import HelpScreen
from tests.papers.test_papers_tui import open_triage, seed, text


async def test_like_key_puts_the_paper_in_the_library_without_a_queue_slot_and_undoes(ctx):
    seed(ctx)
    app = CockpitApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_triage(app, pilot)
        assert "i Like" in " ".join(str(w.render()) for w in screen.query("FooterKey"))
        first = screen.current.paper.arxiv_id
        await pilot.press("i")
        screen.flush_pending()
        assert svc.decision_map(ctx)[first].decision == "like"
        assert [x.paper.arxiv_id for x in svc.library(ctx)] == [first]
        assert svc.queue_items(ctx) == []  # a like takes no queue slot
        assert "2 / 4" in text(screen, "#triage-progress")
        # the second paper is kept; a like of it leaves it queued
        second = screen.current.paper.arxiv_id
        await pilot.press("k")
        screen.index = next(i for i, r in enumerate(screen.rows) if r.paper.arxiv_id == second)
        screen.show()
        await pilot.press("i")
        screen.flush_pending()
        assert [i.arxiv_id for i in svc.queue_items(ctx) if i.status == "queued"] == [second]
        assert {x.paper.arxiv_id for x in svc.library(ctx)} == {first, second}
        await pilot.press("u", "u", "u")
        screen.flush_pending()
        assert svc.library(ctx) == [] and svc.decision_map(ctx) == {}
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        shown = " ".join(str(w.render()) for w in help_screen.query("Static"))
        assert "papers.like" in shown and "Like" in shown
