"""A question closed by another process before its post was recorded: recording the message
hands back the question's reveal, so the process that posted it draws the reveal on it.

Two bot processes on one database (here two game services, each on its own connection to a
SQLite file or PostgreSQL): the first posts a question; before it records the posted
message, the second closes the question and, finding no message, cannot draw its reveal on
it. Without the reveal handed back, the question would stay up with its answer buttons."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.engine.commands import Advanced, PlayerAnswered
from bot.engine.effects import RevealStep
from bot.engine.state import GameSettings
from bot.games.service import GameService, RecordedMessage
from bot.identity import Player, Venue
from bot.store.database import Database
from bot.store.records import GameRef
from tests.engine.helpers import ManualClock, sample_pack

VENUE = Venue("test", "school-1", "room-7")
HOST = Player("test", "school-1", "teacher")


async def start(service: GameService, channel: str = VENUE.channel_id) -> GameRef:
    """A classroom game whose step 0 (a stance question) is open; step 1 shows a turn."""
    venue = Venue(VENUE.platform, VENUE.workspace_id, channel)
    ref, _ = await service.start_game(venue, HOST, "T", sample_pack(), GameSettings(), 5)
    return ref


async def test_recording_a_question_another_process_closed_hands_back_its_reveal(database_at: Path | str) -> None:
    clock = ManualClock()
    async with Database.open(database_at) as first_db, Database.open(database_at) as second_db:
        first, second = GameService(first_db, clock), GameService(second_db, clock)
        ref = await start(first)  # the first process posts question 0 …
        await second.handle(ref, PlayerAnswered("s1", "S1", 0, 2, clock.tick()))
        await second.handle(ref, PlayerAnswered("s2", "S2", 0, 2, clock.tick()))
        await second.handle(ref, PlayerAnswered("s3", "S3", 0, 4, clock.tick()))
        closed = await second.handle(ref, Advanced("teacher", False, clock.tick()))  # … the second closes it
        reveal = next(effect for effect in closed.effects if isinstance(effect, RevealStep))
        assert await second.message_of(ref, 0) is None  # so the second had no message to draw it on

        recorded = await first.record_message(ref, 0, "question-0")  # the first's post is recorded

        assert recorded == RecordedMessage(kept=True, reveal=reveal)
        assert reveal == RevealStep(0, (0, 0, 2, 0, 1), None)
        assert await second.message_of(ref, 0) == "question-0"


async def test_recording_an_open_question_or_an_information_step_hands_back_nothing(database_at: Path | str) -> None:
    clock = ManualClock()
    async with Database.open(database_at) as first_db, Database.open(database_at) as second_db:
        first, second = GameService(first_db, clock), GameService(second_db, clock)
        ref = await start(first)
        assert await first.record_message(ref, 0, "question-0") == RecordedMessage(kept=True)  # still open
        await second.handle(ref, Advanced("teacher", False, clock.tick()))  # close question 0
        await second.handle(ref, Advanced("teacher", False, clock.tick()))  # show turn 1
        await second.handle(ref, Advanced("teacher", False, clock.tick()))  # and move past it
        assert (await second.load(ref)).step == 2
        assert await first.record_message(ref, 1, "turn-1") == RecordedMessage(kept=True)  # a turn has no reveal


async def test_a_close_and_a_record_at_once_never_both_miss_the_message(database_at: Path | str) -> None:
    """The close and the record race: either the closing process finds the message after its
    commit (and draws the reveal on it), or the record sees the close and hands the reveal
    back. Never neither, whichever commits first."""
    clock = ManualClock()
    async with Database.open(database_at) as first_db, Database.open(database_at) as second_db:
        first, second = GameService(first_db, clock), GameService(second_db, clock)
        refs = [await start(first, f"room-{n}") for n in range(8)]

        async def close_then_look(ref: GameRef) -> str | None:
            await second.handle(ref, Advanced("teacher", False, clock.now))
            return await second.message_of(ref, 0)

        for ref in refs:
            found, recorded = await asyncio.gather(close_then_look(ref), first.record_message(ref, 0, "question-0"))
            assert recorded.kept
            assert found == "question-0" or recorded.reveal is not None, ref
