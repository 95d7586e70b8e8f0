"""One message per step across processes (``bot.games.step_messages``): when a question is
closed by one process while another is still recording its post, both may post a message for
the step; the first recorded stays and the other is deleted, in either order.

Two game services on one database stand for two bot processes. The platform is a list of
messages: each post adds one, each edit redraws one, each delete removes one."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

from bot.engine.commands import Advanced
from bot.engine.effects import RevealStep
from bot.games.service import GameService
from bot.games.step_messages import Edit, Post, draw_on_step, post_step
from bot.store.database import Database
from bot.store.records import GameRef
from tests.engine.helpers import ManualClock
from tests.games.test_question_recorded_late import start


class Thread:
    """A chat thread's messages by reference, each a short text saying what it shows."""

    def __init__(self) -> None:
        self.messages: dict[str, str] = {}
        self._ids = itertools.count(1)

    def poster(self, text: str, held: asyncio.Event | None = None) -> Post:
        async def post() -> str:
            ref = f"m{next(self._ids)}"
            self.messages[ref] = text  # the platform has it at once ...
            if held is not None:
                await held.wait()  # ... and its reply, with the reference, comes back late
            return ref

        return post

    def editor(self, text: str) -> Edit:
        async def edit(ref: str) -> None:
            assert ref in self.messages, f"edited {ref}, which is not there"
            self.messages[ref] = text

        return edit

    async def delete(self, ref: str) -> None:
        del self.messages[ref]


async def closed_by_second(second: GameService, ref: GameRef, clock: ManualClock) -> RevealStep:
    outcome = await second.handle(ref, Advanced("teacher", False, clock.tick()))
    return next(effect for effect in outcome.effects if isinstance(effect, RevealStep))


async def test_the_closing_process_records_first_and_the_late_question_is_deleted(database_at: Path | str) -> None:
    clock, thread, reply = ManualClock(), Thread(), asyncio.Event()
    async with Database.open(database_at) as first_db, Database.open(database_at) as second_db:
        first, second = GameService(first_db, clock), GameService(second_db, clock)
        ref = await start(first)
        # The first process posts question 0; Slack's reply is slow, so it is not recorded yet.
        posting = asyncio.create_task(post_step(first, ref, 0, thread.poster("question 0, open", reply), thread.delete))
        await asyncio.sleep(0.05)
        assert list(thread.messages.values()) == ["question 0, open"]
        # The second closes it, finds no message, and posts the reveal as a new one.
        await closed_by_second(second, ref, clock)
        reveal_text = "question 0, revealed"
        await draw_on_step(second, ref, 0, thread.editor(reveal_text), thread.poster(reveal_text), thread.delete)
        reply.set()
        assert await posting is None  # nothing to draw: its question was deleted instead
        assert list(thread.messages.values()) == [reveal_text]
        assert await first.message_of(ref, 0) == next(iter(thread.messages))


async def test_the_poster_records_first_and_the_extra_reveal_is_deleted(database_at: Path | str) -> None:
    clock, thread, reply = ManualClock(), Thread(), asyncio.Event()
    async with Database.open(database_at) as first_db, Database.open(database_at) as second_db:
        first, second = GameService(first_db, clock), GameService(second_db, clock)
        ref = await start(first)
        posted_late = asyncio.Event()
        posting = asyncio.create_task(
            post_step(first, ref, 0, thread.poster("question 0, open", posted_late), thread.delete)
        )
        await asyncio.sleep(0.05)
        await closed_by_second(second, ref, clock)
        reveal_text = "question 0, revealed"
        # The second posts its reveal; this time its reply is the slow one, and meanwhile the
        # first gets its reply and records its question, seeing it closed.
        drawing = asyncio.create_task(
            draw_on_step(second, ref, 0, thread.editor(reveal_text), thread.poster(reveal_text, reply), thread.delete)
        )
        await asyncio.sleep(0.05)
        posted_late.set()
        handed_back = await posting
        assert handed_back is not None and handed_back.step == 0  # the first draws the reveal on its question
        question_ref = await first.message_of(ref, 0)
        assert question_ref is not None
        await thread.editor(reveal_text)(question_ref)
        reply.set()
        await drawing
        assert thread.messages == {question_ref: reveal_text}  # the second's reveal is deleted


async def test_a_reveal_with_no_message_at_all_is_posted_and_kept(database_at: Path | str) -> None:
    """After a crash between a question's commit and its post, nobody will record a message for
    it: the reveal is posted as a new message and stays, so players still see the real reply."""
    clock, thread = ManualClock(), Thread()
    async with Database.open(database_at) as db:
        service = GameService(db, clock)
        ref = await start(service)
        await closed_by_second(service, ref, clock)
        await draw_on_step(service, ref, 0, thread.editor("edited"), thread.poster("revealed"), thread.delete)
        assert list(thread.messages.values()) == ["revealed"]
        assert await service.message_of(ref, 0) == next(iter(thread.messages))
        # Drawn again later (the counter's redraw, a restart): the recorded message is edited.
        await draw_on_step(service, ref, 0, thread.editor("edited"), thread.poster("posted twice"), thread.delete)
        assert list(thread.messages.values()) == ["edited"]


async def test_a_failing_delete_leaves_one_extra_message_and_the_game_goes_on(database_at: Path | str) -> None:
    clock, thread = ManualClock(), Thread()

    async def refused(ref: str) -> None:
        raise ConnectionError("the platform is down")

    async with Database.open(database_at) as db:
        service = GameService(db, clock)
        ref = await start(service)
        assert (await service.record_message(ref, 0, "recorded-first")).kept
        assert await post_step(service, ref, 0, thread.poster("late question"), refused) is None
        assert list(thread.messages.values()) == ["late question"]
        assert await service.message_of(ref, 0) == "recorded-first"
