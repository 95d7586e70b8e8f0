"""A timed game's deadline fires once when several processes run its timer: each process (here
a game service and runner on its own connection to one database, SQLite file or PostgreSQL)
that resumes the running game arms the timer, all of them fire, and exactly one closes the
question; the others are refused under the game's row lock (SQLite: its single writer) as a
stale timer and show nothing. The runners' periodic re-read then lets a survivor carry the
game's next deadline when the process that moved the game on is gone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from bot.engine.commands import PlayerJoined
from bot.engine.effects import RevealStep, ShowStep
from bot.engine.state import GameSettings, Mode, Phase
from bot.games.runner import GameRunner
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.store.database import Database
from bot.store.records import GameRef
from tests.engine.helpers import ManualClock, sample_pack
from tests.waiting import until

PROCESSES = 3
TIMED = GameSettings(mode=Mode.TIMED, question_seconds=30)


class RecordingPresenter:
    def __init__(self) -> None:
        self.effects: list[object] = []
        self.answered_steps: list[int] = []

    async def present(self, ref: GameRef, state: object, effects: Sequence[object]) -> None:
        self.effects.extend(effects)

    async def answered(self, ref: GameRef, step: int) -> None:
        self.answered_steps.append(step)


@asynccontextmanager
async def runners(database_at: Path | str, clock: ManualClock) -> AsyncIterator[list[GameRunner]]:
    async with AsyncExitStack() as stack:
        found = []
        for _ in range(PROCESSES):
            database = await stack.enter_async_context(Database.open(database_at))
            runner = GameRunner(GameService(database, clock), RecordingPresenter())
            stack.push_async_callback(runner.close)
            found.append(runner)
        yield found


def shown(runners: list[GameRunner], kind: type) -> int:
    return sum(isinstance(e, kind) for r in runners for e in r.presenter.effects)  # type: ignore[attr-defined]


async def test_a_deadline_three_processes_resume_fires_once(database_at: Path | str) -> None:
    clock = ManualClock()
    async with runners(database_at, clock) as all_runners:
        service = all_runners[0].service
        ref, _ = await service.start_game(
            Venue("test", "w", "c"), Player("test", "w", "host"), "Host", sample_pack(), TIMED, 5
        )
        await service.handle(ref, PlayerJoined("s1", "Sam", clock.now))
        clock.tick(31)  # the question's deadline has passed
        assert [await r.resume_all() for r in all_runners] == [1, 1, 1]

        async def closed() -> bool:
            return (await service.load(ref)).phase is Phase.REVEALED

        await until(closed, "the deadline closed the question")
        await until(
            lambda: shown(all_runners, RevealStep) == 1 and sum(r.pending_timers() for r in all_runners) == 1,
            "the winner showed the reveal and armed the next timer",
        )
        await asyncio.sleep(0.2)  # the other timers have fired by now: a second firing would show
        assert shown(all_runners, RevealStep) == 1  # one process revealed; the others were refused
        assert sum(r.pending_timers() for r in all_runners) == 1  # and only it armed the next timer


async def test_a_survivor_fires_the_next_deadline_when_the_process_that_armed_it_is_gone(
    database_at: Path | str,
) -> None:
    clock = ManualClock()
    async with runners(database_at, clock) as (first, survivor, _):
        service = first.service
        ref, _ = await service.start_game(
            Venue("test", "w", "c"), Player("test", "w", "host"), "Host", sample_pack(), TIMED, 5
        )
        await service.handle(ref, PlayerJoined("s1", "Sam", clock.now))
        clock.tick(31)
        await first.resume_all()  # only the first process has the game: it closes the question
        await until(lambda: shown([first], RevealStep) == 1, "the first process closed the question")
        assert first.pending_timers() == 1  # the reveal's reading time, armed in the first only
        await first.close()  # the first process is gone with the next deadline armed in it
        revealed = await service.load(ref)
        assert revealed.phase is Phase.REVEALED and revealed.deadline is not None
        clock.now = revealed.deadline
        survivor.start_sweeping(every=0.05)  # its periodic re-read finds the deadline
        await until(lambda: shown([survivor], ShowStep) == 1, "the survivor showed the next step")
        moved_on = await survivor.service.load(ref)
        assert moved_on.step == revealed.step + 1


async def test_the_sweep_leaves_a_timer_that_waits_for_the_same_deadline_alone(database_at: Path | str) -> None:
    clock = ManualClock()
    async with runners(database_at, clock) as (runner, _, _):
        await runner.service.start_game(
            Venue("test", "w", "c"), Player("test", "w", "host"), "Host", sample_pack(), TIMED, 5
        )
        await runner.resume_all()
        (timer,) = runner._timers.values()
        await runner.resume_all()
        assert list(runner._timers.values()) == [timer]  # not cancelled and re-made every sweep


async def test_a_closed_runner_does_not_start_sweeping(database_at: Path | str) -> None:
    clock = ManualClock()
    async with runners(database_at, clock) as (runner, _, _):
        await runner.close()
        runner.start_sweeping(every=0.01)  # a late "connected" event during shutdown
        assert runner._sweeping is None
