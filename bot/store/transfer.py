"""Copying a whole deployment between engines (``rebuttal db copy``): SQLite ⇄ PostgreSQL.

Both sides are migrated to this program's schema first (the source must already be; the
target is created or migrated, and must hold no data). Every table is read whole from the
source and written to the target in one transaction, keeping every id, so game numbers,
rounds and links stay what they were; PostgreSQL's identity counters are then moved past the
copied ids. Values cross in one form: instants as aware datetimes (SQLite's codec text on
one side, ``timestamptz`` on the other), flags as booleans, JSON as text. The copy holds
the tables in memory: sized for a school's or a district's history, not for a data warehouse.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg

from bot.store.codec import instant, parse_instant
from bot.store.location import is_database_url
from bot.store.postgres.migrations import MIGRATIONS as POSTGRES_MIGRATIONS
from bot.store.postgres.store import PostgresStore
from bot.store.postgres.store import schema_version as postgres_version
from bot.store.sqlite.migrations import MIGRATIONS as SQLITE_MIGRATIONS
from bot.store.sqlite.store import SqliteStore

# Parents before children, so every foreign key finds its row.
TABLES: tuple[str, ...] = (
    "workspaces",
    "channels",
    "pack_snapshots",
    "games",
    "game_players",
    "questions",
    "answers",
    "step_messages",
    "processed_events",
    "workspace_settings",
    "workspace_packs",
    "heartbeats",
    "schedules",
    "rounds",
    "round_progress",
    "seasons",
    "leaderboard_optouts",
    "web_access",
    "web_signing_key",
    "game_notes",
)
INSTANT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "games": ("phase_started_at", "deadline", "started_at", "ended_at"),
    "questions": ("opened_at", "closed_at"),
    "answers": ("answered_at",),
    "processed_events": ("handled_at",),
    "workspace_packs": ("added_at",),
    "heartbeats": ("beat_at",),
    "schedules": ("next_run_at", "updated_at"),
    "rounds": ("scheduled_for", "closes_at", "closed_at", "announcement_lease_until", "summary_lease_until"),
    "round_progress": ("started_at", "finished_at"),
    "seasons": ("started_at",),
    "leaderboard_optouts": ("opted_out_at",),
    "web_access": ("revoked_at",),
    "web_signing_key": ("created_at",),
    "game_notes": ("written_at",),
}
# jsonb on PostgreSQL, which keeps the value, not the text (keys reorder, spaces appear):
# written back to SQLite in the compact form its repositories write.
JSON_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "games": ("settings", "script"),
    "workspace_settings": ("teacher_users",),
    "schedules": ("weekdays", "packs"),
}
BOOLEAN_COLUMNS: Mapping[str, tuple[str, ...]] = {"schedules": ("paused",)}
IDENTITY_TABLES = ("workspaces", "channels", "games", "schedules", "rounds", "game_notes")


class CopyRefused(Exception):
    """The copy cannot start: a side is at the wrong schema, or the target already has data."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _instant_indexes(table: str, columns: Sequence[str]) -> list[int]:
    instants = INSTANT_COLUMNS.get(table, ())
    return [i for i, column in enumerate(columns) if column in instants]


async def _read_sqlite(path: Path) -> list[Table]:
    if not path.is_file():
        raise CopyRefused(f"no such database file: {path}")
    async with aiosqlite.connect(f"file:{path}?mode=ro", uri=True) as db:
        async with db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        if version != len(SQLITE_MIGRATIONS):
            raise CopyRefused(
                f"{path} is at schema version {version}, this program at {len(SQLITE_MIGRATIONS)}: "
                "run `rebuttal db upgrade` on it first"
            )
        tables = []
        await db.execute("BEGIN")  # one snapshot of every table
        for name in TABLES:
            async with db.execute(f"SELECT * FROM {name}") as cursor:  # names are the constants above
                columns = tuple(d[0] for d in cursor.description)
                raw = list(await cursor.fetchall())
            instants = _instant_indexes(name, columns)
            flags = [i for i, c in enumerate(columns) if c in BOOLEAN_COLUMNS.get(name, ())]
            rows = []
            for values in raw:
                row_values = list(values)
                for i in instants:
                    if row_values[i] is not None:
                        row_values[i] = parse_instant(row_values[i])
                for i in flags:
                    row_values[i] = bool(row_values[i])
                rows.append(tuple(row_values))
            tables.append(Table(name, columns, rows))
        await db.execute("ROLLBACK")
    return tables


async def _read_postgres(url: str) -> list[Table]:
    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            version = await postgres_version(connection)
            if version != len(POSTGRES_MIGRATIONS):
                raise CopyRefused(
                    f"the PostgreSQL database is at schema version {version}, this program at "
                    f"{len(POSTGRES_MIGRATIONS)}: run `rebuttal db upgrade` on it first"
                )
            tables = []
            for name in TABLES:
                statement = await connection.prepare(f"SELECT * FROM {name}")
                columns = tuple(attribute.name for attribute in statement.get_attributes())
                tables.append(Table(name, columns, [tuple(record) for record in await statement.fetch()]))
    finally:
        await connection.close()
    return tables


async def _write_sqlite(path: Path, tables: Sequence[Table]) -> None:
    async with SqliteStore.open(path):
        pass  # created and migrated
    async with aiosqlite.connect(path, isolation_level=None) as db:
        await db.execute("PRAGMA foreign_keys = ON")
        await db.execute("BEGIN IMMEDIATE")
        try:
            async with db.execute("SELECT (SELECT COUNT(*) FROM workspaces) + (SELECT COUNT(*) FROM games)") as cursor:
                row = await cursor.fetchone()
            if row and row[0]:
                raise CopyRefused(f"{path} already holds data; copy into a new, empty database")
            for table in tables:
                instants = _instant_indexes(table.name, table.columns)
                flags = [i for i, c in enumerate(table.columns) if c in BOOLEAN_COLUMNS.get(table.name, ())]
                texts = [i for i, c in enumerate(table.columns) if c in JSON_COLUMNS.get(table.name, ())]
                rows = []
                for values in table.rows:
                    row_values = list(values)
                    for i in texts:
                        row_values[i] = json.dumps(json.loads(row_values[i]), separators=(",", ":"), ensure_ascii=False)
                    for i in instants:
                        if row_values[i] is not None:
                            row_values[i] = instant(row_values[i])
                    for i in flags:
                        row_values[i] = int(row_values[i])
                    rows.append(tuple(row_values))
                marks = ", ".join("?" for _ in table.columns)
                await db.executemany(f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({marks})", rows)
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        await db.execute("COMMIT")


async def _write_postgres(url: str, tables: Sequence[Table]) -> None:
    async with PostgresStore.open(url, pool_size=1):
        pass  # migrated
    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction():
            held = await connection.fetchval("SELECT (SELECT COUNT(*) FROM workspaces) + (SELECT COUNT(*) FROM games)")
            if held:
                raise CopyRefused("the PostgreSQL database already holds data; copy into a new, empty database")
            for table in tables:
                if table.rows:
                    await connection.copy_records_to_table(table.name, records=table.rows, columns=table.columns)
            for name in IDENTITY_TABLES:
                # The next generated id follows the copied ones.
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                )
    finally:
        await connection.close()


async def read_tables(location: Path | str) -> list[Table]:
    if isinstance(location, str) and is_database_url(location):
        return await _read_postgres(location)
    return await _read_sqlite(Path(location))


async def copy_database(source: Path | str, target: Path | str) -> dict[str, int]:
    """Copy every table from ``source`` into the empty ``target``; returns the rows per table."""
    tables = await read_tables(source)
    if isinstance(target, str) and is_database_url(target):
        await _write_postgres(target, tables)
    else:
        await _write_sqlite(Path(target), tables)
    return {table.name: len(table.rows) for table in tables}


async def row_counts(location: Path | str) -> dict[str, int]:
    """Rows per table (for checking a copy)."""
    return {table.name: len(table.rows) for table in await read_tables(location)}
