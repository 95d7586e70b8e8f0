"""``rebuttal health``: database migrated, and a fresh heartbeat for the platform.

SQLite only: these check that a probe creates no file and read the file's ``user_version``
(PostgreSQL's health checks are in tests/store/test_postgres.py)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.cli import main
from bot.health import check_health, record_heartbeat
from bot.store.database import Database
from tests import sqlite_rows

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


async def test_health_states(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    missing = await check_health(path, None, NOW)
    assert not missing.healthy and "does not exist" in missing.detail
    assert not path.exists()  # a probe creates nothing
    async with Database.open(path) as database:
        assert (await check_health(path, None, NOW)).healthy
        never = await check_health(path, "discord", NOW)
        assert not never.healthy and never.detail == "no discord connection has been recorded yet"
        await record_heartbeat(database, "discord", NOW - timedelta(seconds=20))
        assert (await check_health(path, "discord", NOW)).healthy
        stale = await check_health(path, "discord", NOW + timedelta(minutes=5))
        assert not stale.healthy and "last seen 320 s ago" in stale.detail
        assert not (await check_health(path, "slack", NOW)).healthy
        await sqlite_rows.set_user_version(database, 1)
        old = await check_health(path, None, NOW)
        assert not old.healthy and "schema is at version 1" in old.detail


def test_health_command_exit_codes(tmp_path: Path, capsys: object) -> None:
    path = tmp_path / "none.db"
    assert main(["health", "--db", str(path)]) == 1  # a named database that is not there: unhealthy
    assert not path.exists()
    import asyncio

    async def create() -> None:
        async with Database.open(path):
            pass

    asyncio.run(create())
    assert main(["health", "--db", str(path)]) == 0
    assert main(["health", "--db", str(path), "--platform", "slack"]) == 1
