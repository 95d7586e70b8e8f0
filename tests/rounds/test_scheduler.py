"""The scheduler with an injected clock: posting at the instant, DST in two zones, restarts
inside and outside the grace window, pause and resume, several channels, interrupted posts."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from bot.content.library import Library
from bot.rounds.scheduler import Scheduler
from bot.rounds.timing import Timing, parse_weekdays
from bot.store.records import ScheduleSpec
from tests.engine.helpers import ManualClock
from tests.rounds.helpers import PLATFORM, RecordingPresenter, at, daily, player, round_service, scheduled, venue
from tests.waiting import until


async def test_a_round_posts_at_its_instant_once(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with scheduled(database_at, clock) as (rounds, scheduler, presenter):
        clock.now = at(2026, 1, 5, 8, 59, 59)
        await scheduler.tick()
        assert presenter.announced == []
        clock.now = at(2026, 1, 5, 9, 0)
        await scheduler.tick()
        await scheduler.tick()
        assert [a.round.scheduled_for for a in presenter.announced] == [at(2026, 1, 5, 9, 0)]
        assert presenter.announced[0].round.closes_at == at(2026, 1, 6, 9, 0)  # default: when the next posts
        assert await rounds.next_wake(PLATFORM) == at(2026, 1, 6, 9, 0)


async def run_until(scheduler: Scheduler, clock: ManualClock, end: datetime) -> None:
    """Jump the clock from one due instant to the next, ticking at each, as the loop would."""
    while True:
        due = await scheduler.rounds.next_wake(PLATFORM)
        if due is None or due > end:
            return
        clock.now = due
        await scheduler.tick()


async def test_daylight_saving_in_new_york_and_berlin(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 3, 5, 0, 0))
    async with round_service(database_at, clock) as rounds:
        presenter = RecordingPresenter()
        scheduler = Scheduler(rounds, presenter, PLATFORM)
        await rounds.set_schedule(venue("NY"), daily(time(8, 0), "America/New_York"), "admin")
        await rounds.set_schedule(venue("BER"), daily(time(8, 0), "Europe/Berlin"), "admin")
        await run_until(scheduler, clock, at(2026, 3, 31, 0, 0))
        posted = {
            (a.round.venue.channel_id, a.round.scheduled_for.date()): a.round.scheduled_for.hour
            for a in presenter.announced
        }
        # New York: 08:00 EST is 13:00 UTC until 8 March, then 08:00 EDT is 12:00 UTC.
        assert posted["NY", at(2026, 3, 7).date()] == 13
        assert posted["NY", at(2026, 3, 8).date()] == 12
        # Berlin changes three weeks later: 08:00 CET is 07:00 UTC, CEST 06:00 UTC from 29 March.
        assert posted["BER", at(2026, 3, 28).date()] == 7
        assert posted["BER", at(2026, 3, 29).date()] == 6
        per_channel = [sum(1 for channel, _ in posted if channel == c) for c in ("NY", "BER")]
        assert per_channel == [26, 26]  # 5–30 March: one a day, none doubled or lost
        assert len(presenter.summaries) == 50  # every round but the last two is closed by its successor


async def test_a_restart_posts_a_recent_missed_run_once(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with round_service(database_at, clock) as rounds:
        await rounds.set_schedule(venue(), daily(time(9, 0)), "admin")
    clock.now = at(2026, 1, 5, 10, 30)  # the bot was down at 09:00; back 90 minutes later
    async with round_service(database_at, clock) as rounds:
        presenter = RecordingPresenter()
        scheduler = Scheduler(rounds, presenter, PLATFORM)
        await scheduler.tick()
        await scheduler.tick()
        assert [a.round.scheduled_for for a in presenter.announced] == [at(2026, 1, 5, 9, 0)]
        schedule = await rounds.schedule_at(venue())
        assert schedule is not None and schedule.next_run_at == at(2026, 1, 6, 9, 0)


async def test_a_restart_skips_a_run_missed_beyond_the_grace_window_and_never_floods(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with round_service(database_at, clock) as rounds:
        await rounds.set_schedule(venue(), daily(time(9, 0)), "admin")
    clock.now = at(2026, 1, 8, 12, 0)  # down for three days and three hours
    async with round_service(database_at, clock) as rounds:
        presenter = RecordingPresenter()
        scheduler = Scheduler(rounds, presenter, PLATFORM)
        await scheduler.tick()
        assert presenter.announced == []
        schedule = await rounds.schedule_at(venue())
        assert schedule is not None and schedule.next_run_at == at(2026, 1, 9, 9, 0)
        clock.now = at(2026, 1, 9, 9, 0)
        await scheduler.tick()
        assert [a.round.number for a in presenter.announced] == [1]  # missed days are not rounds


async def test_pause_skips_runs_and_resume_starts_from_now(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with scheduled(database_at, clock) as (rounds, scheduler, presenter):
        paused = await rounds.set_paused(venue(), True)
        assert paused.paused
        clock.now = at(2026, 1, 5, 9, 0)
        await scheduler.tick()
        assert presenter.announced == []
        assert await rounds.next_wake(PLATFORM) is None  # nothing to wake for
        clock.now = at(2026, 1, 5, 9, 30)  # inside what would be the grace window
        resumed = await rounds.set_paused(venue(), False)
        assert not resumed.paused and resumed.next_run_at == at(2026, 1, 6, 9, 0)
        await scheduler.tick()
        assert presenter.announced == []  # no catch-up for the run missed while paused
        clock.now = at(2026, 1, 6, 9, 0)
        await scheduler.tick()
        assert len(presenter.announced) == 1


async def test_channels_keep_their_own_schedules(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 0, 0))  # a Monday
    async with round_service(database_at, clock) as rounds:
        presenter = RecordingPresenter()
        scheduler = Scheduler(rounds, presenter, PLATFORM)
        await rounds.set_schedule(venue("C1"), daily(time(9, 0)), "admin")
        weekdays = ScheduleSpec(Timing(time(17, 0), "Europe/Berlin", parse_weekdays("mon-fri")))
        await rounds.set_schedule(venue("C2"), weekdays, "admin")
        await run_until(scheduler, clock, at(2026, 1, 11, 23, 59))
        by_channel: dict[str, list[datetime]] = {}
        for announcement in presenter.announced:
            by_channel.setdefault(announcement.round.venue.channel_id, []).append(announcement.round.scheduled_for)
        assert len(by_channel["C1"]) == 7
        assert [moment.weekday() for moment in by_channel["C2"]] == [0, 1, 2, 3, 4]
        assert all(moment.hour == 16 for moment in by_channel["C2"])  # 17:00 CET
        assert [a.round.number for a in presenter.announced if a.round.venue.channel_id == "C2"] == [1, 2, 3, 4, 5]
        # C2's Friday round closes at Monday's run, not at the weekend.
        friday = [a.round for a in presenter.announced if a.round.venue.channel_id == "C2"][-1]
        assert friday.closes_at == at(2026, 1, 12, 16, 0)


async def test_a_post_a_crash_or_outage_interrupted_is_made_later_exactly_once(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 9, 0))
    async with round_service(database_at, clock) as rounds:
        await rounds.set_schedule(venue(), daily(time(9, 0)), "admin")
        await rounds.set_schedule(venue(), daily(time(9, 0)), "admin")  # re-saving keeps one schedule
        presenter = RecordingPresenter(failing=True)
        scheduler = Scheduler(rounds, presenter, PLATFORM)
        clock.now = at(2026, 1, 6, 9, 0)
        await scheduler.tick()  # the round opens, but the platform is unreachable
        assert presenter.announced == []
    clock.now = at(2026, 1, 6, 9, 5)
    async with round_service(database_at, clock) as rounds:
        presenter = RecordingPresenter()
        scheduler = Scheduler(rounds, presenter, PLATFORM)
        await scheduler.tick()
        await scheduler.tick()
        assert [a.round.number for a in presenter.announced] == [1]
        presenter.failing = True
        clock.now = at(2026, 1, 7, 9, 0)
        await scheduler.tick()  # round 1 closes and round 2 opens, neither can be posted
        presenter.failing = False
        await scheduler.tick()
        assert [c.round.number for c in presenter.summaries] == [1]
        assert [a.round.number for a in presenter.announced] == [1, 2]


async def test_a_configured_closing_time_closes_the_round_early(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 7, 0))
    async with scheduled(database_at, clock, daily(time(9, 0), "Europe/Berlin", close_time=time(21, 0))) as (
        rounds,
        scheduler,
        presenter,
    ):
        await run_until(scheduler, clock, at(2026, 1, 5, 23, 0))
        (announcement,) = presenter.announced
        assert announcement.round.closes_at == at(2026, 1, 5, 20, 0)  # 21:00 CET
        assert [c.round.id for c in presenter.summaries] == [announcement.round.id]
        view = await rounds.play(announcement.round.id, player("late"), "Late")
        assert view.closed and not view.accepted


async def test_a_removed_schedule_still_closes_its_open_round(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 9, 0))
    async with scheduled(database_at, clock) as (rounds, scheduler, presenter):
        clock.now = at(2026, 1, 6, 9, 0)
        await scheduler.tick()
        await rounds.remove_schedule(venue())
        await run_until(scheduler, clock, at(2026, 1, 9, 0, 0))
        assert len(presenter.announced) == 1 and len(presenter.summaries) == 1
        assert await rounds.next_wake(PLATFORM) is None


async def test_the_running_loop_posts_when_poked_at_the_instant(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 8, 59, 59))
    async with scheduled(database_at, clock) as (_rounds, scheduler, presenter):
        scheduler.start()
        try:
            await asyncio.sleep(0.1)
            assert presenter.announced == []
            clock.now += timedelta(seconds=1)
            scheduler.poke()
            await until(lambda: bool(presenter.announced), "the poked loop posted the round")
            assert [a.round.scheduled_for for a in presenter.announced] == [at(2026, 1, 5, 9, 0)]
        finally:
            await scheduler.close()


async def test_moving_the_time_earlier_closes_the_open_round_when_the_next_posts(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with scheduled(database_at, clock) as (rounds, scheduler, presenter):
        await run_until(scheduler, clock, at(2026, 1, 5, 10, 0))
        assert presenter.announced[0].round.closes_at == at(2026, 1, 6, 9, 0)
        await rounds.set_schedule(venue(), daily(time(18, 0)), "admin")  # at 09:00 the same day
        await run_until(scheduler, clock, at(2026, 1, 5, 20, 0))
        assert [a.round.scheduled_for for a in presenter.announced] == [at(2026, 1, 5, 9, 0), at(2026, 1, 5, 18, 0)]
        (closed,) = presenter.summaries
        assert closed.round.number == 1 and closed.round.closed_at == at(2026, 1, 5, 18, 0)


async def test_a_failing_tick_does_not_stop_the_loop(database_at: Path | str, caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with scheduled(database_at, clock) as (rounds, scheduler, presenter):
        working = rounds.library_for
        failures = 0

        async def flaky_library(workspace_id: int) -> Library:
            nonlocal failures
            if failures == 0:
                failures += 1
                raise OSError("the library folder is unreadable")
            return await working(workspace_id)

        rounds.library_for = flaky_library
        clock.now = at(2026, 1, 5, 9, 0)
        scheduler.start()
        try:
            await until(lambda: failures > 0, "the first tick failed")
            scheduler.poke()  # the next look succeeds
            await until(lambda: bool(presenter.announced), "the next tick posted the round")
            assert [a.round.number for a in presenter.announced] == [1]
            assert "the scheduler's tick failed" in caplog.text
        finally:
            await scheduler.close()


async def test_closing_just_after_a_wake_up_stops_the_loop(database_at: Path | str) -> None:
    # A schedule change pokes the loop; a shutdown in the same turn of the loop must still end
    # it. With asyncio.wait_for (Python 3.11) the cancellation was lost, the loop slept on, and
    # close() (and so the bot's shutdown) waited forever.
    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with scheduled(database_at, clock) as (_rounds, scheduler, _presenter):
        scheduler.start()
        await asyncio.sleep(0.1)  # the loop has ticked and sleeps until the next due instant
        scheduler.poke()
        async with asyncio.timeout(5):
            await scheduler.close()
