"""``rebuttal db upgrade | copy``: migrating a database, and moving a deployment between engines.

``db copy SRC DST`` copies a SQLite file into an empty PostgreSQL database (or back, or file to
file), then checks the result twice over: the rows of every table counted on both sides, and
every game's report (its JSON summary, with names) built from each side and compared by
SHA-256. Anything different is listed and the command exits 1.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.database_args import add_database_options, chosen_database
from bot.reports.catalog import list_games
from bot.reports.exports import summary_json
from bot.reports.writer import game_report
from bot.store.database import open_store
from bot.store.interface import Store
from bot.store.location import is_database_url, redacted
from bot.store.transfer import CopyRefused, copy_database, row_counts

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Subcommands) -> None:
    db = commands.add_parser("db", help="database upkeep: upgrade the schema, copy between SQLite and PostgreSQL")
    tools = db.add_subparsers(dest="tool", required=True, metavar="TOOL")
    upgrade = tools.add_parser("upgrade", help="apply the schema migrations this version needs (the bot does at start)")
    add_database_options(upgrade)
    upgrade.set_defaults(handler=run_upgrade)
    copy = tools.add_parser("copy", help="copy every game and round into a new, empty database, and check the copy")
    copy.add_argument("source", help="a SQLite file or a postgresql:// URL")
    copy.add_argument("target", help="a SQLite file or a postgresql:// URL (created or migrated; must be empty)")
    copy.set_defaults(handler=run_copy)


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
