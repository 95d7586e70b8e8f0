"""Two bot processes on one database: a question the second process reveals while the first
is still waiting for Slack's reply to posting it ends as one reveal, not as an open question
whose buttons are refused, nor as the reveal shown twice (``bot.games.step_messages``)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.games.controls import Control
from tests.slack.harness import (
    CHANNEL,
    PACK_ID,
    TEACHER,
    GatedClient,
    has_buttons,
    host_action,
    running_bot,
    settle,
)
from tests.standins.slack_records import MessageRecord
from tests.standins.slack_server import SlackStandIn

CLOSED = "This question is closed."


class HeldReplies(GatedClient):
    """``chat.postMessage`` replies for posts in a thread (the game's steps) are held while the
    gate is closed: Slack has posted the message, and its reply (with the message's ts) is
    slow to come back to this process."""

    async def chat_postMessage(self, **arguments: Any) -> AsyncSlackResponse:
        posted = await super().chat_postMessage(**arguments)
        if arguments.get("thread_ts"):
            await self.through_gate()
        return posted


def replies(s: SlackStandIn) -> list[MessageRecord]:
    """The game thread's replies still there (a deleted one is gone from the thread)."""
    return [
        message for message in s.messages if message.channel == CHANNEL and message.is_reply and not message.deleted
    ]


def revealed(message: MessageRecord) -> bool:
    return "Results" in str(message.blocks) and CLOSED in str(message.blocks) and not has_buttons(message)


async def test_a_question_revealed_before_its_post_was_recorded_ends_as_one_reveal(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    """The first process starts the debate: Slack posts question 0, and the reply is held on
    its way back, so the first process has not recorded the message yet. Meanwhile the host
    closes the question through the second process, which finds no message to draw the reveal
    on, posts it as a new one and records it. Once the first process gets its reply, its
    question is the extra message: it deletes it, so one reveal is left and no buttons."""
    s = slack_standin
    slow = HeldReplies(token=s.bot_token, base_url=s.api_url)
    # One transport: the race is between the two processes' Web API calls, not in how clicks arrive.
    async with (
        running_bot(s, database_at, "http", client=slow) as (first, one),
        running_bot(s, database_at, "http") as (second, two),
    ):
        slow.gate.clear()
        await one.slash("/debate", f"start {PACK_ID}", user=TEACHER)
        await asyncio.wait_for(slow.held.wait(), 30)  # question 0 is posted; the reply is held
        [question] = replies(s)
        assert has_buttons(question)
        workspace = await second.games.workspace(s.team_id)
        ref = await second.games.service.live_game_at(workspace, CHANNEL)
        assert ref is not None and await second.games.service.message_of(ref, 0) is None

        await two.click(host_action(s, ref, Control.NEXT), user=TEACHER)  # the second closes it
        await s.wait_for(lambda: any(CLOSED in str(message.blocks) for message in replies(s)))
        await settle(second, s)
        assert has_buttons(question), "the second process drew on a message it could not know"
        [_, reveal] = replies(s)
        assert await second.games.service.message_of(ref, 0) == reveal.ts

        slow.gate.set()  # the first process gets its reply, and finds the reveal recorded first
        await settle(first, s)
        await settle(second, s)

    assert question.deleted, "the question was left beside its reveal"
    assert replies(s) == [reveal] and revealed(reveal)
    s.assert_clean()


async def test_a_reveal_posted_while_the_question_is_being_recorded_is_not_shown_twice(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    """As above, but now the second process's reply to posting the reveal is the slow one, and
    the first records its question meanwhile: it sees the question closed and draws the reveal
    on it. The second's reveal is then the extra message, and the second deletes it."""
    s = slack_standin
    slow_first = HeldReplies(token=s.bot_token, base_url=s.api_url)
    slow_second = HeldReplies(token=s.bot_token, base_url=s.api_url)
    async with (
        running_bot(s, database_at, "http", client=slow_first) as (first, one),
        running_bot(s, database_at, "http", client=slow_second) as (second, two),
    ):
        slow_first.gate.clear()
        await one.slash("/debate", f"start {PACK_ID}", user=TEACHER)
        await asyncio.wait_for(slow_first.held.wait(), 30)
        [question] = replies(s)
        workspace = await second.games.workspace(s.team_id)
        ref = await second.games.service.live_game_at(workspace, CHANNEL)
        assert ref is not None

        slow_second.gate.clear()
        await two.click(host_action(s, ref, Control.NEXT), user=TEACHER)
        await asyncio.wait_for(slow_second.held.wait(), 30)  # the reveal is posted; its reply held
        [_, extra] = replies(s)
        assert revealed(extra) and has_buttons(question)

        slow_first.gate.set()  # the first records its question first, and draws the reveal on it
        await s.wait_for(lambda: revealed(question))
        await settle(first, s)
        slow_second.gate.set()  # the second records its reveal second: it is extra
        await settle(second, s)
        await settle(first, s)
        assert await second.games.service.message_of(ref, 0) == question.ts

    assert extra.deleted, "the reveal was shown twice"
    assert replies(s) == [question] and revealed(question)
    s.assert_clean()
