"""``rebuttal play`` and ``rebuttal decoys``."""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.content_commands import pack_or_report
from bot.content.library import DEFAULT_PACK_ID, load_library
from bot.content.model import Pack
from bot.engine.script import StepKind, build_script, option_letter
from bot.engine.state import LIVE_MODES, GameSettings, Mode
from bot.store.location import DATABASE_VARIABLE, default_database

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]



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

    decoys = commands.add_parser("decoys", help="show every prediction question's options and similarities")
    decoys.add_argument("pack", help="a debate id from the library, or a pack/card file")
    decoys.add_argument("--seed", type=int, default=0)
    decoys.set_defaults(handler=show_decoys)


def _pack_or_report(name: str | None) -> Pack | None:
    """A pack by library id or from a file path; on failure the reason is printed, ``None`` returned."""
    return pack_or_report(name or DEFAULT_PACK_ID)  # one resolver for every command that takes a pack


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


def show_decoys(args: argparse.Namespace) -> int:
    pack = _pack_or_report(args.pack)
    if pack is None:
        return 2
    script = build_script(pack, args.seed)
    for step in script.steps:
        if step.kind is not StepKind.PREDICT:
            continue
        prompt = pack.turn(step.prompt_turn_id or "")
        print(f"\n[{pack.thread(step.thread_id or '').title}] {prompt.side.title} said: {_clip(prompt.text)}")
        for index, option in enumerate(step.options):
            similarity = f"{option.similarity:.3f}" if option.similarity is not None else "  -  "
            mark = "*" if index == step.correct_option else " "
            print(f"  {mark}{option_letter(index)} {similarity} {option.source.value:<12} {_clip(option.text)}")
    print("\n* marks the true reply; the number is TF-IDF similarity to the prompt.")
    return 0


def _clip(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
