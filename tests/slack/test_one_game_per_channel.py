"""Two Slack bot processes on one database, each asked to start a debate in the same channel at
once: the store's constraint lets exactly one through (there is no lock shared between them)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.slack.harness import CHANNEL, PACK_ID, TEACHER, running_bot, settle
from tests.standins.slack_fixtures import Transport
from tests.standins.slack_server import SlackStandIn

BUSY = "A debate is already running in this channel; `/debate end` ends it."


async def test_two_processes_starting_at_once_post_one_debate(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    path = database_at
    async with (
        running_bot(s, path, slack_transport) as (first, one),
        running_bot(s, path, slack_transport) as (
            second,
            two,
        ),
    ):
        starts = await asyncio.gather(
            one.slash("/debate", f"start {PACK_ID}", user=TEACHER),
            two.slash("/debate", f"start {PACK_ID}", user=TEACHER),
        )
        assert all(start.acked for start in starts)
        await s.wait_for(lambda: any(BUSY in r.text for r in s.responses_for(TEACHER)))
        await settle(first, s)
        await settle(second, s)
        assert len(s.messages_in(CHANNEL)) == 1  # one parent message: one game
        assert len(await first.games.service.running_games()) == 1
        assert sum(BUSY in r.text for r in s.responses_for(TEACHER)) == 1
