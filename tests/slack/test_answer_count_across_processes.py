"""Two bot processes on one database redraw one question's "N answered" line: the message
ends on the stored count even when one process's older edit reaches Slack last."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.app import SlackBot
from bot.games.controls import Control
from bot.store.records import GameRef
from tests.slack.harness import (
    TEACHER,
    GatedClient,
    answer_action,
    has_buttons,
    host_action,
    running_bot,
    settle,
    start_game,
    step_message,
)
from tests.standins.slack_drivers import SlackDriver
from tests.standins.slack_records import MessageRecord
from tests.standins.slack_server import SlackStandIn


class SlowUpdates(GatedClient):
    """``chat.update`` calls wait while the gate is closed."""

    async def chat_update(self, **arguments: Any) -> AsyncSlackResponse:
        await self.through_gate()
        return await super().chat_update(**arguments)


def count_shown(blocks: object) -> list[int]:
    return [int(n) for n in re.findall(r"\*(\d+)\* answered", str(blocks))]


def counts_drawn(s: SlackStandIn, ts: str) -> list[int]:
    """The count each ``chat.update`` of the message at ``ts`` drew, in the order Slack applied them."""
    return [n for call in s.calls_to("chat.update") if call.args.get("ts") == ts for n in count_shown(call.args)]


@dataclass(frozen=True)
class HeldCount:
    """Two bot processes on one database, the first one's "1 answered" edit held on its way."""

    first: SlackBot
    second: SlackBot
    to_second: SlackDriver  # clicks that reach the second process
    ref: GameRef
    question: MessageRecord
    slow: SlowUpdates

    async def release(self, s: SlackStandIn) -> None:
        """Let the held edit land, and wait until both processes are quiet."""
        self.slow.gate.set()
        await settle(self.first, s)
        await settle(self.second, s)


@asynccontextmanager
async def a_count_held_on_its_way(s: SlackStandIn, database_at: Path | str) -> AsyncIterator[HeldCount]:
    # One transport: the race is between the two processes' Web API calls, not in how clicks arrive.
    slow = SlowUpdates(token=s.bot_token, base_url=s.api_url)
    async with (
        running_bot(s, database_at, "http", client=slow) as (first, one),
        running_bot(s, database_at, "http") as (second, two),
    ):
        ref = await start_game(first, s, one)
        await settle(first, s)
        question = await step_message(first, s, ref, 0)
        slow.gate.clear()
        await one.click(answer_action(ref, 0, 0), user="U1")  # the first process reads 1 …
        await asyncio.wait_for(slow.held.wait(), 30)  # … and its edit is held on the way
        yield HeldCount(first, second, two, ref, question, slow)


async def test_a_stale_count_from_the_slower_process_does_not_stay(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    s = slack_standin
    async with a_count_held_on_its_way(s, database_at) as held:
        await held.to_second.click(answer_action(held.ref, 0, 0), user="U2")  # the second reads 2 and draws it
        await s.wait_for(lambda: count_shown(held.question.blocks) == [2])
        await held.release(s)  # the older edit lands last
        drawn = counts_drawn(s, held.question.ts)
        assert drawn[:2] == [2, 1], drawn  # the stale 1 did land on top of the 2
        stored = len((await held.second.games.service.load(held.ref)).answers)
        assert stored == 2
        assert count_shown(held.question.blocks) == [stored], drawn  # yet the message ends on the stored count
    s.assert_clean()


async def test_a_count_landing_on_another_process_reveal_does_not_stay(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    """The first process's count edit is held on the way while the second process's host
    closes the question and draws its reveal; the held count then lands on the reveal (answer
    buttons back, the tally gone), and the message must still end on the reveal."""
    s = slack_standin
    async with a_count_held_on_its_way(s, database_at) as held:
        question = held.question
        await held.to_second.click(host_action(s, held.ref, Control.NEXT), user=TEACHER)  # the second closes it
        await s.wait_for(lambda: not has_buttons(question))  # and its reveal is drawn
        await held.release(s)  # the count lands last, on top of the reveal
        updates = [str(call.args) for call in s.calls_to("chat.update") if call.args.get("ts") == question.ts]
        first_reveal = next(n for n, update in enumerate(updates) if "This question is closed." in update)
        assert any(count_shown(update) for update in updates[first_reveal:]), "the held count landed after the reveal"
    assert not has_buttons(question), "the count's answer buttons stayed on a closed question"
    assert "Results" in str(question.blocks) and "This question is closed." in str(question.blocks)
    s.assert_clean()
