"""The runner at the edges of a process's life: what a crash left unposted is posted at start
(and by any process's sweep), and closing stops a timer that has fired and is still drawing."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.engine.commands import Advanced, PlayerJoined
from bot.engine.effects import Effect, RevealStep, ShowStep
from bot.engine.state import GameSettings, GameState, Mode
from bot.games.runner import UNPOSTED_GRACE, UNPOSTED_RETRY, UNPOSTED_RETRY_LONGEST, GameRunner
from bot.games.service import GameService
from bot.store.database import Database
from bot.store.records import GameRef
from tests.engine.helpers import ManualClock
from tests.engine.test_service import HOST, start
from tests.waiting import until


class Platform:
    """Records what the runner asks to draw, and posts each step as a platform would
    (recording its message); ``hold`` makes drawing wait, as a slow platform does."""

    def __init__(self, service: GameService) -> None:
        self.service = service
        self.drawn: list[Effect] = []
        self.hold: asyncio.Event | None = None
        self.cancelled = 0
        self.waiting = False
        self.refuse = False  # every post fails, as into a deleted thread
        self.attempts = 0

    async def present(self, ref: GameRef, state: GameState, effects: Sequence[Effect]) -> None:
        self.attempts += 1
        if self.refuse:
            raise ConnectionRefusedError("Unknown Channel")
        try:
            if self.hold is not None:
                self.waiting = True
                await self.hold.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        for effect in effects:
            self.drawn.append(effect)
            if isinstance(effect, ShowStep):
                await self.service.record_message(ref, effect.step, f"message-{effect.step}")

    async def answered(self, ref: GameRef, step: int) -> None:
        pass


async def test_a_step_a_crash_left_unposted_is_posted_after_the_grace_with_the_reveal_before_it(
    database_at: Path | str,
) -> None:
    clock = ManualClock()
    async with Database.open(database_at) as db:
        service = GameService(db, clock)
        ref = await start(service)
        await service.set_thread(ref, "thread")
        await service.record_message(ref, 0, "message-0")
        for _ in range(2):  # question 0 closed and step 1 shown, committed; the process died
            await service.handle(ref, Advanced(HOST.user_id, False, clock.tick()))
        platform = Platform(service)
        runner = GameRunner(service, platform)
        assert await runner.post_unposted() == 0  # too recent: its own process may be posting it
        clock.tick(UNPOSTED_GRACE.total_seconds() + 1)
        assert await runner.post_unposted() == 1
        reveal = await service.reveal_of(ref, 0)
        assert platform.drawn == [reveal, ShowStep(1)] and isinstance(reveal, RevealStep)
        assert await service.message_of(ref, 1) == "message-1"
        assert await runner.post_unposted() == 0  # posted once
        await runner.close()


async def test_closing_stops_a_timer_that_fired_and_is_still_drawing(database_at: Path | str) -> None:
    clock = ManualClock()
    async with Database.open(database_at) as db:
        service = GameService(db, clock)
        ref = await start(service, settings=GameSettings(mode=Mode.TIMED, question_seconds=30))
        await service.handle(ref, PlayerJoined("s1", "Sam", clock.now))
        platform = Platform(service)
        platform.hold = asyncio.Event()  # the platform is slow to take the reveal
        runner = GameRunner(service, platform)
        clock.tick(31)
        assert await runner.resume_all() == 1
        await until(lambda: platform.waiting, "the overdue timer fired and waits in the platform")
        assert runner.pending_timers() == 1  # the reveal's own deadline; the fired timer is not armed any more
        async with asyncio.timeout(5):
            await runner.close()
        # Stopped, not left running against a database about to close.
        assert platform.cancelled == 1 and platform.drawn == []


async def test_a_post_that_keeps_failing_is_tried_again_later_and_less_often(
    database_at: Path | str, caplog: pytest.LogCaptureFixture
) -> None:
    """A thread deleted by a moderator: posting into it fails every time. The sweep must not
    try (and log a traceback) every 15 seconds for as long as the game runs."""
    clock = ManualClock()
    async with Database.open(database_at) as db:
        service = GameService(db, clock)
        ref = await start(service)
        await service.set_thread(ref, "deleted-thread")
        platform = Platform(service)
        platform.refuse = True
        runner = GameRunner(service, platform)
        clock.tick(UNPOSTED_GRACE.total_seconds() + 1)
        assert await runner.post_unposted() == 0 and platform.attempts == 1
        assert await runner.post_unposted() == 0 and platform.attempts == 1  # not at once again
        clock.tick(UNPOSTED_RETRY.total_seconds() + 1)
        assert await runner.post_unposted() == 0 and platform.attempts == 2
        clock.tick(UNPOSTED_RETRY.total_seconds() + 1)  # the wait has doubled
        assert await runner.post_unposted() == 0 and platform.attempts == 2
        clock.tick(UNPOSTED_RETRY.total_seconds())
        assert await runner.post_unposted() == 0 and platform.attempts == 3
        tracebacks = [r for r in caplog.records if "left unposted failed" in r.getMessage() and r.exc_info]
        assert len(tracebacks) == 1  # one traceback, then one line per retry
        platform.refuse = False  # the moderator gave the bot its permission back
        clock.tick(UNPOSTED_RETRY_LONGEST.total_seconds())
        assert await runner.post_unposted() == 1
        await runner.close()
