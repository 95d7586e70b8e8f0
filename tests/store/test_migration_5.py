"""Upgrading a database written before migration 5 (game kinds, the one-live-game index,
joining order, one timestamp format). The old file is built with the shipped migrations
1-4 and rows as the old code wrote them: this test inspects the schema itself."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.store.database import Database
from bot.store.sqlite.migrations import MIGRATIONS
from tests import sqlite_rows

OLD_ROWS = """
INSERT INTO workspaces (id, platform, external_id) VALUES (1, 'slack', 'T1');
INSERT INTO channels (id, workspace_id, external_id) VALUES (1, 1, 'C1'), (2, 1, 'C2');
INSERT INTO pack_snapshots (hash, pack_id, body) VALUES ('h', 'p', '{}');
-- two live games in C1 (the old race), one ended game, and a round's game, all in C1/C2
INSERT INTO games (id, workspace_id, channel_id, pack_hash, pack_id, seed, settings, script, host, status, step,
                   phase, phase_started_at, started_at)
VALUES (1, 1, 1, 'h', 'p', 1, '{}', '{}', 'teacher', 'running', 0, 'open', '2026-01-05T09:00:00+00:00',
        '2026-01-05T09:00:00+00:00'),
       (2, 1, 1, 'h', 'p', 1, '{}', '{}', 'teacher', 'paused', 0, 'open', '2026-01-05T09:00:00.250000+00:00',
        '2026-01-05T10:00:00.250000+01:00'),
       (3, 1, 1, 'h', 'p', 1, '{}', '{}', 'teacher', 'ended', 0, 'revealed', '2026-01-04T09:00:00+00:00',
        '2026-01-04T09:00:00+00:00'),
       (4, 1, 1, 'h', 'p', 1, '{}', '{}', 'rebuttal:daily-round', 'running', 0, 'shown',
        '2026-01-05T08:00:00+00:00', '2026-01-05T08:00:00+00:00');
INSERT INTO rounds (id, workspace_id, channel_id, game_id, number, thread_id, scheduled_for, closes_at)
VALUES (1, 1, 1, 4, 1, 't', '2026-01-05T08:00:00.000000+00:00', '2026-01-06T08:00:00.000000+00:00');
INSERT INTO game_players (game_id, user_id, display_name) VALUES (1, 'zed', 'Zed'), (1, 'amy', 'Amy'),
       (1, 'bob', 'Bob');
"""


async def old_database(path: Path) -> None:
    async with aiosqlite.connect(path, isolation_level=None) as db:
        for number, script in enumerate(MIGRATIONS[:4], start=1):
            await db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        await db.executescript(f"BEGIN;\n{OLD_ROWS}\nCOMMIT;")


async def test_an_old_database_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"  # SQLite only: an old SQLite file, built with its first four migrations
    await old_database(path)
    async with Database.open(path) as store:
        assert await store.schema_version() == len(MIGRATIONS) >= 5
        games = await sqlite_rows.rows(store, "SELECT id, kind, status, started_at FROM games ORDER BY id")
        assert [(g["id"], g["kind"], g["status"]) for g in games] == [
            (1, "live", "ended"),  # the older of the two racing games is ended; the newer stays
            (2, "live", "paused"),
            (3, "live", "ended"),
            (4, "round", "running"),
        ]
        # one format: UTC, microseconds, even where the old row had an offset or no fraction
        assert games[0]["started_at"] == "2026-01-05T09:00:00.000000+00:00"
        assert games[1]["started_at"] == "2026-01-05T09:00:00.250000+00:00"
        async with store.read() as uow:
            listed = await uow.reports.listings(since=datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
            assert [g.ref.game_id for g in listed] == [1, 2]  # 08:00 and the 4th are before
            assert [r.ref.game_id for r in await uow.games.running()] == [2]  # not the round, not the ended
            # the joining order the old rows had (insertion order), not the ids' order
            assert await uow.reports.students(listed[0].ref) == ["zed", "amy", "bob"]
        index = await sqlite_rows.rows(store, "SELECT sql FROM sqlite_master WHERE name = 'one_live_game_per_channel'")
        assert "UNIQUE" in index[0]["sql"]
