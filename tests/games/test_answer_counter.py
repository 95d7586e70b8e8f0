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
