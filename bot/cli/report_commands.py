"""``rebuttal games | report | purge``: teachers' results from the database, and retention."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.database_args import existing_database
from bot.reports.catalog import GameListing, find_game, list_games, purge_games
from bot.store.database import Database

if TYPE_CHECKING:
    from bot.reports.class_report import ClassReport
    from bot.reports.game_report import GameReport

    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]

FORMATS = ("csv", "xlsx", "json", "png", "svg")


def _day(text: str) -> datetime:
    """A date (YYYY-MM-DD) as midnight UTC, for --since and --until."""
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-01") from None


def register(commands: Subcommands) -> None:
    games = commands.add_parser("games", help="list games: id, debate, channel, started, players, state")
    games.add_argument("--db", type=Path)
    games.set_defaults(handler=run_games)

    report = commands.add_parser(
        "report", help="a game's (or a class's) results as CSV, XLSX, JSON or a chart (PNG, SVG)"
    )
    report.add_argument("game", type=int, nargs="?", help="a game id from `rebuttal games`")
    report.add_argument("--channel", help="a class report: every game in this channel (with --since/--until)")
    report.add_argument("--since", type=_day, help="first day included, YYYY-MM-DD (UTC)")
    report.add_argument("--until", type=_day, help="first day excluded, YYYY-MM-DD (UTC)")
    report.add_argument(
        "--format", choices=FORMATS, action="append", help="csv (default), xlsx, json, png, svg; repeatable"
    )
    report.add_argument(
        "--names", action="store_true", help="display names and user ids instead of the workspace's pseudonyms"
    )
    report.add_argument("--overwrite", action="store_true", help="replace report files already in the folder")
    report.add_argument(
        "--summary",
        action="store_true",
        help="print the participation, hardest questions and strongest arguments (alone: write no files)",
    )
    report.add_argument("-o", "--output-dir", type=Path, default=Path("."), help="where files go (default: here)")
    report.add_argument("--db", type=Path)
    report.set_defaults(handler=run_report)

    purge = commands.add_parser("purge", help="delete games (and all they recorded) older than N days")
    purge.add_argument("--older-than", type=int, required=True, metavar="DAYS")
    purge.add_argument("--db", type=Path)
    purge.add_argument("--dry-run", action="store_true", help="list the games that would be deleted; delete nothing")
    purge.add_argument("-y", "--yes", action="store_true", help="delete without asking (needed when not at a terminal)")
    purge.set_defaults(handler=run_purge)


def run_games(args: argparse.Namespace) -> int:
    path = existing_database(args.db, "games")
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
    # Imported here: matplotlib and openpyxl load only for the command that needs them.
    from bot.reports.reading import class_report, game_report
    from bot.reports.writer import ReportFilesExist, class_files, report_files, write_files

    if (args.game is None) == (args.channel is None):
        print("rebuttal report: give a game id, or --channel for a class report", file=sys.stderr)
        return 2
    formats = tuple(dict.fromkeys(args.format or ([] if args.summary else ["csv"])))
    path = existing_database(args.db, "report")
    if path is None:
        return 2

    async def produce() -> tuple[list[Path], list[str]] | str:
        async with Database.open(path) as database:
            if args.game is not None:
                ref = await find_game(database, args.game)
                if ref is None:
                    return f"no game {args.game} (see `rebuttal games`)"
                game = await game_report(database, ref, names=args.names)
                written = write_files(args.output_dir, report_files(game, formats), overwrite=args.overwrite)
                return written, game_digest(game)
            games = await list_games(database, channel=args.channel, since=args.since, until=args.until)
            if not games:
                return f"no games in channel {args.channel!r} in that period"
            if len({g.ref.workspace_id for g in games}) > 1:
                return (
                    f"channel {args.channel!r} exists in more than one workspace; "
                    "report its games one by one (rebuttal report GAME)"
                )
            term = await class_report(
                database, games[0].ref.workspace_id, args.channel, since=args.since, until=args.until, names=args.names
            )
            written = write_files(args.output_dir, class_files(term, formats), overwrite=args.overwrite)
            return written, class_digest(term)

    try:
        result = asyncio.run(produce())
    except ReportFilesExist as refusal:
        print(f"rebuttal report: nothing written: {refusal}; add --overwrite to replace them", file=sys.stderr)
        return 1
    if isinstance(result, str):
        print(f"rebuttal report: {result}", file=sys.stderr)
        return 1
    written, digest = result
    for file in written:
        print(f"wrote {file}", file=sys.stderr)  # status, like every "wrote": stdout is for data
    if args.summary:
        print("\n".join(digest))
    return 0


def class_digest(report: ClassReport) -> list[str]:
    """The term in a few lines, then each game's digest."""
    from bot.reports.tables import percent

    share = percent(report.share_correct)
    lines = [
        f"Class {report.channel}: {len(report.games)} game(s), {len(report.students)} student(s); "
        f"predictions right: {'-' if share is None else f'{share}%'}"
    ]
    for game in report.games:
        lines += ["", *game_digest(game)]
    return lines


def game_digest(report: GameReport) -> list[str]:
    """What a teacher reads first: participation, the hardest questions, the strongest arguments."""
    from bot.reports.tables import percent, question_heading

    share = percent(report.share_correct)
    lines = [
        f"Game {report.game_id}: {report.pack.question}",
        f"{len(report.players)} student(s); predictions right: {'-' if share is None else f'{share}%'}",
    ]
    if report.hardest:
        lines.append("Hardest questions (lowest share right):")
        for question in report.hardest:
            answer = question.answer.text if question.answer else ""
            lines.append(
                f"  {question_heading(question)}: {percent(question.share_correct)}% right. Real reply: {answer}"
            )
    if report.strongest:
        lines.append("Strongest arguments (stronger-point votes, Bradley–Terry; an opinion, never scored):")
        for rank, turn in enumerate(report.strongest, start=1):
            lines.append(
                f"  {rank}. [{turn.side.title}] {turn.thread_title}: {turn.text} "
                f"(strength {turn.strength:.2f}; chosen {turn.wins} of {turn.votes} vote(s))"
            )
    else:
        lines.append("Strongest arguments: no stronger-point votes yet.")
    return lines


def run_purge(args: argparse.Namespace) -> int:
    if args.older_than < 0:
        print("rebuttal purge: --older-than must be 0 or more days", file=sys.stderr)
        return 2
    path = existing_database(args.db, "purge")
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
