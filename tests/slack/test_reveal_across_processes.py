"""Two bot processes on one database: a question the second process reveals while the first
is still waiting for Slack's reply to posting it ends as the reveal, not as an open question
whose buttons are refused."""

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
    return [message for message in s.messages if message.channel == CHANNEL and message.is_reply]


async def test_a_question_revealed_before_its_post_was_recorded_ends_as_the_reveal(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    """The first process starts the debate: Slack posts question 0, and the reply is held on
    its way back, so the first process has not recorded the message yet. Meanwhile the host
    closes the question through the second process, which finds no message to draw the reveal
    on and posts it as a new one. Once the first process gets its reply, it must draw the
    reveal on its question: no answer buttons may stay up on a closed question."""
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

        slow.gate.set()  # the first process gets its reply and records the question's message
        await settle(first, s)
        await settle(second, s)

    assert not has_buttons(question), "the question stayed up with its answer buttons"
    assert "Results" in str(question.blocks) and CLOSED in str(question.blocks)
    open_questions = [message.ts for message in replies(s) if has_buttons(message)]
    assert open_questions == [], "a question message was left with answer buttons"
    s.assert_clean()
