"""``rebuttal play`` (and the ``rebuttal decoys`` registration, which shares the pack lookup)."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from bot.cli import decoy_commands
from bot.cli.content_commands import load_or_report, report
from bot.content.errors import ContentError
from bot.content.library import DEFAULT_PACK_ID, load_library
from bot.content.model import Pack
from bot.content.pack_files import PACK_SUFFIXES
from bot.engine.state import LIVE_MODES, GameSettings, Mode

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]

DATABASE_VARIABLE = "REBUTTAL_DB"


def default_database() -> Path:
    """``$REBUTTAL_DB``, else ``rebuttal.sqlite3`` in the user's data directory."""
    override = os.environ.get(DATABASE_VARIABLE)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("rebuttal", appauthor=False)) / "rebuttal.sqlite3"


def register(commands: Subcommands) -> None:
    play = commands.add_parser("play", help="play a debate in the terminal (no tokens, no server)")
    play.add_argument(
        "pack", nargs="?", help=f"a debate id from the library, or a pack/card file (default: {DEFAULT_PACK_ID})"
    )
    play.add_argument("--db", type=Path, help=f"database file (default: ${DATABASE_VARIABLE} or the user data dir)")
    play.add_argument("--seed", type=int, help="fixes the order of options (default: random)")
    play.add_argument("--mode", choices=[m.value for m in LIVE_MODES], default=Mode.CLASSROOM.value)
    play.add_argument("--timer", type=int, help="seconds per question (timed mode default: 30)")
    play.add_argument("--speed-bonus", action="store_true", help="faster correct answers score more")
    play.add_argument("--streak-bonus", action="store_true", help="correct answers in a row score more")
    play.add_argument(
        "--daily", action="store_true", help="play today's daily round (one thread, as community servers do)"
    )
    play.set_defaults(handler=run_play)

    decoy_commands.register(commands, _pack_or_report)


def _pack_or_report(name: str | None) -> Pack | None:
    """A pack by library id or from a file path; on failure the reason is printed, ``None`` returned."""
    name = name or DEFAULT_PACK_ID
    path = Path(name)
    if path.exists() or path.suffix in (*PACK_SUFFIXES, ".txt"):
        return load_or_report(path)  # a file name: a missing file says so, not "no such debate"
    try:
        return load_library().get(name)
    except ContentError as error:  # the library itself has a broken pack
        report(error)
    except KeyError as error:
        print(error.args[0], file=sys.stderr)
    return None


def run_play(args: argparse.Namespace) -> int:
    from adapters.console.play import PlayOptions, play

    pack = _pack_or_report(args.pack)
    if pack is None:
        return 2
    if args.daily:
        from adapters.console.daily import DailyOptions, play_daily

        daily = DailyOptions(pack=pack, shipped=load_library(), database=args.db or default_database())
        return asyncio.run(play_daily(daily, sys.stdin))
    try:
        settings = GameSettings(
            mode=Mode(args.mode),
            question_seconds=args.timer,
            speed_bonus=args.speed_bonus,
            streak_bonus=args.streak_bonus,
        )
    except ValueError as error:
        print(f"rebuttal play: {error}", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    options = PlayOptions(pack=pack, database=args.db or default_database(), seed=seed, settings=settings)
    return asyncio.run(play(options))
