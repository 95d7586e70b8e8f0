"""Two bot processes on one database: a question another process closes while the one that
posted it is still waiting for Discord's reply to the post ends as one reveal, not as an open
question whose buttons are refused, nor as the reveal shown twice (``bot.games.step_messages``).

On Discord a game's clicks reach one process (the shard serving its server); another process
reaches the game through its timer, since every process arms the stored deadlines of the
running games (``bot.games.runner``). So the second process here is a shard that serves
none of the stand-in's servers and closes the question when its timer fires."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from adapters.discord.app import build_bot
from bot.content.library import Library
from bot.engine.state import Phase
from bot.games.service import utc_now
from bot.store.database import Database
from tests.discord.harness import answer_ids, is_closed, running_bot, small_pack, start_debate, step_messages, the_game
from tests.standins.discord_server import DiscordStandIn, FakeChannel, RecordedMessage
from tests.waiting import until

SHARDS = 2


class ShiftedClock:
    """The real time, moved forward by hand: both processes read it, and a timer armed for a
    deadline already passed fires at once."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def __call__(self) -> datetime:
        return utc_now() + self.ahead


def of_step_0(standin: DiscordStandIn, thread: FakeChannel) -> list[RecordedMessage]:
    """Question 0's messages still in the thread (a deleted one is gone)."""
    return [m for m in step_messages(standin, thread) if any(c.split(":")[3] == "0" for c in answer_ids(m))]


async def test_a_question_closed_by_another_process_before_its_post_was_recorded_ends_as_one_reveal(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    """The first process starts a debate whose questions close on a timer: Discord posts
    question 0 and its reply to the post is held, so the first process has not recorded the
    message. A second process starts, sees the game's deadline has passed and closes the
    question. Its clock is eleven minutes ahead, so to it the question also looks left unposted
    by a crash, and it posts it again; finding no message to draw the reveal on, it would post
    the reveal as a new message too (every reply held). Then the replies come back and the
    processes record their messages in whatever order: the one recorded first stays, drawn as
    the reveal, and the others are deleted. No enabled answer buttons may stay up on a closed
    question, and the reveal is shown once."""
    standin, clock = discord_standin, ShiftedClock()
    pack = small_pack()
    async with running_bot(standin, database_at, clock=clock) as first:
        standin.rest.hold_post_replies = held = asyncio.Event()
        _, thread = await start_debate(standin, timer=600)  # the first process's own timer waits 10 minutes
        [question] = step_messages(standin, thread)  # posted; the first process has not heard back
        ref = await the_game(first)
        assert await first.services.games.message_of(ref, 0) is None

        clock.ahead = timedelta(minutes=11)  # the deadline has passed, for every process
        elsewhere = 1 - (standin.guild.id >> 22) % SHARDS  # a shard that does not serve the game's server
        async with Database.open(database_at) as second_db:
            second = build_bot(
                second_db,
                library=Library({pack.id: pack}),
                clock=clock,
                counter_interval=0.05,
                shard_ids=[elsewhere],
                shard_count=SHARDS,
            )
            async with standin.run(second):  # on ready it arms the stored deadline, which fires at once

                async def closed() -> bool:
                    return (await second.services.games.load(ref)).phase is Phase.REVEALED

                await until(closed, "the second process closed the question")

                assert answer_ids(question) and not is_closed(question)
                assert await second.services.games.message_of(ref, 0) is None

                standin.rest.hold_post_replies = None
                held.set()  # every process gets its replies and records its messages
                await standin.wait_for(
                    lambda: len(of_step_0(standin, thread)) == 1 and is_closed(of_step_0(standin, thread)[0])
                )
                [kept] = of_step_0(standin, thread)
                assert await second.services.games.message_of(ref, 0) == str(kept.id)

    assert [embed["title"] for embed in kept.embeds][-1] == "Results"
    assert kept.content.endswith("· closed")
    still_open = [m.id for m in step_messages(standin, thread) if answer_ids(m) and not is_closed(m)]
    assert still_open == [], "a question message was left with its answer buttons enabled"
