"""``rebuttal db upgrade | copy | backup``: migrating a database, moving a deployment between
engines, and backing up a SQLite file while the bot runs.

``db copy SRC DST`` copies a SQLite file into an empty PostgreSQL database (or back, or file to
file), then checks the result twice over: the rows of every table counted on both sides, and
every game's report (its JSON summary, with names) built from each side and compared by
SHA-256. Anything different is listed and the command exits 1.

``db backup PATH``: copying ``rebuttal.sqlite3`` is not a backup: in WAL mode recent commits
live in the ``-wal`` file beside it, and a copy of the main file alone can lack whole tables.
This takes the copy through the store, with SQLite's online backup API (``Store.backup``).
PostgreSQL has its own tool for this (``pg_dump``).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.database_args import add_database_options, chosen_database
from bot.reports.catalog import list_games
from bot.reports.exports import summary_json
from bot.reports.writer import game_report
from bot.store.database import open_store
from bot.store.interface import Store
from bot.store.location import DATABASE_VARIABLE, default_database, is_database_url, redacted
from bot.store.records import BackupFailed
from bot.store.transfer import CopyRefused, copy_database, row_counts

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Subcommands) -> None:
    db = commands.add_parser(
        "db", help="database upkeep: upgrade the schema, copy between SQLite and PostgreSQL, back up"
    )
    tools = db.add_subparsers(dest="tool", required=True, metavar="TOOL")
    upgrade = tools.add_parser("upgrade", help="apply the schema migrations this version needs (the bot does at start)")
    add_database_options(upgrade)
    upgrade.set_defaults(handler=run_upgrade)
    copy = tools.add_parser("copy", help="copy every game and round into a new, empty database, and check the copy")
    copy.add_argument("source", help="a SQLite file or a postgresql:// URL")
    copy.add_argument("target", help="a SQLite file or a postgresql:// URL (created or migrated; must be empty)")
    copy.set_defaults(handler=run_copy)
    backup = tools.add_parser(
        "backup", help="write a consistent copy of a SQLite database to PATH (safe while the bot runs)"
    )
    backup.add_argument(
        "path", type=Path, help="the new backup file, or a folder to put rebuttal-<UTC time>.sqlite3 in"
    )
    backup.add_argument(
        "--db", type=Path, help=f"database to back up (default: ${DATABASE_VARIABLE} or the user data dir)"
    )
    backup.set_defaults(handler=run_backup)


def _location(text: str) -> Path | str:
    return text if is_database_url(text) else Path(text)


def run_upgrade(args: argparse.Namespace) -> int:
    location = chosen_database(args, "db upgrade")
    if location is None:
        return 2

    async def upgrade() -> int:
        async with open_store(location) as store:
            return await store.schema_version()

    version = asyncio.run(upgrade())
    print(f"database {redacted(location)} is at schema version {version}")
    return 0


async def report_checksums(store: Store) -> dict[int, str]:
    """Per game id, the SHA-256 of its report's JSON summary (real names)."""
    sums = {}
    for listing in await list_games(store):
        report = await game_report(store, listing.ref, names=True)
        sums[listing.ref.game_id] = hashlib.sha256(summary_json(report).encode()).hexdigest()
    return sums


async def _copy(source: Path | str, target: Path | str) -> list[str]:
    """Copy, then return every difference found (none: the copy is faithful)."""
    copied = await copy_database(source, target)
    found = await row_counts(target)
    problems = [
        f"{table}: {rows} rows copied, {found.get(table)} found"
        for table, rows in copied.items()
        if found.get(table) != rows
    ]
    async with open_store(source) as from_store, open_store(target) as to_store:
        before, after = await report_checksums(from_store), await report_checksums(to_store)
    problems += [f"game {game}: report differs" for game in sorted(before) if after.get(game) != before[game]]
    problems += [f"game {game}: not in the source" for game in sorted(set(after) - set(before))]
    width = max(len(table) for table in copied)
    for table, rows in copied.items():
        print(f"{table:<{width}}  {rows}")
    print(f"{len(before)} game reports compared")
    return problems


def run_copy(args: argparse.Namespace) -> int:
    source, target = _location(args.source), _location(args.target)
    if str(source) == str(target):
        print("rebuttal db copy: the source and the target are the same database", file=sys.stderr)
        return 2
    try:
        problems = asyncio.run(_copy(source, target))
    except CopyRefused as error:
        print(f"rebuttal db copy: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"rebuttal db copy: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"copied {redacted(source)} to {redacted(target)}: every row count and report matches")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    source: Path = args.db or default_database()
    if not source.is_file():
        print(f"rebuttal db backup: no database at {source}", file=sys.stderr)
        return 2
    destination: Path = args.path
    if destination.is_dir():
        destination = destination / f"rebuttal-{datetime.now(UTC):%Y%m%d-%H%M%S}.sqlite3"
    if destination.exists():
        print(f"rebuttal db backup: {destination} already exists; a backup never overwrites", file=sys.stderr)
        return 2
    if not destination.parent.is_dir():
        print(f"rebuttal db backup: no folder {destination.parent}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_backup(source, destination))
    except (OSError, BackupFailed) as error:
        print(f"rebuttal db backup: failed, nothing written: {error}", file=sys.stderr)
        return 1
    print(f"backed up {source} to {destination}")
    return 0


async def _backup(source: Path, destination: Path) -> None:
    async with open_store(source) as database:
        await database.backup(destination)
