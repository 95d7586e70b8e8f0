"""How fast answers go through the service into SQLite, beside raw SQLite inserts.

Run: .venv/bin/python benchmarks/answers_throughput.py [--players 300] [--questions 5] [--repeats 3]

Each simulated player answers every question concurrently (asyncio.gather); every answer is
one service command with a unique event id, returned once committed. The service runs twice
in each repeat: with group commit (``bot.games.group_commit``, as shipped) and with batches
of one command (one transaction per command, as before group commit). Baselines, same file
system and pragmas, through aiosqlite: one INSERT per transaction, and batched inserts (one
``executemany`` per transaction of 256 rows, the service's batch bound, and of every row at
once). Figures are medians over repeats; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiosqlite

from bot.content.library import load_library
from bot.engine.commands import Advanced, PlayerAnswered
from bot.engine.state import GameSettings, Phase
from bot.games.group_commit import MAX_BATCH, GroupCommit
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.store.database import Database


async def service_run(folder: Path, players: int, questions: int, max_batch: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    async with Database.open(folder / f"service-{max_batch}.db") as database:
        service = GameService(database)
        service.commands = GroupCommit(database, service._states, service.clock, max_batch=max_batch)
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


async def bare_asyncio_rate(players: int, questions: int) -> float:
    """Answers/s through the service's asyncio shape alone: per answer a task (as in
    ``service_run``) building its command and awaiting a future that one drain task settles
    in batches of MAX_BATCH, with no engine and no database. Any in-process service that gives
    each command its own awaitable outcome stays below this."""
    loop = asyncio.get_running_loop()
    queue: list[asyncio.Future[None]] = []
    drainer: asyncio.Task[None] | None = None
    latencies: list[float] = []

    async def drain() -> None:
        while queue:
            batch = queue[:MAX_BATCH]
            del queue[:MAX_BATCH]
            await asyncio.sleep(0)  # the batch's transaction, minus the transaction
            for done in batch:
                done.set_result(None)

    async def answer(player: int, step: int) -> None:
        nonlocal drainer
        started = time.perf_counter()
        PlayerAnswered(f"p{player}", f"Player {player}", step, player % 4, datetime.now(UTC))
        done = loop.create_future()
        queue.append(done)
        if drainer is None or drainer.done():
            drainer = asyncio.create_task(drain())
        await done
        latencies.append(time.perf_counter() - started)

    began = time.perf_counter()
    for step in range(questions):
        await asyncio.gather(*(answer(p, step) for p in range(players)))
    return players * questions / (time.perf_counter() - began)


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


async def raw_batched_rate(folder: Path, rows: int, per_transaction: int) -> float:
    """Rows/s inserted ``per_transaction`` at a time with one executemany each: the floor of
    what writing answers in batches costs on this disk."""
    async with aiosqlite.connect(folder / f"batched-{per_transaction}.db", isolation_level=None) as db:
        for pragma in ("busy_timeout = 5000", "journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
            await db.execute(f"PRAGMA {pragma}")
        await db.execute(
            "CREATE TABLE raw (game INTEGER, step INTEGER, user TEXT, option INTEGER, at TEXT,"
            " PRIMARY KEY (game, step, user))"
        )
        values = [(row // 1000, f"p{row}", row % 4) for row in range(rows)]
        began = time.perf_counter()
        for start in range(0, rows, per_transaction):
            await db.execute("BEGIN IMMEDIATE")
            await db.executemany(
                "INSERT INTO raw VALUES (1, ?, ?, ?, '2026-01-01T00:00:00+00:00')",
                values[start : start + per_transaction],
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
    figures: dict[str, list[float]] = {}

    def keep(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    answers = args.players * args.questions
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as folder:
            for label, max_batch in (("grouped", MAX_BATCH), ("alone", 1)):
                rate, latencies = await service_run(Path(folder), args.players, args.questions, max_batch)
                keep(f"{label} rate", rate)
                keep(f"{label} p50", percentile(latencies, 0.50) * 1000)
                keep(f"{label} p99", percentile(latencies, 0.99) * 1000)
            # It takes milliseconds, so its median of five is kept, not one noisy sample.
            bare = [await bare_asyncio_rate(args.players, args.questions) for _ in range(5)]
            keep("bare asyncio", statistics.median(bare))
            keep("raw one", await raw_insert_rate(Path(folder), answers))
            keep("raw 256", await raw_batched_rate(Path(folder), answers * 20, MAX_BATCH))
            keep("raw all", await raw_batched_rate(Path(folder), answers * 20, answers * 20))

    def median(name: str) -> float:
        return statistics.median(figures[name])

    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{len(__import__('os').sched_getaffinity(0))} cores"
    )
    print(f"{args.players} players x {args.questions} questions, {args.repeats} repeats (medians)")
    print(f"service answers/s, group commit:        {median('grouped rate'):9.0f}")
    print(f"service answers/s, one per transaction: {median('alone rate'):9.0f}")
    print(f"bare asyncio answers/s (no engine, no database): {median('bare asyncio'):9.0f}")
    print(f"raw inserts/s, one per transaction:     {median('raw one'):9.0f}")
    print(f"raw inserts/s, {MAX_BATCH} per executemany:      {median('raw 256'):9.0f}")
    print(f"raw inserts/s, all in one executemany:  {median('raw all'):9.0f}")
    print(f"ratio group commit / raw batched (all):  {median('grouped rate') / median('raw all'):8.3f}")
    print(f"ratio group commit / raw batched (256):  {median('grouped rate') / median('raw 256'):8.3f}")
    print(f"ratio one-per-transaction / raw batched: {median('alone rate') / median('raw all'):8.4f}")
    print(f"ratio group commit / one per transaction: {median('grouped rate') / median('alone rate'):7.1f}")
    print(f"ratio bare asyncio / raw batched (all):  {median('bare asyncio') / median('raw all'):8.3f}")
    print(f"ratio group commit / bare asyncio:       {median('grouped rate') / median('bare asyncio'):8.3f}")
    for label in ("grouped", "alone"):
        print(
            f"latency under {args.players} concurrent players, {label:7}: "
            f"p50 {median(label + ' p50'):7.1f} ms, p99 {median(label + ' p99'):7.1f} ms"
        )


if __name__ == "__main__":
    asyncio.run(main())
