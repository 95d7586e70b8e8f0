"""The store on each engine, and the driver choice behind the PostgreSQL store.

Run: .venv/bin/python benchmarks/store_engines.py [--players 300] [--questions 3] [--repeats 3]
     [--transactions 2000] [--database-url postgresql://…]

Part 1, through the service: each simulated player answers every question concurrently, each
answer one full command (event-id claim, load with version check, engine, write, commit), on
SQLite (one file, WAL) and on PostgreSQL (the asyncpg store, a pool of 10, a row lock on the
game). Same workload as answers_throughput.py; then the same players split over --games games
running at once (SQLite has one writer for all games; PostgreSQL serialises per game only).

Part 2, the driver question (asyncpg directly, or SQLAlchemy Core's async engine so both
engines could share one set of queries): the statements of one answer (lock the game row,
upsert the answer, bump the game's version), one transaction at a time on one connection,
written once with asyncpg and once as SQLAlchemy Core expressions; aiosqlite and SQLAlchemy
over aiosqlite likewise. The bare baseline on each engine, measured in the same run: one
INSERT per transaction with the same driver.

PostgreSQL comes from --database-url (an empty database the benchmark may create tables in)
or, without it, from pgserver in a temporary directory. SQLAlchemy is not a dependency of
Rebuttal: ``pip install 'sqlalchemy[asyncio]'`` to measure part 2's SQLAlchemy rows.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiosqlite
import asyncpg

from bot.content.library import load_library
from bot.engine.commands import Advanced, PlayerAnswered
from bot.engine.state import GameSettings, Phase
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.store.database import open_store
from bot.store.records import GameRef

AT = datetime(2026, 1, 1, tzinfo=UTC)
SCHEMA = (
    "CREATE TABLE bench_games (id integer PRIMARY KEY, version integer NOT NULL DEFAULT 0)",
    "CREATE TABLE bench_answers (game integer, step integer, player text, option integer, at {instant},"
    " PRIMARY KEY (game, step, player))",
    "CREATE TABLE bench_raw (n integer PRIMARY KEY, at {instant})",
    "INSERT INTO bench_games (id) VALUES (1)",
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- part 1: answers through the service ---------------------------------------------------


async def service_run(location: Path | str, players: int, questions: int, games: int = 1) -> tuple[float, list[float]]:
    """``games`` games in as many channels, each with ``players`` answering every question at once."""
    latencies: list[float] = []
    async with open_store(location) as database:
        service = GameService(database)
        pack = load_library().get("us-russia-normalization")
        refs = [
            (
                await service.start_game(
                    Venue("bench", "w", f"c{n}"), Player("bench", "w", "host"), "Host", pack, GameSettings(), seed=1
                )
            )[0]
            for n in range(games)
        ]

        async def answer(ref: GameRef, player: int, step: int, options: int) -> None:
            started = time.perf_counter()
            command = PlayerAnswered(f"p{player}", f"Player {player}", step, player % options, service.clock())
            outcome = await service.handle(ref, command, event_id=f"{ref.game_id}:{step}:{player}")
            latencies.append(time.perf_counter() - started)
            assert outcome.accepted, outcome.reply

        async def play(ref: GameRef) -> None:
            asked = 0
            while asked < questions:
                state = await service.load(ref)
                if state.phase is Phase.OPEN:
                    options = len(state.current.options)
                    await asyncio.gather(*(answer(ref, p, state.step, options) for p in range(players)))
                    asked += 1
                await service.handle(ref, Advanced("host", False, service.clock()))

        began = time.perf_counter()
        await asyncio.gather(*(play(ref) for ref in refs))
        elapsed = time.perf_counter() - began
    return games * players * questions / elapsed, latencies


# --- part 2: one answer's statements, per driver -------------------------------------------


async def timed(transactions: int, one: Callable[[int], Awaitable[None]]) -> float:
    began = time.perf_counter()
    for n in range(transactions):
        await one(n)
    return transactions / (time.perf_counter() - began)


async def asyncpg_rates(url: str, transactions: int) -> tuple[float, float]:
    """(answer transactions/s, bare inserts/s) with asyncpg, prepared statements as the store uses."""
    connection = await asyncpg.connect(url)
    try:

        async def answer(n: int) -> None:
            async with connection.transaction():
                await connection.fetchval("SELECT version FROM bench_games WHERE id = 1 FOR UPDATE")
                await connection.execute(
                    "INSERT INTO bench_answers VALUES (1, $1, $2, $3, $4) ON CONFLICT (game, step, player)"
                    " DO UPDATE SET option = excluded.option, at = excluded.at",
                    n // 1000,
                    f"p{n}",
                    n % 4,
                    AT,
                )
                await connection.execute("UPDATE bench_games SET version = version + 1 WHERE id = 1")

        async def bare(n: int) -> None:
            async with connection.transaction():
                await connection.execute("INSERT INTO bench_raw VALUES ($1, $2)", n, AT)

        return await timed(transactions, answer), await timed(transactions, bare)
    finally:
        await connection.close()


async def aiosqlite_rates(path: Path, transactions: int) -> tuple[float, float]:
    async with aiosqlite.connect(path, isolation_level=None) as db:
        for pragma in ("busy_timeout = 5000", "journal_mode = WAL", "synchronous = NORMAL"):
            await db.execute(f"PRAGMA {pragma}")

        async def answer(n: int) -> None:
            await db.execute("BEGIN IMMEDIATE")
            async with db.execute("SELECT version FROM bench_games WHERE id = 1") as cursor:
                await cursor.fetchone()
            await db.execute(
                "INSERT INTO bench_answers VALUES (1, ?, ?, ?, ?) ON CONFLICT (game, step, player)"
                " DO UPDATE SET option = excluded.option, at = excluded.at",
                (n // 1000, f"p{n}", n % 4, AT.isoformat()),
            )
            await db.execute("UPDATE bench_games SET version = version + 1 WHERE id = 1")
            await db.execute("COMMIT")

        async def bare(n: int) -> None:
            await db.execute("BEGIN IMMEDIATE")
            await db.execute("INSERT INTO bench_raw VALUES (?, ?)", (n, AT.isoformat()))
            await db.execute("COMMIT")

        return await timed(transactions, answer), await timed(transactions, bare)


async def sqlalchemy_rate(url: str, transactions: int) -> float:
    """The same answer transaction as SQLAlchemy Core expressions on its async engine."""
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, select, update
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.ext.asyncio import create_async_engine

    metadata = MetaData()
    games = Table("bench_games", metadata, Column("id", Integer, primary_key=True), Column("version", Integer))
    answers = Table(
        "bench_answers",
        metadata,
        Column("game", Integer, primary_key=True),
        Column("step", Integer, primary_key=True),
        Column("player", String, primary_key=True),
        Column("option", Integer),
        Column("at", DateTime(timezone=True)),
    )
    is_sqlite = url.startswith("sqlite")
    dialect_insert = sqlite.insert if is_sqlite else postgresql.insert
    engine = create_async_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            if is_sqlite:
                await connection.exec_driver_sql("PRAGMA journal_mode = WAL")
                await connection.exec_driver_sql("PRAGMA synchronous = NORMAL")
                await connection.commit()

            async def answer(n: int) -> None:
                async with connection.begin():
                    locked = select(games.c.version).where(games.c.id == 1)
                    await connection.execute(locked if is_sqlite else locked.with_for_update())
                    upsert = dialect_insert(answers).values(game=1, step=n // 1000, player=f"p{n}", option=n % 4, at=AT)
                    await connection.execute(
                        upsert.on_conflict_do_update(
                            index_elements=[answers.c.game, answers.c.step, answers.c.player],
                            set_={"option": upsert.excluded.option, "at": upsert.excluded.at},
                        )
                    )
                    await connection.execute(update(games).where(games.c.id == 1).values(version=games.c.version + 1))

            return await timed(transactions, answer)
    finally:
        await engine.dispose()


async def prepare_postgres(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        for table in ("bench_games", "bench_answers", "bench_raw"):
            await connection.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in SCHEMA:
            await connection.execute(statement.format(instant="timestamptz"))
    finally:
        await connection.close()


async def reset_postgres(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("TRUNCATE bench_answers, bench_raw")
    finally:
        await connection.close()


async def prepare_sqlite(path: Path) -> None:
    path.unlink(missing_ok=True)
    async with aiosqlite.connect(path) as db:
        for statement in SCHEMA:
            await db.execute(statement.format(instant="TEXT"))
        await db.commit()


def sqlalchemy_installed() -> bool:
    try:
        import sqlalchemy  # noqa: F401
    except ImportError:
        return False
    return True


@contextlib.contextmanager
def postgres(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from pgserver.postgres_server import get_server

    with tempfile.TemporaryDirectory(prefix="rebuttal-bench-pg-") as folder:
        server = get_server(Path(folder), cleanup_mode="stop")
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


def with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


@contextlib.asynccontextmanager
async def fresh_database(admin_url: str, name: str) -> AsyncIterator[str]:
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    try:
        yield with_database(admin_url, name)
    finally:
        connection = await asyncpg.connect(admin_url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


def sqlalchemy_postgres_url(url: str) -> str:
    return "postgresql+asyncpg://" + url.split("://", 1)[1]


def with_settings(url: str, settings: str) -> str:
    """asyncpg passes query parameters it does not know to the server as settings."""
    return f"{url}{'&' if '?' in url else '?'}{settings}" if settings else url


async def driver_comparison(
    admin_url: str, bench_file: Path, args: argparse.Namespace, note: Callable[[str, object], None]
) -> None:
    async with fresh_database(admin_url, "rebuttal_bench_drivers") as url:
        await prepare_postgres(url)
        for _ in range(args.repeats):
            await reset_postgres(url)
            answer, bare = await asyncpg_rates(url, args.transactions)
            note("asyncpg answer", answer)
            note("asyncpg bare", bare)
            await prepare_sqlite(bench_file)
            answer, bare = await aiosqlite_rates(bench_file, args.transactions)
            note("aiosqlite answer", answer)
            note("aiosqlite bare", bare)
            if sqlalchemy_installed():
                await reset_postgres(url)
                rate = await sqlalchemy_rate(sqlalchemy_postgres_url(url), args.transactions)
                note("sqlalchemy postgresql answer", rate)
                await prepare_sqlite(bench_file)
                note(
                    "sqlalchemy sqlite answer",
                    await sqlalchemy_rate(f"sqlite+aiosqlite:///{bench_file}", args.transactions),
                )


async def run(args: argparse.Namespace, admin_url: str) -> None:
    results: dict[str, list[Any]] = {}

    def note(name: str, value: object) -> None:
        results.setdefault(name, []).append(value)

    with tempfile.TemporaryDirectory() as folder:
        for repeat in range(args.repeats):
            sqlite_file = Path(folder) / f"service-{repeat}.db"
            rate, latencies = await service_run(sqlite_file, args.players, args.questions)
            note("service sqlite", rate)
            note("p50 sqlite", percentile(latencies, 0.5) * 1000)
            note("p99 sqlite", percentile(latencies, 0.99) * 1000)
            async with fresh_database(admin_url, f"rebuttal_bench_{repeat}") as url:
                rate, latencies = await service_run(
                    with_settings(url, args.server_settings), args.players, args.questions
                )
            note("service postgresql", rate)
            note("p50 postgresql", percentile(latencies, 0.5) * 1000)
            note("p99 postgresql", percentile(latencies, 0.99) * 1000)
            if args.games > 1:  # the same answers spread over several games at once
                per_game = args.players // args.games
                rate, _ = await service_run(Path(folder) / f"games-{repeat}.db", per_game, args.questions, args.games)
                note("games sqlite", rate)
                async with fresh_database(admin_url, f"rebuttal_bench_games_{repeat}") as url:
                    rate, _ = await service_run(
                        with_settings(url, args.server_settings), per_game, args.questions, args.games
                    )
                note("games postgresql", rate)

        if not args.service_only:
            await driver_comparison(admin_url, Path(folder) / "drivers.db", args, note)

    def median(name: str) -> float:
        return float(statistics.median(results[name]))

    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{len(os.sched_getaffinity(0))} cores; medians of {args.repeats} repeats"
    )
    print(f"\n1. through the service: {args.players} players x {args.questions} questions")
    print("engine       answers/s   p50 ms   p99 ms")
    for engine in ("sqlite", "postgresql"):
        print(
            f"{engine:<12} {median('service ' + engine):9.0f} {median('p50 ' + engine):8.1f} "
            f"{median('p99 ' + engine):8.1f}"
        )
    print(f"ratio postgresql/sqlite answers/s: {median('service postgresql') / median('service sqlite'):.2f}")
    if args.games > 1:
        print(f"the same {args.players} players as {args.games} games of {args.players // args.games}, at once:")
        for engine in ("sqlite", "postgresql"):
            print(f"{engine:<12} {median('games ' + engine):9.0f} answers/s")
        print(f"ratio postgresql/sqlite answers/s: {median('games postgresql') / median('games sqlite'):.2f}")
    if args.service_only:
        return
    print(f"\n2. one answer's statements, {args.transactions} transactions one after another")
    print("driver                          tx/s   vs bare insert on that driver")
    rows = [
        ("asyncpg", "asyncpg answer", "asyncpg bare"),
        ("SQLAlchemy Core on asyncpg", "sqlalchemy postgresql answer", "asyncpg bare"),
        ("aiosqlite", "aiosqlite answer", "aiosqlite bare"),
        ("SQLAlchemy Core on aiosqlite", "sqlalchemy sqlite answer", "aiosqlite bare"),
    ]
    for label, name, bare in rows:
        if name in results:
            print(f"{label:<30} {median(name):6.0f}   {median(name) / median(bare):.2f}")
    print(f"{'bare insert, asyncpg':<30} {median('asyncpg bare'):6.0f}")
    print(f"{'bare insert, aiosqlite':<30} {median('aiosqlite bare'):6.0f}")
    if "sqlalchemy postgresql answer" in results:
        print(
            f"SQLAlchemy/asyncpg: {median('sqlalchemy postgresql answer') / median('asyncpg answer'):.2f}; "
            f"SQLAlchemy/aiosqlite: {median('sqlalchemy sqlite answer') / median('aiosqlite answer'):.2f}"
        )
    else:
        print("(SQLAlchemy rows left out: pip install 'sqlalchemy[asyncio]' to measure them)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--players", type=int, default=300)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--transactions", type=int, default=2000)
    parser.add_argument("--games", type=int, default=4, help="also spread the players over this many games (1: no)")
    parser.add_argument("--database-url", help="a PostgreSQL server to use (default: pgserver in a temp dir)")
    parser.add_argument(
        "--server-settings",
        default="",
        help="PostgreSQL settings for the store's connections, as URL query text, e.g. synchronous_commit=off",
    )
    parser.add_argument("--service-only", action="store_true", help="leave out part 2 (the driver comparison)")
    args = parser.parse_args()
    with postgres(args.database_url) as admin_url:
        asyncio.run(run(args, admin_url))


if __name__ == "__main__":
    main()
