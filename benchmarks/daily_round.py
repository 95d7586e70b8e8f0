"""A busy daily round: many players clicking through one round at once, then the close.

Run: .venv/bin/python benchmarks/daily_round.py [--players 500] [--history 30] [--repeats 3]

Every simulated player plays the whole round privately (Play, each answer, each Continue),
all players concurrently (asyncio.gather); each click is one service call and one
transaction, as a button press is in chat. Then the round closes and its summary is added
up, and leaderboards are read over ``--history`` earlier rounds of the same players (built
first, untimed). Figures are medians over repeats; clicks/s beside the answers/s of a live
game (benchmarks/answers_throughput.py) is the comparison to make.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.content.library import Library, load_library
from bot.identity import Player, Venue
from bot.rounds.leaderboards import LeaderboardService
from bot.rounds.presentation import Action, private_card
from bot.rounds.scheduler import Scheduler
from bot.rounds.service import RoundService
from bot.rounds.summary import Period
from bot.rounds.timing import Timing
from bot.store.database import Database
from bot.store.records import ScheduleSpec
from tests.sqlite_rows import rows

VENUE = Venue("bench", "w", "c")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Quiet:
    async def announce(self, announcement: object) -> str:
        return "posted"

    async def post_summary(self, closed: object) -> str:
        return "posted"


async def play(rounds: RoundService, round_id: int, user: int, latencies: list[float] | None) -> None:
    who, name = Player("bench", "w", f"u{user}"), f"Player {user}"
    started = time.perf_counter()
    view = await rounds.play(round_id, who, name)
    while True:
        if latencies is not None:
            latencies.append(time.perf_counter() - started)
        card = private_card(view)
        if card.action is Action.NONE:
            return
        started = time.perf_counter()
        if card.action is Action.CONTINUE:
            view = await rounds.carry_on(round_id, who, name, card.step)
        else:
            view = await rounds.answer(round_id, who, name, card.step, (user + card.step) % len(card.options))


async def run(folder: Path, players: int, history: int) -> dict[str, float]:
    clock = Clock()
    shipped = load_library()

    async def library_for(workspace_id: int) -> Library:
        return shipped

    async with Database.open(folder / "rounds.db") as database:
        rounds = RoundService(database, library_for, clock)
        scheduler = Scheduler(rounds, Quiet(), "bench")
        await rounds.set_schedule(VENUE, ScheduleSpec(Timing(clock_time(9, 0), "UTC", frozenset(range(7)))), "admin")
        history_players = min(players, 200)
        for _ in range(history + 1):
            clock.now = (await rounds.next_wake("bench")) or clock.now
            await scheduler.tick()
            (latest,) = await rows(database, "SELECT MAX(id) AS id FROM rounds")
            if _ < history:
                await asyncio.gather(*(play(rounds, latest["id"], u, None) for u in range(history_players)))
        clock.now += timedelta(hours=1)
        latencies: list[float] = []
        began = time.perf_counter()
        await asyncio.gather(*(play(rounds, latest["id"], u, latencies) for u in range(players)))
        elapsed = time.perf_counter() - began
        clock.now = (await rounds.next_wake("bench")) or clock.now
        began = time.perf_counter()
        closed = await rounds.close_due("bench")
        close_seconds = time.perf_counter() - began
        assert closed and closed[0].summary.finished == players, closed
        boards = LeaderboardService(database, clock)
        began = time.perf_counter()
        for period in Period:
            await boards.leaderboard(1, period, VENUE.channel_id)
        board_seconds = (time.perf_counter() - began) / len(Period)
    latencies.sort()
    return {
        "clicks": len(latencies),
        "clicks_per_second": len(latencies) / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)],
        "close_and_summary_ms": 1000 * close_seconds,
        "leaderboard_ms": 1000 * board_seconds,
        "database_mib": sum(f.stat().st_size for f in folder.iterdir()) / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=500)
    parser.add_argument("--history", type=int, default=30, help="earlier rounds (200 players each) behind the boards")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as folder:
            results.append(asyncio.run(run(Path(folder), args.players, args.history)))
    print(f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"{args.players} players in one round, {args.history} earlier rounds; medians of {args.repeats}:")
    for key in results[0]:
        values = [r[key] for r in results]
        print(f"  {key:22} {statistics.median(values):10.1f}   (range {min(values):.1f}–{max(values):.1f})")


if __name__ == "__main__":
    main()
