"""The "N answered" counter every platform uses: bounded redraws that only show the truth."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine.commands import Advanced, PlayerAnswered
from bot.engine.state import GameSettings
from bot.games.answer_counter import AnsweredCounter
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.store.database import Database
from bot.store.records import GameRef
from tests.engine.helpers import ManualClock, sample_pack

VENUE = Venue("test", "school-1", "room-7")
HOST = Player("test", "school-1", "teacher")


class Ticks:
    """A monotonic clock the test moves by hand, and a sleep that ends when the test says."""

    def __init__(self) -> None:
        self.now = 100.0
        self.wake = asyncio.Event()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await self.wake.wait()
        self.now += seconds


async def answer(service: GameService, clock: ManualClock, ref: GameRef, student: str) -> int:
    state = await service.load(ref)
    await service.handle(ref, PlayerAnswered(student, student, state.step, 0, clock.tick()))
    return state.step


@dataclass
class Counted:
    """A started game, a counter on it with a hand-moved clock, and what it drew."""

    service: GameService
    clock: ManualClock
    ref: GameRef
    ticks: Ticks
    counter: AnsweredCounter
    drawn: list[tuple[int, int]] = field(default_factory=list)


@asynccontextmanager
async def counted_game(path: Path | str) -> AsyncIterator[Counted]:
    clock, ticks = ManualClock(), Ticks()
    async with Database.open(path) as database:
        service = GameService(database, clock)
        ref, _ = await service.start_game(VENUE, HOST, "T", sample_pack(), GameSettings(), 5)
        drawn: list[tuple[int, int]] = []

        async def redraw(game: GameRef, step: int, answered: int) -> None:
            drawn.append((step, answered))

        counter = AnsweredCounter(service, redraw, interval=2.0, clock=ticks, sleep=ticks.sleep)
        yield Counted(service, clock, ref, ticks, counter, drawn)
        await counter.close()


async def test_a_burst_is_drawn_once_now_and_once_after_the_interval(database_at: Path | str) -> None:
    async with counted_game(database_at) as game:
        step = await answer(game.service, game.clock, game.ref, "s0")
        await game.counter.answered(game.ref, step)
        assert game.drawn == [(step, 1)]  # the first answer is drawn at once
        for n in range(1, 30):
            await answer(game.service, game.clock, game.ref, f"s{n}")
            await game.counter.answered(game.ref, step)
        assert game.drawn == [(step, 1)] and game.counter.pending() == 1  # folded into one pending redraw
        game.ticks.wake.set()  # the interval passes
        await _until(lambda: game.counter.pending() == 0)
        await _redrawn(game)
        assert game.drawn == [(step, 1), (step, 30)]  # which reads the count as stored when it runs


async def test_a_redraw_due_after_the_question_closed_draws_nothing(database_at: Path | str) -> None:
    async with counted_game(database_at) as game:
        step = await answer(game.service, game.clock, game.ref, "s0")
        await game.counter.answered(game.ref, step)
        await answer(game.service, game.clock, game.ref, "s1")
        await game.counter.answered(game.ref, step)  # a trailing redraw is pending
        await game.service.handle(game.ref, Advanced("teacher", False, game.clock.tick()))  # the question closes first
        game.ticks.wake.set()
        await _until(lambda: game.counter.pending() == 0)
        await _redrawn(game)
        assert game.drawn == [(step, 1)]  # nothing was drawn over the reveal


async def _redrawn(game: Counted) -> None:
    """Wait for the redraw that just left its pending slot: it holds the game's lock from then
    until it has drawn (or decided not to), and its database read takes longer on some engines."""
    async with game.counter.lock(game.ref):
        pass


async def _until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


async def test_two_processes_redrawing_one_question_end_on_the_stored_count(database_at: Path | str) -> None:
    """Two bot processes on one database take answers to the same question, and each redraws
    the question's "N answered" line. Their edits can reach the platform in the other order
    than their reads: the first process reads 1 and its edit is slow on the way; the second
    reads 2 and draws it; the first's 1 lands last. Once every answer is in and no redraw is
    pending, the message must show the count the database holds, not the stale one."""
    clock = ManualClock()
    shown: list[int] = []  # the question message's count, edit by edit, as the platform applies them
    first_has_read, slow_link = asyncio.Event(), asyncio.Event()

    async def first_draws(game: GameRef, step: int, answered: int) -> None:
        first_has_read.set()
        await slow_link.wait()  # the first process's edit is held up on the network
        shown.append(answered)

    async def second_draws(game: GameRef, step: int, answered: int) -> None:
        shown.append(answered)

    async with Database.open(database_at) as first_db, Database.open(database_at) as second_db:
        first, second = GameService(first_db, clock), GameService(second_db, clock)
        ref, _ = await first.start_game(VENUE, HOST, "T", sample_pack(), GameSettings(), 5)
        first_ticks, second_ticks = Ticks(), Ticks()
        counters = [
            AnsweredCounter(first, first_draws, interval=2.0, clock=first_ticks, sleep=first_ticks.sleep),
            AnsweredCounter(second, second_draws, interval=2.0, clock=second_ticks, sleep=second_ticks.sleep),
        ]
        try:
            step = await answer(first, clock, ref, "s0")
            first_redraw = asyncio.create_task(counters[0].answered(ref, step))
            await asyncio.wait_for(first_has_read.wait(), 10)  # it has read "1 answered"
            await answer(second, clock, ref, "s1")
            await counters[1].answered(ref, step)
            assert shown == [2]  # the second process drew the newer count first
            slow_link.set()
            await first_redraw
            assert shown[:2] == [2, 1]  # then the stale edit landed on top of it
            first_ticks.wake.set()  # the counters' intervals pass: anything they scheduled is drawn
            second_ticks.wake.set()
            await _until(lambda: all(c.pending() == 0 for c in counters), timeout=10)
            for counter in counters:
                async with counter.lock(ref):
                    pass  # a redraw that left its pending slot has finished drawing
            stored = len((await second.load(ref)).answers)
            assert stored == 2
            assert shown[-1] == stored, shown
        finally:
            for counter in counters:
                await counter.close()
