"""Daily rounds through the real Slack bot: a clock moved by hand, and players who click
through their private round view (a modal in the stand-in) as Slack would deliver it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from adapters.slack.app import SlackBot
from adapters.slack.buttons import ROUND_CALLBACK, RoundButton
from bot.store.records import Round
from tests.slack.harness import CHANNEL, settle
from tests.standins.slack_drivers import SlackDriver
from tests.standins.slack_records import ActionTarget, MessageRecord, ViewRecord, iter_elements
from tests.standins.slack_server import SlackStandIn

MONDAY = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# The bike-lanes round: 0 stance before, 1 the prediction, 2 the stronger-point vote, 3 stance after.
STANCE_BEFORE, PREDICTION, STRONGER, STANCE_AFTER = range(4)
UNSURE, STRONGLY_YES, LEAN_YES = 2, 0, 1  # options of the stance scale


def texts_in(node: Any) -> list[str]:
    """Every text a person sees in blocks or a view, in order."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            found.append(node["text"])
        for value in node.values():
            found += texts_in(value)
    elif isinstance(node, list):
        for value in node:
            found += texts_in(value)
    return found


def shown(view_or_message: ViewRecord | MessageRecord) -> str:
    blocks = view_or_message.view["blocks"] if isinstance(view_or_message, ViewRecord) else view_or_message.blocks
    return "\n".join(texts_in(blocks))


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [str(element["action_id"]) for _, element in iter_elements(blocks)]


def play_button(message: MessageRecord) -> str | None:
    return next((a for a in action_ids(message.blocks) if a.startswith("round-play:")), None)


def round_id_of(message: MessageRecord) -> int:
    action = play_button(message)
    assert action is not None, message.blocks
    button = RoundButton.parse(action)
    assert button is not None
    return button.round_id


def top_level(s: SlackStandIn) -> list[MessageRecord]:
    return s.messages_in(CHANNEL)


async def move_to(bot: SlackBot, s: SlackStandIn, clock: Any, moment: datetime) -> None:
    """Set the clock, wake the scheduler, and let whatever it posts arrive."""
    clock.now = moment
    bot.games.scheduler.poke()
    await settle(bot, s)


async def the_round(bot: SlackBot, s: SlackStandIn, round_id: int) -> Round:
    workspace = await bot.games.workspace(s.team_id)
    async with bot.games.rounds.database.read() as uow:
        found = await uow.rounds.by_id(workspace, round_id)
    assert found is not None
    return found


def views_of(s: SlackStandIn, user: str) -> list[ViewRecord]:
    return s.views_for(user, ROUND_CALLBACK)


async def open_round(slack: SlackDriver, s: SlackStandIn, user: str, message: MessageRecord) -> ViewRecord:
    """Press Play on ``message``; returns the private view once the round is drawn in it."""
    before = len(views_of(s, user))
    action = play_button(message)
    assert action is not None, "the announcement has no Play button"
    await slack.click(action, user=user, message=message)
    await s.wait_for(lambda: len(views_of(s, user)) > before and views_of(s, user)[-1].updates > 0)
    return views_of(s, user)[-1]


async def press(slack: SlackDriver, s: SlackStandIn, view: ViewRecord, user: str, action_id: str) -> str:
    """Click ``action_id`` in this very view (even a stale one); returns the view's new text."""
    found = [(block_id, element) for block_id, element in iter_elements(list(view.view["blocks"]))]
    block_id, element = next(
        ((b, e) for b, e in found if e["action_id"] == action_id),
        ("forged", {"type": "button", "action_id": action_id}),
    )
    before = view.updates
    payload = slack.payloads.block_actions(
        action_id, user=user, target=ActionTarget("view", element, block_id, view=view)
    )
    result = await slack.send("interactive", payload)
    assert result.acked
    await s.wait_for(lambda: view.updates > before)
    return shown(view)


async def play_through(
    slack: SlackDriver, s: SlackStandIn, view: ViewRecord, user: str, round_id: int, choose: Mapping[int, int]
) -> list[str]:
    """Answer each question with ``choose[step]`` and press Continue, until the buttons run out
    (or a step has no choice: the player stops there). Returns the view's text after each click."""
    seen: list[str] = []
    while ids := action_ids(list(view.view["blocks"])):
        answers = [RoundButton.parse(a) for a in ids if a.startswith("round-answer:")]
        if answers:
            step = answers[0].step if answers[0] else None
            assert step is not None
            if step not in choose:
                return seen
            action = RoundButton(round_id, step, choose[step]).action_id
        else:
            [action] = ids
        seen.append(await press(slack, s, view, user, action))
    return seen
