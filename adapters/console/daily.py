"""``rebuttal play --daily``: a daily round in the terminal, as community servers play it.

The terminal gets a schedule of its own (every day at 00:00 UTC, through one debate's
threads in turn) and the real scheduler and round service run it: a run opens today's round
if none is open, plays it privately one card at a time, and a later day's run first closes
yesterday's round and prints its summary. Playing on consecutive runs builds a streak.
Stop at any point (end the input): your place is saved and the next run resumes there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import TextIO

from adapters.console.play import LineReader
from adapters.console.presenter import WIDTH, ConsolePresenter, wrap
from adapters.console.round_presenter import ConsoleRoundPresenter
from bot.composition import build_core
from bot.content.library import Library
from bot.content.model import Pack
from bot.games.service import utc_now
from bot.identity import Player, Venue
from bot.rounds.presentation import Action, PrivateCard, private_card
from bot.rounds.scheduler import Scheduler
from bot.rounds.service import RoundService
from bot.rounds.timing import Timing
from bot.store.database import Database
from bot.store.records import ScheduleSpec

PLATFORM = "console"
DAILY_VENUE = Venue(PLATFORM, "local", "daily")
DAILY_PLAYER = Player(PLATFORM, "local", "you")
EVERY_DAY = frozenset(range(7))


@dataclass(frozen=True)
class DailyOptions:
    pack: Pack
    shipped: Library
    database: Path | str  # a SQLite file or a PostgreSQL URL


def render_private(card: PrivateCard) -> str:
    lines = ["", "-" * WIDTH]
    if card.note:
        lines.append(f"({card.note})")
    lines += [card.title.upper(), "-" * WIDTH]
    for section in card.sections:
        heading = f"[{section.heading.upper()}]" if section.side else section.heading
        if heading:
            lines.append(heading)
        lines += [wrap(section.text, "  "), ""]
    if card.prompt:
        lines.append(card.prompt)
    for index, option in enumerate(card.options):
        lines.append(f"  {index + 1}) " + wrap(option, "     ").lstrip())
    return "\n".join(lines)


async def play_daily(
    options: DailyOptions,
    stdin: TextIO,
    write: Callable[[str], None] = print,
    clock: Callable[[], datetime] = utc_now,
) -> int:
    async with Database.open(options.database) as database:
        core = build_core(
            database,
            Library({**options.shipped.packs, options.pack.id: options.pack}),
            platform=PLATFORM,
            game_presenter=lambda games: ConsolePresenter(games, write),
            round_presenter=lambda rounds: ConsoleRoundPresenter(write),
            clock=clock,
        )
        try:
            return await _play_round(core.rounds, core.scheduler, options, stdin, write)
        finally:
            await core.close()


async def _play_round(
    rounds: RoundService, scheduler: Scheduler, options: DailyOptions, stdin: TextIO, write: Callable[[str], None]
) -> int:
    schedule = await rounds.schedule_at(DAILY_VENUE)
    if schedule is None or schedule.spec.packs != (options.pack.id,):
        spec = ScheduleSpec(Timing(time(0, 0), "UTC", EVERY_DAY), packs=(options.pack.id,))
        await rounds.set_schedule(DAILY_VENUE, spec, DAILY_PLAYER.key)
    await scheduler.tick()  # closes a round whose day is over, printing its summary
    await rounds.start_now(DAILY_VENUE)
    await scheduler.tick()  # opens today's round, if it was not open already
    today = await rounds.open_round_at(DAILY_VENUE)
    assert today is not None  # start_now made one due, or one was open
    view = await rounds.play(today.id, DAILY_PLAYER, "You")
    reader = LineReader(stdin)
    while True:
        card = private_card(view)
        write(render_private(card))
        if card.action is Action.NONE:
            break
        choice = await _ask(reader, card, write)
        if choice is None:
            write("\nStopped here; your place is saved. Run `rebuttal play --daily` again to go on.")
            return 1
        if card.action is Action.CONTINUE:
            view = await rounds.carry_on(today.id, DAILY_PLAYER, "You", card.step)
        else:
            view = await rounds.answer(today.id, DAILY_PLAYER, "You", card.step, choice)
    write(f"\nThe round closes at {today.closes_at:%Y-%m-%d %H:%M} UTC; run this again after that for the next.")
    return 0


async def _ask(reader: LineReader, card: PrivateCard, write: Callable[[str], None]) -> int | None:
    """An option (0-based) for a question; 0 for a Continue (Enter); None at end of input."""
    count = len(card.options)
    while True:
        write("Press Enter to continue: " if card.action is Action.CONTINUE else f"Your choice (1-{count}): ")
        line = await reader.read()
        if line is None:
            return None
        text = line.strip()
        if card.action is Action.CONTINUE:
            return 0
        if text.isdigit() and 1 <= int(text) <= count:
            return int(text) - 1
        write(f"Please type a number from 1 to {count}." if text else "Please type a number.")
