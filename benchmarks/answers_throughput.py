"""How fast answers go through the service into SQLite, beside raw SQLite inserts.

Run: .venv/bin/python benchmarks/answers_throughput.py [--players 300] [--questions 5] [--repeats 3]

Each simulated player answers every question concurrently (asyncio.gather); every answer is
one service command: load the game, apply, commit, return effects, with a unique event id.
The baseline does the minimum the same durability needs: one INSERT per transaction through
aiosqlite, same pragmas. Figures are medians over repeats; the ratio is what to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiosqlite

from bot.content.library import load_library
from bot.engine.commands import Advanced, PlayerAnswered
from bot.engine.state import GameSettings, Phase
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.store.database import Database


async def service_run(folder: Path, players: int, questions: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    async with Database.open(folder / "service.db") as database:
        service = GameService(database)
        pack = load_library().get("us-russia-normalization")
        ref, _ = await service.start_game(
            Venue("bench", "w", "c"), Player("bench", "w", "host"), "Host", pack, GameSettings(), seed=1
        )

        async def answer(player: int, step: int, options: int) -> None:
            started = time.perf_counter()
            command = PlayerAnswered(f"p{player}", f"Player {player}", step, player % options, service.clock())
            outcome = await service.handle(ref, command, event_id=f"{step}:{player}")
            latencies.append(time.perf_counter() - started)
            assert outcome.accepted, outcome.reply

        began = time.perf_counter()
        asked = 0
        while asked < questions:
            state = await service.load(ref)
            if state.phase is Phase.OPEN:
                await asyncio.gather(*(answer(p, state.step, len(state.current.options)) for p in range(players)))
                asked += 1
            await service.handle(ref, Advanced("host", False, service.clock()))
        elapsed = time.perf_counter() - began
    return players * questions / elapsed, latencies


async def raw_insert_rate(folder: Path, rows: int) -> float:
    # The baseline bypasses the store on purpose: one raw INSERT per transaction, same pragmas.
    async with Database.open(folder / "raw.db"), aiosqlite.connect(folder / "raw.db", isolation_level=None) as db:
        for pragma in ("busy_timeout = 5000", "journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
            await db.execute(f"PRAGMA {pragma}")
        await db.execute(
            "CREATE TABLE raw (game INTEGER, step INTEGER, user TEXT, option INTEGER, at TEXT,"
            " PRIMARY KEY (game, step, user))"
        )
        began = time.perf_counter()
        for row in range(rows):
            await db.execute("BEGIN IMMEDIATE")
            await db.execute(
                "INSERT INTO raw VALUES (1, ?, ?, ?, '2026-01-01T00:00:00+00:00')", (row // 1000, f"p{row}", row % 4)
            )
            await db.execute("COMMIT")
        return rows / (time.perf_counter() - began)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--players", type=int, default=300)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rates, raws, p50s, p99s = [], [], [], []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as folder:
            rate, latencies = await service_run(Path(folder), args.players, args.questions)
            raw = await raw_insert_rate(Path(folder), args.players * args.questions)
        rates.append(rate)
        raws.append(raw)
        p50s.append(percentile(latencies, 0.50) * 1000)
        p99s.append(percentile(latencies, 0.99) * 1000)
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{len(__import__('os').sched_getaffinity(0))} cores"
    )
    print(f"{args.players} players x {args.questions} questions, {args.repeats} repeats (medians)")
    print(f"service answers/s:        {statistics.median(rates):8.0f}")
    print(f"raw SQLite inserts/s:     {statistics.median(raws):8.0f}   (one INSERT per transaction, same pragmas)")
    print(f"ratio service/raw:        {statistics.median(rates) / statistics.median(raws):8.2f}")
    print(f"command latency p50 (ms): {statistics.median(p50s):8.2f}   (under {args.players} concurrent players)")
    print(f"command latency p99 (ms): {statistics.median(p99s):8.2f}")


if __name__ == "__main__":
    asyncio.run(main())
