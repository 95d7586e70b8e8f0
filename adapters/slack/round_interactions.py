"""Playing a daily round privately, in a modal.

Why a modal: it is private by nature, and ``views.update`` replaces it in place on every
click, so a player always sees exactly one card, the current one. (Ephemeral messages
replaced through ``response_url`` would also work, but a response_url serves only five
posts, and a round takes more clicks than that.) The Play click opens the modal at once
with the click's ``trigger_id``, which Slack honours for only three seconds, and fills it
in as soon as the round service has answered; every click inside it updates it by view id.

Each button names its round, step and option (``buttons.RoundButton``); where the player
is lives in the database. A redelivered click (the same ``action_ts``) is dropped, so a
retry cannot turn "Right!" into "You've already answered that one".
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError

from bot.identity import Player
from bot.rounds.presentation import PLAY_LABEL, private_card
from bot.rounds.service import PrivateView, RoundError

from . import render, round_render
from .buttons import ANY_ROUND_ACTION, PLAY_ACTION, ROUND_ANSWER_ACTION, ROUND_CONTINUE_ACTION, RoundButton
from .context import PLATFORM, FollowUp, SlackGames, nothing_more
from .interactions import click_event_id, clicked_in
from .results import first_claim

log = logging.getLogger(__name__)

NOT_RECOGNISED = f"This button is not recognised; press “{PLAY_LABEL}” on the newest round in the channel."
OPENING = "Opening your round…"


def register(app: AsyncApp, games: SlackGames) -> None:
    # Bolt runs the first listener that matches, so the catch-all comes last.
    @app.action(PLAY_ACTION)
    async def play(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        async with games.after_ack("a daily round's Play click"):
            await _play(games, body, respond)

    # An answer and a Continue move the player's stored place: acknowledged after the commit.
    @app.action(ROUND_ANSWER_ACTION)
    async def answer(
        ack: AsyncAck, context: AsyncBoltContext, body: dict[str, Any], respond: AsyncRespond | None
    ) -> None:
        refuse_later = partial(_refuse, games, body, respond)
        await games.ack_after_recording(ack, context, "a daily round answer", _step(games, body, respond), refuse_later)

    @app.action(ROUND_CONTINUE_ACTION)
    async def carry_on(
        ack: AsyncAck, context: AsyncBoltContext, body: dict[str, Any], respond: AsyncRespond | None
    ) -> None:
        refuse_later = partial(_refuse, games, body, respond)
        await games.ack_after_recording(
            ack, context, "a daily round Continue", _step(games, body, respond), refuse_later
        )

    @app.action(ANY_ROUND_ACTION)
    async def unrecognised(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond | None) -> None:
        await ack()
        async with games.after_ack("an unrecognised round button"):
            log.info("unrecognised round button %r", str(body["actions"][0].get("action_id"))[:80])
            await _refuse(games, body, respond, NOT_RECOGNISED)


def _player(body: dict[str, Any]) -> tuple[Player, str]:
    user = body["user"]
    return Player(PLATFORM, body["team"]["id"], user["id"]), str(user.get("name") or user["id"])


async def _play(games: SlackGames, body: dict[str, Any], respond: AsyncRespond) -> None:
    button = RoundButton.parse(body["actions"][0]["action_id"])
    if button is None:  # the pattern matched, so this cannot happen
        return
    try:
        opened = await games.client.views_open(trigger_id=body["trigger_id"], view=round_render.notice_modal(OPENING))
    except SlackApiError as error:  # an expired trigger (a very slow moment): say so, privately
        log.warning("opening a round view failed: %s", error.response.get("error"))
        await _refuse(games, body, respond, f"I couldn't open your round; press “{PLAY_LABEL}” again.")
        return
    view_id = str(opened["view"]["id"])
    player, name = _player(body)
    try:
        view = await games.rounds.play(button.round_id, player, name)
    except RoundError:
        await _update(games, view_id, round_render.notice_modal(NOT_RECOGNISED))
        return
    await _update(games, view_id, _drawn(view))


async def _step(games: SlackGames, body: dict[str, Any], respond: AsyncRespond | None) -> FollowUp:
    """Record an answer or a Continue; the follow-up redraws the player's view."""
    button = RoundButton.parse(body["actions"][0]["action_id"])
    shown = body.get("view") or {}
    if button is None or button.step is None or not shown.get("id"):
        # Round answers exist only inside the round view; anywhere else the id was forged.
        return partial(_refuse, games, body, respond, NOT_RECOGNISED)
    workspace_id = await games.workspace(body["team"]["id"])
    if not await first_claim(games, workspace_id, click_event_id(body)):
        return nothing_more  # a redelivery: its first delivery already drew the answer
    player, name = _player(body)
    try:
        if button.option is None:
            view = await games.rounds.carry_on(button.round_id, player, name, button.step)
        else:
            view = await games.rounds.answer(button.round_id, player, name, button.step, button.option)
    except RoundError:
        return partial(_refuse, games, body, respond, NOT_RECOGNISED)
    return partial(_update, games, str(shown["id"]), _drawn(view))


def _drawn(view: PrivateView) -> dict[str, Any]:
    return round_render.round_modal(private_card(view), view.round.id, view.round.number)


async def _update(games: SlackGames, view_id: str, view: dict[str, Any]) -> None:
    """Redraw the player's view. If they closed it meanwhile Slack says ``not_found``; what
    they did is committed already, and Play shows it again."""
    try:
        await games.client.views_update(view_id=view_id, view=view)
    except SlackApiError as error:
        log.info("could not redraw a round view: %s", error.response.get("error"))


async def _refuse(games: SlackGames, body: dict[str, Any], respond: AsyncRespond | None, text: str) -> None:
    """A private refusal: on top of the round view if the click came from one (closing it
    returns to the round), else an ephemeral message where the button was."""
    if (body.get("container") or {}).get("type") == "view":
        await games.client.views_push(trigger_id=body["trigger_id"], view=round_render.notice_modal(text))
        return
    channel, thread_ts = clicked_in(body)
    if not channel:
        log.info("a round button with nowhere to answer: %s", text)
        return
    await games.ephemeral(channel, body["user"]["id"], thread_ts, respond)(render.escape(text))
