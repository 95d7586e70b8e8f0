"""What only the PostgreSQL engine has to show: its migrations in the database, the health
probe, a copy of a deployment to PostgreSQL and back, and the game row lock across stores."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import asyncpg
import pytest

from bot.cli import main
from bot.engine.commands import PlayerAnswered
from bot.engine.state import GameSettings
from bot.games.service import GameService
from bot.health import check_health, record_heartbeat
from bot.identity import Player, Venue
from bot.rounds.scheduler import Scheduler
from bot.store.database import open_store
from bot.store.postgres.migrations import MIGRATIONS
from bot.store.postgres.store import PostgresStore
from bot.store.transfer import JSON_COLUMNS, TABLES
from tests import sqlite_rows
from tests.engine.helpers import ManualClock, sample_pack
from tests.engines import PostgresForTests
from tests.reports.classroom import play_classroom
from tests.rounds.helpers import PLATFORM, RecordingPresenter, at, daily, player, round_service, venue
from tests.rounds.test_round_service import finish, open_round

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def postgres_url(postgres_server: PostgresForTests) -> Iterator[str]:
    url = postgres_server.create()
    yield url
    postgres_server.drop(url)


async def test_migrations_are_recorded_in_the_database_and_applied_once(postgres_url: str) -> None:
    async with open_store(postgres_url) as first, open_store(postgres_url) as second:
        assert await first.schema_version() == await second.schema_version() == len(MIGRATIONS)
    connection = await asyncpg.connect(postgres_url)
    try:
        applied = [r["version"] for r in await connection.fetch("SELECT version FROM schema_version ORDER BY 1")]
        columns = await connection.fetch(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'games'"
        )
        kinds = {str(r["column_name"]): str(r["data_type"]) for r in columns}
    finally:
        await connection.close()
    assert applied == list(range(1, len(MIGRATIONS) + 1))
    assert kinds["started_at"] == "timestamp with time zone" and kinds["script"] == "jsonb"


async def test_health_reads_a_postgresql_database(postgres_url: str) -> None:
    async with open_store(postgres_url) as store:
        assert (await check_health(postgres_url, None, NOW)).healthy
        assert not (await check_health(postgres_url, "slack", NOW)).healthy
        await record_heartbeat(store, "slack", NOW - timedelta(seconds=20))
        fresh = await check_health(postgres_url, "slack", NOW)
        assert fresh.healthy and "slack connected 20 s ago" in fresh.detail
    unreachable = await check_health("postgresql://nobody:secret@127.0.0.1:1/none", None, NOW)
    assert not unreachable.healthy and "cannot be read" in unreachable.detail
    assert "secret" not in unreachable.detail  # the password never reaches a log


async def test_answers_racing_on_one_game_from_two_stores_are_all_kept(postgres_url: str) -> None:
    """Two stores, as two processes: without the game row lock, commands computed from the same
    state would interleave (here: new players would take the same join number)."""
    clock = ManualClock()
    async with open_store(postgres_url) as first, open_store(postgres_url) as second:
        host = Player("slack", "T1", "teacher")
        ref, _ = await GameService(first, clock).start_game(
            Venue("slack", "T1", "C1"), host, "T", sample_pack(), GameSettings(), seed=3
        )
        state = await GameService(first, clock).load(ref)
        services = [GameService(store, clock) for store in (first, second)]
        await asyncio.gather(
            *(
                services[n % 2].handle(ref, PlayerAnswered(f"s{n}", f"S{n}", state.step, 0, clock.tick()))
                for n in range(40)
            )
        )
        after = await services[1].load(ref)
        assert len(after.answers) == 40 and set(after.players) == {"teacher"} | {f"s{n}" for n in range(40)}
        joined = await sqlite_rows.rows(first, "SELECT joined FROM game_players WHERE game_id = ?", (ref.game_id,))
        assert sorted(row["joined"] for row in joined) == list(range(1, 42))


async def _deployment(location: Path | str) -> None:
    """Two classroom games and two daily rounds, one played; the results site's rows too (a
    channel name, a note, a revoked link generation, the signing key)."""
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    async with open_store(location) as store:
        service = GameService(store, clock)
        await play_classroom(service, clock)
        clock.tick(86400)
        await play_classroom(service, clock, seed=9)
        async with store.write() as uow:
            game = (await uow.reports.listings())[0]
            await uow.games.ensure_channel(game.ref.workspace_id, game.channel, "civics-3b")
            assert await uow.web.add_note(game.ref, "Revisit thread 2", clock()) > 0
            assert await uow.web.revoke_links(game.ref.workspace_id, clock()) == 1
            await uow.web.signing_secret("the deployment's key", clock())
    round_clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with round_service(location, round_clock) as rounds:
        scheduler = Scheduler(rounds, RecordingPresenter(), PLATFORM)
        await rounds.set_schedule(venue(), daily(time(9, 0)), "admin")
        round_id = await open_round(scheduler, round_clock, 5)
        await finish(rounds, round_id, player("ann"), right=2)
        await open_round(scheduler, round_clock, 6)


def test_db_copy_round_trips_sqlite_to_postgresql_and_back(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    original, back = tmp_path / "original.db", tmp_path / "back.db"
    asyncio.run(_deployment(original))
    assert main(["db", "copy", str(original), postgres_url]) == 0, capsys.readouterr().err
    there = capsys.readouterr().out
    assert "4 game reports compared" in there and "every row count and report matches" in there
    assert main(["db", "copy", postgres_url, str(back)]) == 0, capsys.readouterr().err
    capsys.readouterr()

    def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
        """Every row of every table; JSON compared as values (PostgreSQL's jsonb keeps no text)."""
        with sqlite3.connect(path) as db:
            tables = {}
            for table in TABLES:
                cursor = db.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
                names = [d[0] for d in cursor.description]
                texts = JSON_COLUMNS.get(table, ())
                tables[table] = [
                    tuple(json.loads(v) if n in texts else v for n, v in zip(names, row, strict=True))
                    for row in cursor.fetchall()
                ]
            return tables

    assert dump(back) == dump(original)  # every row, every instant's text, every id

    async def next_ids() -> list[int]:  # new rows after a copy take ids after the copied ones
        async with open_store(postgres_url) as store, store.write() as uow:
            game = (await uow.reports.listings())[0]
            return [
                await uow.games.ensure_workspace("slack", "T-new"),
                await uow.web.add_note(game.ref, "after the copy", NOW),
            ]

    copied = dump(original)
    assert copied["game_notes"] and copied["web_access"] and copied["web_signing_key"]
    assert asyncio.run(next_ids()) == [
        max(int(str(row[0])) for row in copied[table]) + 1 for table in ("workspaces", "game_notes")
    ]
    assert main(["db", "copy", str(original), postgres_url]) == 2  # the target holds data now
    assert "already holds data" in capsys.readouterr().err


def test_db_upgrade_migrates_each_engine(tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade", "--database-url", postgres_url]) == 0
    assert f"schema version {len(MIGRATIONS)}" in capsys.readouterr().out
    assert main(["db", "upgrade", "--db", str(tmp_path / "new.db")]) == 0
    assert (tmp_path / "new.db").is_file()
    assert main(["db", "upgrade", "--database-url", "mysql://x"]) == 2
    assert "postgresql://" in capsys.readouterr().err


async def test_writes_to_one_game_take_turns_and_a_cancelled_one_leaves_no_turn_behind(postgres_url: str) -> None:
    async with open_store(postgres_url) as store:
        assert isinstance(store, PostgresStore)
        ref, _ = await GameService(store).start_game(
            Venue("slack", "T1", "C1"), Player("slack", "T1", "teacher"), "T", sample_pack(), GameSettings(), seed=3
        )
        order: list[str] = []
        loaded, release = asyncio.Event(), asyncio.Event()

        async def first() -> None:
            async with store.write() as uow:
                await uow.games.load(ref)
                order.append("first loaded")
                loaded.set()
                await release.wait()
                order.append("first ends")

        async def second() -> None:
            await loaded.wait()
            async with store.write() as uow:
                await uow.games.load(ref)
                order.append("second loaded")

        running = asyncio.gather(first(), second())
        await loaded.wait()
        waiting = asyncio.create_task(second())  # a third write, cancelled while it waits its turn
        await asyncio.sleep(0.1)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        release.set()
        await running
        assert order == ["first loaded", "first ends", "second loaded"]
        assert store.turns.waiting() == 0  # nothing kept for a game nobody is writing
        async with asyncio.timeout(5), store.write() as uow:  # and the game is free
            await uow.games.load(ref)
