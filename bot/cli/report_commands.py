"""``rebuttal games | report | purge``: teachers' results from the database, and retention."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.database_args import add_database_options, existing_database
from bot.reports.catalog import GameListing, find_game, list_games, purge_games
from bot.store.database import Database

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]

FORMATS = ("csv", "json", "png")


def _day(text: str) -> datetime:
    """A date (YYYY-MM-DD) as midnight UTC, for --since and --until."""
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-01") from None


def register(commands: Subcommands) -> None:
    games = commands.add_parser("games", help="list games: id, debate, channel, started, players, state")
    add_database_options(games)
    games.set_defaults(handler=run_games)

    report = commands.add_parser("report", help="a game's (or a class's) results as CSV, JSON or a PNG chart")
    report.add_argument("game", type=int, nargs="?", help="a game id from `rebuttal games`")
    report.add_argument("--channel", help="a class report: every game in this channel (with --since/--until)")
    report.add_argument("--since", type=_day, help="first day included, YYYY-MM-DD (UTC)")
    report.add_argument("--until", type=_day, help="first day excluded, YYYY-MM-DD (UTC)")
    report.add_argument("--format", choices=FORMATS, action="append", help="csv (default), json, png; repeatable")
    report.add_argument("--names", action="store_true", help="real display names instead of pseudonyms")
    report.add_argument("-o", "--output-dir", type=Path, default=Path("."), help="where files go (default: here)")
    add_database_options(report)
    report.set_defaults(handler=run_report)

    purge = commands.add_parser("purge", help="delete games (and all they recorded) older than N days")
    purge.add_argument("--older-than", type=int, required=True, metavar="DAYS")
    add_database_options(purge)
    purge.add_argument("--dry-run", action="store_true", help="list the games that would be deleted; delete nothing")
    purge.add_argument("-y", "--yes", action="store_true", help="delete without asking (needed when not at a terminal)")
    purge.set_defaults(handler=run_purge)


def run_games(args: argparse.Namespace) -> int:
    path = existing_database(args.db, "games", args.database_url)
    if path is None:
        return 2

    async def listing() -> list[GameListing]:
        async with Database.open(path) as database:
            return await list_games(database)

    rows = asyncio.run(listing())
    _print_games(rows)
    if not rows:
        print("no games yet")
    return 0


def _print_games(rows: list[GameListing]) -> None:
    print(f"{'id':>5}  {'debate':<28} {'platform':<8} {'channel':<20} {'started (UTC)':<16} {'players':>7}  state")
    for row in rows:
        started = row.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        print(
            f"{row.ref.game_id:>5}  {row.pack_id[:28]:<28} {row.platform[:8]:<8} {row.channel[:20]:<20} "
            f"{started:<16} {row.players:>7}  {row.status}"
            + (f" (daily round {row.round_number})" if row.round_number is not None else "")
        )


def run_report(args: argparse.Namespace) -> int:
    from bot.reports.writer import write_class_report, write_game_report

    if (args.game is None) == (args.channel is None):
        print("rebuttal report: give a game id, or --channel for a class report", file=sys.stderr)
        return 2
    formats = tuple(dict.fromkeys(args.format or ["csv"]))
    path = existing_database(args.db, "report", args.database_url)
    if path is None:
        return 2

    async def produce() -> list[Path] | str:
        async with Database.open(path) as database:
            if args.game is not None:
                ref = await find_game(database, args.game)
                if ref is None:
                    return f"no game {args.game} (see `rebuttal games`)"
                return await write_game_report(database, ref, args.output_dir, formats, names=args.names)
            games = await list_games(database, channel=args.channel, since=args.since, until=args.until)
            if not games:
                return f"no games in channel {args.channel!r} in that period"
            return await write_class_report(database, games, args.output_dir, formats, names=args.names)

    result = asyncio.run(produce())
    if isinstance(result, str):
        print(f"rebuttal report: {result}", file=sys.stderr)
        return 1
    for written in result:
        print(f"wrote {written}", file=sys.stderr)  # status, like every "wrote": stdout is for data
    return 0


def run_purge(args: argparse.Namespace) -> int:
    if args.older_than < 0:
        print("rebuttal purge: --older-than must be 0 or more days", file=sys.stderr)
        return 2
    path = existing_database(args.db, "purge", args.database_url)
    if path is None:
        return 2
    cutoff = datetime.now(UTC) - timedelta(days=args.older_than)
    before = f"started before {cutoff:%Y-%m-%d %H:%M} UTC"

    async def doomed() -> list[GameListing]:
        async with Database.open(path) as database:
            return await list_games(database, until=cutoff)

    rows = asyncio.run(doomed())
    if not rows:
        print(f"no games {before}; nothing to delete", file=sys.stderr)
        return 0
    if args.dry_run:
        _print_games(rows)
        print(f"would delete {_games(len(rows))} {before} (--dry-run: nothing was deleted)", file=sys.stderr)
        return 0
    if not args.yes:
        refusal = _confirm(f"Delete {_games(len(rows))} {before}, with all their answers?")
        if refusal is not None:
            print(f"rebuttal purge: {refusal}", file=sys.stderr)
            return 1 if refusal == "nothing was deleted" else 2

    async def purge() -> int:
        async with Database.open(path) as database:
            return await purge_games(database, cutoff)

    deleted = asyncio.run(purge())
    print(f"deleted {_games(deleted)} {before}", file=sys.stderr)
    return 0


def _games(count: int) -> str:
    return f"{count} game{'s' if count != 1 else ''}"


def _confirm(question: str) -> str | None:
    """``None`` if the person at the terminal said yes; else why not. Without a terminal
    nobody can answer, so deleting needs ``--yes`` (a script says so explicitly)."""
    if not sys.stdin.isatty():
        return "stdin is not a terminal; add --yes to delete without asking (or --dry-run to list)"
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().lower()
    return None if answer in ("y", "yes") else "nothing was deleted"
