"""``rebuttal play`` (and the ``rebuttal decoys`` registration, which shares the pack lookup)."""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
from typing import TYPE_CHECKING

from bot.cli import decoy_commands
from bot.cli.content_commands import pack_or_report
from bot.cli.database_args import add_database_options, chosen_database
from bot.content.library import DEFAULT_PACK_ID, load_library
from bot.content.model import Pack
from bot.engine.state import LIVE_MODES, GameSettings, Mode

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Subcommands) -> None:
    play = commands.add_parser("play", help="play a debate in the terminal (no tokens, no server)")
    play.add_argument(
        "pack", nargs="?", help=f"a debate id from the library, or a pack/card file (default: {DEFAULT_PACK_ID})"
    )
    add_database_options(play)
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
    return pack_or_report(name or DEFAULT_PACK_ID)  # one resolver for every command that takes a pack


def run_play(args: argparse.Namespace) -> int:
    from adapters.console.play import PlayOptions, play

    pack = _pack_or_report(args.pack)
    database = chosen_database(args, "play")
    if pack is None or database is None:
        return 2
    if args.daily:
        from adapters.console.daily import DailyOptions, play_daily

        daily = DailyOptions(pack=pack, shipped=load_library(), database=database)
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
    options = PlayOptions(pack=pack, database=database, seed=seed, settings=settings)
    return asyncio.run(play(options))
