"""``rebuttal db backup PATH``: a consistent copy of the database while the bot runs.

Copying ``rebuttal.sqlite3`` is not a backup: in WAL mode recent commits live in the
``-wal`` file beside it, and a copy of the main file alone can lack whole tables. This takes
the copy through the store, with SQLite's online backup API (``Store.backup``).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.store.database import Database
from bot.store.location import DATABASE_VARIABLE, default_database
from bot.store.records import BackupFailed

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Subcommands) -> None:
    database = commands.add_parser("db", help="database operations (backup)")
    operations = database.add_subparsers(dest="operation", required=True, metavar="OPERATION")
    backup = operations.add_parser(
        "backup", help="write a consistent copy of the database to PATH (safe while the bot runs)"
    )
    backup.add_argument(
        "path", type=Path, help="the new backup file, or a folder to put rebuttal-<UTC time>.sqlite3 in"
    )
    backup.add_argument(
        "--db", type=Path, help=f"database to back up (default: ${DATABASE_VARIABLE} or the user data dir)"
    )
    backup.set_defaults(handler=run_backup)


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
    async with Database.open(source) as database:
        await database.backup(destination)
