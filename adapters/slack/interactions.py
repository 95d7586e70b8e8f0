"""Button clicks: answers, host controls and the forget-me confirmation.

Everything a click needs is in its ``action_id`` (game, step, option or control) and in
Slack's payload (team, user), so a button posted before a restart still routes. The click's
``action_ts`` (with the user) is the event id the service deduplicates on: a redelivered
click is recognised, records nothing and posts nothing.

A click that changes what is stored is acknowledged only after its commit
(``context.ack_after_recording``), then its sender is told and its effects are drawn.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond

from bot.engine.commands import Command, PlayerAnswered
from bot.store.records import GameNotFound, GameRef

from . import render
from .buttons import ANSWER_ACTION, FORGET_ACTION, HOST_ACTION, UNRECOGNISED_GAME_ACTION, AnswerButton, HostButton
from .context import FollowUp, Reply, SlackGames, nothing_more

log = logging.getLogger(__name__)


NOT_RECOGNISED = "This button is not recognised any more; use the newest message in the thread."


def click_event_id(body: dict[str, Any]) -> str:
    action = body["actions"][0]
    return f"action:{action.get('action_ts') or body.get('trigger_id')}:{body['user']['id']}"


def clicked_in(body: dict[str, Any]) -> tuple[str, str | None]:
    """The channel and thread the clicked message sits in (for ephemeral replies)."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
    return str(channel), container.get("thread_ts") or message.get("thread_ts")


def clicker_reply(games: SlackGames, body: dict[str, Any], respond: AsyncRespond | None) -> Reply:
    """A private reply to whoever clicked, in the thread the button sits in."""
    channel, thread_ts = clicked_in(body)
    return games.ephemeral(channel, body["user"]["id"], thread_ts, respond)


def register(app: AsyncApp, games: SlackGames) -> None:
    # Answers, host controls and forget-me change what is stored, so each is acknowledged
    # only after its commit (``ack_after_recording``): an acknowledged click is a stored click.
    @app.action(ANSWER_ACTION)
    async def answer(ack: AsyncAck, context: AsyncBoltContext, body: dict[str, Any], respond: AsyncRespond) -> None:
        reply = clicker_reply(games, body, respond)
        await games.ack_after_recording(ack, context, "an answer click", _answer(games, body, reply), reply)

    @app.action(HOST_ACTION)
    async def host_control(
        ack: AsyncAck, context: AsyncBoltContext, body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        reply = clicker_reply(games, body, respond)
        await games.ack_after_recording(ack, context, "a host control click", _host_control(games, body, reply), reply)

    @app.action(FORGET_ACTION)
    async def forget_me(ack: AsyncAck, context: AsyncBoltContext, body: dict[str, Any], respond: AsyncRespond) -> None:
        reply = clicker_reply(games, body, respond)
        await games.ack_after_recording(ack, context, "forget-me", _forget_me(games, body, respond), reply)

    @app.action(UNRECOGNISED_GAME_ACTION)
    async def unrecognised(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        async with games.after_ack("an unrecognised game button"):
            log.info("unrecognised game button %r", str(body["actions"][0].get("action_id"))[:80])
            await clicker_reply(games, body, respond)(NOT_RECOGNISED)


async def _answer(games: SlackGames, body: dict[str, Any], reply: Reply) -> FollowUp:
    button = AnswerButton.parse(body["actions"][0]["action_id"])
    if button is None:  # the pattern matched, so this cannot happen; say so in the log
        log.warning("unreadable answer button %r", body["actions"][0]["action_id"])
        return nothing_more
    user = body["user"]
    ref = GameRef(await games.workspace(body["team"]["id"]), button.game_id)
    command = PlayerAnswered(
        user["id"], str(user.get("name") or user["id"]), button.step, button.option, games.service.clock()
    )
    return await _recorded(games, ref, command, click_event_id(body), reply)


async def _host_control(games: SlackGames, body: dict[str, Any], reply: Reply) -> FollowUp:
    button = HostButton.parse(body["actions"][0]["action_id"])
    if button is None:
        log.warning("unreadable host button %r", body["actions"][0]["action_id"])
        return nothing_more
    user = body["user"]["id"]
    workspace_id = await games.workspace(body["team"]["id"])
    teacher = await games.is_teacher(workspace_id, user)
    command = games.host_command(button.control, user, teacher, button.drawn_for)
    return await _recorded(games, GameRef(workspace_id, button.game_id), command, click_event_id(body), reply)


async def _recorded(games: SlackGames, ref: GameRef, command: Command, event_id: str, reply: Reply) -> FollowUp:
    try:
        _, follow_up = await games.record(ref, command, event_id, reply)
    except GameNotFound:
        return partial(reply, "This debate no longer exists.")
    return follow_up


async def _forget_me(games: SlackGames, body: dict[str, Any], respond: AsyncRespond) -> FollowUp:
    user = body["user"]["id"]
    if body["actions"][0].get("value") != user:
        return partial(respond, text="This button is for the person who asked to be forgotten.", replace_original=False)
    deleted = await games.workspaces.forget_player(await games.workspace(body["team"]["id"]), user)
    text = f"Done: {deleted} record{'s' if deleted != 1 else ''} of your answers and scores deleted here."
    return partial(respond, text=render.escape(text), replace_original=True)
