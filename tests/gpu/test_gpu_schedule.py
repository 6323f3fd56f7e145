"""The GPU poller's schedule (Trust #8): each host is due by its own deadline, at most one interval
after its last poll started, whatever a late timer, a busy UI or a slow poll of any host did; a
late start keeps the host's rhythm (no drift) and a very late one does not burst; a host in flight
is never polled twice at once.

Driven deterministically: an injected clock (FakeClock), the poller's claim/due/next_wake, and
real polls of this machine (the `local` host) where a poll is needed. No timed assertions."""

from __future__ import annotations

import pytest

from cockpit.context import Context
from cockpit.services import gpu as svc


@pytest.fixture
def poller(home, write_config, clock):
    # "slow" is an ssh alias that is never contacted here: it is only claimed, to stand for a poll
    # that is still running
    write_config('[gpu]\nlocal = true\npoll_seconds = 2.0\n[[hosts]]\nname = "slow"\npoll_seconds = 5.0\n')
    p = svc.Poller(Context.open(home, clock=clock))
    yield p
    p.close()


def names(hosts):
    return [h.name for h in hosts]


def test_a_host_is_due_one_interval_after_its_last_start_not_at_the_next_tick(poller, clock):
    """The reported bug: a timer ticking every 2 s found a 2 s host 'not yet due' when its poll
    had started a little after the previous tick, so the host waited for the tick after: 4 s."""
    t0 = clock.monotonic()
    local = poller.host("local")
    clock.advance(0.06)  # the first poll starts a little after the timer's tick
    assert names(poller.claim(poller.due(clock.monotonic()))) == ["local", "slow"]
    (st,) = poller.poll(hosts=[local], claimed=True)  # a real poll of this machine; slow hangs
    assert st.name == "local" and poller.in_flight == {"slow"}
    clock.advance(1.94)  # t0 + 2.0: the old timer's next tick
    assert "local" not in names(poller.due(clock.monotonic()))
    # the next wake-up is the host's own deadline, 0.06 s away, not another tick (2 s) later
    assert poller.next_wake() == pytest.approx(t0 + 2.06)
    clock.advance(0.06)
    assert "local" in names(poller.due(clock.monotonic()))


def test_a_slow_poll_never_doubles_the_interval_and_never_runs_twice(poller, clock):
    t0 = clock.monotonic()
    local = poller.host("local")
    (claimed,) = poller.claim([local], t0)
    clock.advance(3)  # the poll takes 3 s on a 2 s interval: still in flight at its deadline
    assert poller.due(clock.monotonic()) == [poller.host("slow")]  # local is in flight: not due
    assert poller.claim([local]) == []  # never two polls of one host at once
    assert poller.poll(hosts=[local]) == []
    poller.poll(hosts=[claimed], claimed=True)  # the poll ends at t0 + 3
    # its deadline (t0 + 2) has passed: due at once, not one more interval (or tick) later
    assert "local" in names(poller.due(clock.monotonic()))
    poller.claim([local])
    assert poller.next_due["local"] == pytest.approx(t0 + 4)  # back on its 2 s rhythm
    poller.release([local])


def test_a_slow_host_never_delays_another(poller, clock):
    t0 = clock.monotonic()
    local, slow = poller.host("local"), poller.host("slow")
    poller.claim([local, slow], t0)  # slow never answers in this test
    for k in range(1, 6):
        poller.release([local])  # local's poll ended
        assert poller.next_wake() == pytest.approx(t0 + 2 * k)  # slow, in flight, is not waited for
        clock.advance(2)
        assert names(poller.due(clock.monotonic())) == ["local"]
        assert names(poller.claim(poller.due(clock.monotonic()))) == ["local"]
    assert poller.in_flight == {"local", "slow"}


def test_late_starts_keep_the_rhythm_and_a_very_late_one_does_not_burst(poller, clock):
    t0 = clock.monotonic()
    local = poller.host("local")

    def start_at(t: float) -> None:
        clock.advance(t - clock.monotonic())
        assert names(poller.claim([local])) == ["local"]
        poller.release([local])

    start_at(t0)
    for k, late in enumerate([0.3, 1.9, 0.0, 0.7, 1.2], start=1):
        start_at(t0 + 2 * k + late)  # a busy caller starts each poll late, by less than a period
        assert poller.next_due["local"] == pytest.approx(t0 + 2 * (k + 1))  # no drift
    start_at(t0 + 12 + 5.5)  # a caller blocked for more than two periods
    assert poller.next_due["local"] == pytest.approx(t0 + 19.5)  # one interval after this start
    assert poller.due(t0 + 17.6) == [] or names(poller.due(t0 + 17.6)) == ["slow"]  # no catch-up burst
    start_at(t0 + 18.5)  # a forced poll, a second early
    assert poller.next_due["local"] == pytest.approx(t0 + 20.5)


def test_a_poll_that_cannot_start_frees_its_hosts(poller, clock):
    # a job record the poll cannot read (an end stamp that is no time) fails the poll before any
    # host is asked: the claimed hosts must not stay "in flight" for ever (never polled again)
    svc.jobs_collection(poller.ctx).insert(
        {
            "host": "local",
            "session": "x",
            "state": "failed",
            "started": "2026-11-25T08:00:00+00:00",
            "ended": "soon",
        }
    )
    with pytest.raises(ValueError):
        poller.poll(hosts=[poller.host("local")])
    assert poller.in_flight == set()


async def test_the_pane_sleeps_until_the_next_host_deadline(home, write_config, clock):
    """The GPU pane's timer is set to the earliest host deadline (by the injected clock), after
    each poll and each host's answer, not a fixed tick with its own phase."""
    import time

    from cockpit.tui.app import CockpitApp

    write_config("[gpu]\nlocal = true\npoll_seconds = 2.0\n")
    app = CockpitApp(Context.open(home, clock=clock))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        pane = app.query_one("#gpu")

        async def settle() -> None:  # until the local poll has answered and the pane slept again
            deadline = time.monotonic() + 20
            while pane.poller is None or pane.poller.in_flight or pane._wake is None:
                assert time.monotonic() < deadline, "the local poll did not answer"
                await pilot.pause(0.05)

        await settle()
        start = pane.poller.polled_at["local"]
        assert pane.poller.next_due["local"] == pytest.approx(start + 2.0)
        assert pane._wake._interval == pytest.approx(2.0)
        clock.advance(1.5)  # woken early (a host's answer, a key): sleep the 0.5 s that are left
        pane.poll()
        assert pane._wake._interval == pytest.approx(0.5)
        assert pane.poller.in_flight == set()
        clock.advance(0.5)  # the deadline: the host is polled, and due again 2 s after this start
        pane.poll()
        assert pane.poller.next_due["local"] == pytest.approx(start + 4.0)
        await settle()
        assert pane._wake._interval == pytest.approx(2.0)
