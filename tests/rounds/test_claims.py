"""Several schedulers on one database, as several bot processes would run them: each daily
round is opened, posted, closed and summarised once, and a post whose claimer died (it claimed
and never posted) is taken over once its lease has run out. Each scheduler has its own round
service and its own connection to the database (SQLite file or PostgreSQL); the
separate-processes version, with SIGKILL, is tests/crash/test_sigkill_rounds.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import time, timedelta
from pathlib import Path

import pytest

from bot.composition import POST_LEASE_VARIABLE, post_lease_from
from bot.rounds.scheduler import Scheduler
from bot.rounds.service import POST_LEASE
from tests.engine.helpers import ManualClock
from tests.rounds.helpers import PLATFORM, RecordingPresenter, at, daily, round_service, venue

PROCESSES = 3


@asynccontextmanager
async def processes(database_at: Path | str, clock: ManualClock) -> AsyncIterator[list[Scheduler]]:
    """Three schedulers, each on its own round service and connection, sharing ``clock``."""
    async with AsyncExitStack() as stack:
        schedulers = []
        for _ in range(PROCESSES):
            rounds = await stack.enter_async_context(round_service(database_at, clock))
            schedulers.append(Scheduler(rounds, RecordingPresenter(), PLATFORM))
        yield schedulers


def announced(schedulers: list[Scheduler]) -> list[int]:
    return [a.round.id for s in schedulers for a in s.presenter.announced]  # type: ignore[attr-defined]


def summarised(schedulers: list[Scheduler]) -> list[int]:
    return [c.round.id for s in schedulers for c in s.presenter.summaries]  # type: ignore[attr-defined]


async def tick_all(schedulers: list[Scheduler]) -> None:
    await asyncio.gather(*(s.tick() for s in schedulers))


async def test_three_schedulers_post_and_close_each_round_once(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with processes(database_at, clock) as schedulers:
        await schedulers[0].rounds.set_schedule(venue(), daily(time(9, 0)), "admin")
        for day in (5, 6, 7):
            clock.now = at(2026, 1, day, 9, 0)
            await tick_all(schedulers)
            await tick_all(schedulers)
        posted = announced(schedulers)
        assert len(posted) == 3 and len(set(posted)) == 3  # one round a day, each posted by one process
        assert sorted(summarised(schedulers)) == sorted(posted)[:2]  # the first two closed, each once
        schedule = await schedulers[1].rounds.schedule_at(venue())
        assert schedule is not None and schedule.rounds_posted == 3


async def test_a_round_whose_claimer_died_is_posted_by_another_after_the_lease(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 9, 0))
    async with processes(database_at, clock) as (dying, first, second):
        await dying.rounds.set_schedule(venue(), daily(time(9, 0)), "admin")
        clock.now = at(2026, 1, 6, 9, 0)
        # The dying process opens the round (which claims its post) and is killed before posting.
        (opened,) = await dying.rounds.open_due(PLATFORM)
        await tick_all([first, second])
        assert announced([first, second]) == []  # the claim holds: nobody posts it twice
        assert await first.rounds.next_wake(PLATFORM) == clock.now + POST_LEASE  # looks again then
        clock.now += POST_LEASE
        await tick_all([first, second])
        await tick_all([first, second])
        assert announced([first, second]) == [opened.round.id]
        clock.now += 10 * POST_LEASE
        await tick_all([first, second])  # posted and recorded: never claimed again
        assert announced([first, second]) == [opened.round.id]


async def test_a_summary_whose_claimer_died_is_posted_by_another_after_the_lease(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 9, 0))
    async with processes(database_at, clock) as (dying, first, second):
        await dying.rounds.set_schedule(venue(), daily(time(9, 0), close_time=time(17, 0)), "admin")
        clock.now = at(2026, 1, 6, 9, 0)
        await tick_all([dying, first, second])
        clock.now = at(2026, 1, 6, 17, 0)
        (closed,) = await dying.rounds.close_due(PLATFORM)  # closed and claimed, then killed
        await tick_all([first, second])
        assert summarised([first, second]) == []
        clock.now += POST_LEASE - timedelta(seconds=1)
        await tick_all([first, second])
        assert summarised([first, second]) == []
        clock.now += timedelta(seconds=1)
        await tick_all([first, second])
        await tick_all([first, second])
        assert summarised([first, second]) == [closed.round.id]


async def test_a_failed_post_is_retried_by_its_claimer_not_by_the_others(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 9, 0))
    async with processes(database_at, clock) as (claimer, other, _):
        await claimer.rounds.set_schedule(venue(), daily(time(9, 0)), "admin")
        clock.now = at(2026, 1, 6, 9, 0)
        claimer.presenter.failing = True  # type: ignore[attr-defined]
        await claimer.tick()  # opened and claimed; the platform refused the post
        await other.tick()
        claimer.presenter.failing = False  # type: ignore[attr-defined]
        clock.now += timedelta(seconds=30)
        await other.tick()
        await claimer.tick()  # within its lease, the claimer retries at once
        assert announced([claimer]) != [] and announced([other]) == []


async def test_a_post_that_outlasted_its_lease_keeps_the_first_reference(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 9, 0))
    async with processes(database_at, clock) as (slow, fast, _):
        await slow.rounds.set_schedule(venue(), daily(time(9, 0)), "admin")
        clock.now = at(2026, 1, 6, 9, 0)
        (opened,) = await slow.rounds.open_due(PLATFORM)
        clock.now += POST_LEASE
        await fast.tick()
        await slow.rounds.record_announcement(opened.round, "late-post")  # the slow post finally returns
        found = await fast.rounds.open_round_at(venue())
        assert found is not None and found.announcement_ref == "msg-1"


async def test_one_run_due_in_three_processes_opens_one_round(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 9, 0))
    async with processes(database_at, clock) as schedulers:
        await schedulers[0].rounds.set_schedule(venue(), daily(time(9, 0)), "admin")
        clock.now = at(2026, 1, 6, 9, 0)
        opened = await asyncio.gather(*(s.rounds.open_due(PLATFORM) for s in schedulers))
        assert sorted(len(o) for o in opened) == [0, 0, 1]
        schedule = await schedulers[2].rounds.schedule_at(venue())
        assert schedule is not None and schedule.rounds_posted == 1
        assert schedule.next_run_at == at(2026, 1, 7, 9, 0)


def test_the_lease_comes_from_the_environment_and_a_bad_one_is_named() -> None:
    assert post_lease_from({}) == POST_LEASE
    assert post_lease_from({POST_LEASE_VARIABLE: " 2.5 "}) == timedelta(seconds=2.5)
    for bad in ("soon", "0", "-3", "nan", "inf"):
        with pytest.raises(ValueError, match=f"{POST_LEASE_VARIABLE} must be a number of seconds above 0"):
            post_lease_from({POST_LEASE_VARIABLE: bad})
