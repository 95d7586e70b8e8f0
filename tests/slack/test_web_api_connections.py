"""The bot as ``rebuttal run slack --http`` runs it keeps its connection to Slack's Web API
open between calls, rather than connecting (TCP, and TLS to slack.com) once per call: every
click makes a call (its private "Locked in"), so a class answering at once would otherwise
open a connection per click."""

from __future__ import annotations

from pathlib import Path

from adapters.slack.buttons import ANSWER_ACTION
from tests.slack.harness import CHANNEL, TEACHER
from tests.slack.test_hostile import production_http_server
from tests.standins.slack_drivers import HttpDriver
from tests.standins.slack_records import iter_elements
from tests.standins.slack_server import SlackStandIn

CLICKS = 12


def first_answer(s: SlackStandIn) -> str | None:
    """The action id of an answer button on the first question posted, once there is one."""
    for message in s.messages:
        for _, element in iter_elements(message.blocks):
            action_id = str(element.get("action_id", ""))
            if ANSWER_ACTION.match(action_id):
                return action_id
    return None


async def test_clicks_reuse_one_connection_to_the_web_api(slack_standin: SlackStandIn, database_at: Path | str) -> None:
    s = slack_standin
    async with production_http_server(s, database_at) as url, HttpDriver(s, url) as slack:
        started = await slack.slash("/debate", "start us-russia-normalization", user=TEACHER, channel=CHANNEL)
        assert started.acked, started.body
        answer = await s.wait_for(lambda: first_answer(s), timeout=30)
        for click in range(CLICKS):
            user = ("U1", "U2")[click % 2]
            told = len(s.ephemerals_for(user))
            result = await slack.click(answer, user=user)
            assert result.acked, result.status
            await s.wait_for(lambda: len(s.ephemerals_for(user)) > told)  # noqa: B023 (awaited at once)
    replies = s.calls_to("chat.postEphemeral")
    assert len(replies) >= CLICKS
    connections = {call.client for call in replies}
    assert None not in connections
    # One connection, kept alive; a second or third only when calls overlap (the answer
    # counter's redraw beside a reply). Before, each of the calls had a connection of its own.
    assert len(connections) <= 3, f"{len(connections)} connections for {len(replies)} replies"
