"""``rebuttal play``: one person plays a whole debate in the terminal.

After each answer the console, as the game's host, closes the question and moves on,
exactly as a teacher pressing "next" would. Input is one answer per line, so a file or
a pipe can drive it; anything unreadable is asked again, never a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from adapters.console.presenter import ConsolePresenter
from adapters.console.round_presenter import ConsoleRoundPresenter
from bot.composition import build_core
from bot.content.library import Library
from bot.content.model import Pack
from bot.engine.commands import Advanced, Ended, PlayerAnswered
from bot.engine.script import StepKind
from bot.engine.state import GameSettings, Phase, Status
from bot.games.presentation import shift_line, thread_title
from bot.games.runner import GameRunner
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.store.database import Database
from bot.store.location import redacted
from bot.store.records import GameRef

CONSOLE_PLAYER = Player("console", "local", "you")
# The console hosts the game as a separate identity, so the player's results appear in
# reports as a student's (reports leave the host out, as they leave a teacher out).
CONSOLE_HOST = Player("console", "local", "host")
CONSOLE_VENUE = Venue("console", "local", "terminal")


@dataclass(frozen=True)
class PlayOptions:
    pack: Pack
    database: Path | str  # a SQLite file or a PostgreSQL URL
    seed: int
    settings: GameSettings


class LineReader:
    """Lines from a text stream without blocking the event loop; ``None`` at end of input.

    Each line is read on a daemon thread, not ``asyncio.to_thread``: on Ctrl-C, ``asyncio.run``
    cancels the game and then joins the default executor's threads, and a thread blocked
    reading the terminal kept the program waiting for a line (or a second and third Ctrl-C,
    which printed a traceback). A daemon thread is left behind instead, and the program ends
    at once; the line it would have read is not wanted any more."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    async def read(self) -> str | None:
        loop = asyncio.get_running_loop()
        line: asyncio.Future[str] = loop.create_future()

        def deliver(text: str) -> None:
            if not line.done():  # cancelled by Ctrl-C meanwhile
                line.set_result(text)

        def work() -> None:
            text = self.stream.readline()
            with contextlib.suppress(RuntimeError):  # the loop closed first: nobody waits
                loop.call_soon_threadsafe(deliver, text)

        threading.Thread(target=work, name="rebuttal-stdin", daemon=True).start()
        text = await line
        return text.rstrip("\n") if text else None


async def play(options: PlayOptions, stdin: TextIO = sys.stdin, write: Callable[[str], None] = print) -> int:
    async with Database.open(options.database) as database:
        core = build_core(
            database,
            Library({options.pack.id: options.pack}),
            platform=CONSOLE_VENUE.platform,
            game_presenter=lambda games: ConsolePresenter(games, write),
            round_presenter=lambda rounds: ConsoleRoundPresenter(write),
        )
        try:
            return await _play(core.games, core.runner, options, LineReader(stdin), write)
        finally:
            await core.close()


async def _stopped(
    service: GameService, runner: GameRunner, ref: GameRef, database: Path | str, write: Callable[[str], None]
) -> None:
    """Ctrl-C: end the game where it stands, so it is saved as a finished game with the
    answers given so far (``rebuttal report`` can read it), and say where."""
    state = await service.load(ref)
    if state.status is not Status.ENDED:
        await runner.submit(ref, Ended(CONSOLE_HOST.key, False, service.clock()))
    write(f"\nSaved as game {ref.game_id} in {redacted(database)}")


async def _play(
    service: GameService, runner: GameRunner, options: PlayOptions, reader: LineReader, write: Callable[[str], None]
) -> int:
    write(f"Rebuttal — {options.pack.question}")
    write("Answer with the number of your choice and press Enter.")
    ref, outcome = await service.start_game(
        CONSOLE_VENUE, CONSOLE_HOST, "Host", options.pack, options.settings, options.seed
    )
    await runner.present(ref, outcome)
    try:
        return await _turns(service, runner, options, ref, reader, write)
    except asyncio.CancelledError:  # the first Ctrl-C: asyncio.run cancels the game
        await _stopped(service, runner, ref, options.database, write)
        raise


async def _turns(
    service: GameService,
    runner: GameRunner,
    options: PlayOptions,
    ref: GameRef,
    reader: LineReader,
    write: Callable[[str], None],
) -> int:
    while True:
        state = await service.load(ref)
        if state.status is Status.ENDED:
            break
        if state.phase is not Phase.OPEN:
            await runner.submit(ref, Advanced(CONSOLE_HOST.key, False, service.clock()))
            continue
        choice = await _ask(reader, len(state.current.options), write)
        if choice is None:
            write("\nInput ended before the debate did; the game is ended here.")
            await runner.submit(ref, Ended(CONSOLE_HOST.key, False, service.clock()))
            await _print_shifts(service, ref, write)
            return 1
        answered = await runner.submit(
            ref, PlayerAnswered(CONSOLE_PLAYER.key, "You", state.step, choice, service.clock())
        )
        if answered.reply:
            write(answered.reply)
        if answered.accepted:
            await runner.submit(ref, Advanced(CONSOLE_HOST.key, False, service.clock()))
    await _print_shifts(service, ref, write)
    write(f"\nSaved as game {ref.game_id} in {redacted(options.database)}")
    return 0


async def _ask(reader: LineReader, count: int, write: Callable[[str], None]) -> int | None:
    while True:
        write(f"Your choice (1-{count}): ")
        line = await reader.read()
        if line is None:
            return None
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= count:
            return int(text) - 1
        write(f"Please type a number from 1 to {count}." if text else "Please type a number.")


async def _print_shifts(service: GameService, ref: GameRef, write: Callable[[str], None]) -> None:
    state = await service.load(ref)
    pack = await service.pack_of(ref)
    me = state.players.get(CONSOLE_PLAYER.key)
    predictions = sum(1 for s in state.script.steps[: state.step + 1] if s.kind is StepKind.PREDICT)
    if me is not None:
        write(f"\nYour score: {me.score} points — {me.correct} of {predictions} rebuttals predicted correctly.")
    pairs = await service.stance_pairs(ref)
    write("Your stance, thread by thread (+ is towards yes, − towards no; never scored):")
    for thread in pack.all_threads():
        # Only the player reads this, so even a room of one is shown.
        write("  " + shift_line(thread_title(pack, thread.id), pairs.get(thread.id, {}), min_respondents=1))
