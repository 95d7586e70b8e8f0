"""Slack's rules: acks within 3 s, retries without second effects, signatures, escaping, forget-me."""

from __future__ import annotations

import asyncio
import math
import time
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.app import SlackBot
from adapters.slack.buttons import FORGET_ACTION
from bot.engine.state import Phase
from bot.games.controls import Control
from bot.store.records import GameRef
from tests.content.cards import VALID_CARD_LINES
from tests.slack.harness import (
    CHANNEL,
    PACK_ID,
    TEACHER,
    answer_action,
    current_host_action,
    eventually,
    game_in,
    has_buttons,
    library_of,
    open_bot,
    running_bot,
    settle,
    small_pack,
    start_game,
    step_message,
    thread_of,
    visible_markup,
)
from tests.standins.slack_drivers import HttpDriver, SendOptions
from tests.standins.slack_fixtures import Transport, drive_bolt_app, serve_bolt_http
from tests.standins.slack_server import SlackStandIn

RETRY = SendOptions(retry_num=1, retry_reason="http_timeout")


async def test_a_retried_delivery_makes_one_answer_and_one_post(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, slack_transport) as (bot, slack):
        start = await slack.slash("/debate", f"start {PACK_ID}", user=TEACHER)
        ref = await game_in(bot, s)
        again = await slack.send("slash_commands", start.request, RETRY)  # Slack redelivers the start
        assert again.acked
        await settle(bot, s)
        assert len(s.messages_in(CHANNEL)) == 1  # one parent, one game

        # The first step is a stance question: one click, delivered twice.
        click = await slack.click(answer_action(ref, 0, 1), user="U1")
        retried = await slack.send("interactive", click.request, RETRY)
        assert click.acked and retried.acked
        await settle(bot, s)
        state = await bot.games.service.load(ref)
        assert list(state.answers) == ["U1"] and len(s.ephemerals_for("U1")) == 1

        # A host command delivered twice moves the game on once.
        thread = await thread_of(bot, ref)
        posts = len(s.messages_in(CHANNEL, thread.ts))
        advance = await slack.slash("/debate", "next", user=TEACHER)
        await slack.send("slash_commands", advance.request, RETRY)
        await settle(bot, s)
        assert (await bot.games.service.load(ref)).phase is Phase.REVEALED
        nxt = await slack.click(await current_host_action(s, bot, ref, Control.NEXT), user=TEACHER)
        await slack.send("interactive", nxt.request, RETRY)
        await settle(bot, s)
        assert (await bot.games.service.load(ref)).step == 1
        assert len(s.messages_in(CHANNEL, thread.ts)) == posts + 1
    s.assert_clean()


async def test_unsigned_and_stale_requests_are_rejected(slack_standin: SlackStandIn, database_at: Path | str) -> None:
    s = slack_standin
    async with open_bot(s, database_at) as bot, serve_bolt_http(bot.app) as url, HttpDriver(s, url) as http:
        unsigned = await http.slash("/debate", "start", user=TEACHER, options=SendOptions(signature="missing"))
        forged = await http.slash("/debate", "start", user=TEACHER, options=SendOptions(signature="invalid"))
        stale = await http.slash("/debate", "start", user=TEACHER, options=SendOptions(stale=True))
        click = await http.click(
            answer_action_for_game(1), user="U1", channel=CHANNEL, options=SendOptions(signature="missing")
        )
        assert (unsigned.status, forged.status, stale.status, click.status) == (401, 401, 401, 401)
        await asyncio.sleep(0.1)
    assert s.calls == [] and s.messages == [] and s.ephemerals == []
    s.assert_clean()


def answer_action_for_game(game_id: int) -> str:
    return f"answer:{game_id}:0:0"


class SlowThreadClient(AsyncWebClient):
    """A Slack that takes 3.5 s to post each reply in a thread."""

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        if api_method == "chat.postMessage" and (kwargs.get("json") or {}).get("thread_ts"):
            await asyncio.sleep(3.5)
        return await super().api_call(api_method, **kwargs)


async def test_a_slow_step_is_still_acknowledged_in_time(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    client = SlowThreadClient(token=s.bot_token, base_url=s.api_url)
    async with (
        open_bot(s, database_at, client=client) as bot,
        drive_bolt_app(bot.app, s, slack_transport) as slack,
    ):
        started = await slack.slash("/debate", f"start {PACK_ID}", user=TEACHER)
        assert started.acked and started.elapsed < 3
        ref = await game_in(bot, s)  # arrives once the slow post is done
        message = await step_message(bot, s, ref, 0)
        assert has_buttons(message)
        await settle(bot, s)
    s.assert_clean()


async def test_double_click_and_click_after_close(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, slack_transport) as (bot, slack):
        ref = await start_game(bot, s, slack)
        await slack.click(answer_action(ref, 0, 2), user="U1")
        await slack.click(answer_action(ref, 0, 2), user="U1")  # a double click
        await s.wait_for(lambda: len(s.ephemerals_for("U1")) == 2)
        state = await bot.games.service.load(ref)
        assert len(state.answers) == 1 and state.answers["U1"].option == 2
        await eventually(lambda: _count_shown(bot, s, ref, 1))

        question = await step_message(bot, s, ref, 0)
        await slack.click(await current_host_action(s, bot, ref, Control.NEXT), user=TEACHER)  # closes the question
        await eventually(lambda: _closed(bot, s, ref))
        late = await slack.click(answer_action(ref, 0, 0), user="U2", message=question)
        assert late.acked
        await s.wait_for(lambda: s.ephemerals_for("U2"))
        assert "closed" in s.ephemerals_for("U2")[-1].text
        state = await bot.games.service.load(ref)
        assert "U2" not in state.players
    s.assert_clean()


async def _count_shown(bot: SlackBot, s: SlackStandIn, ref: GameRef, count: int) -> bool:
    message = await step_message(bot, s, ref, 0)
    return any(f"*{count}* answered" in str(block) for block in message.blocks)


async def _closed(bot: SlackBot, s: SlackStandIn, ref: GameRef) -> bool:
    return not has_buttons(await step_message(bot, s, ref, 0))


async def test_answer_counts_are_redrawn_at_a_bounded_rate(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    s = slack_standin
    interval = 1.5
    async with running_bot(s, database_at, "http", count_interval=interval) as (bot, slack):
        ref = await start_game(bot, s, slack)
        started = time.monotonic()
        for player in ("U1", "U2", "U3", "U4", "U5"):
            await slack.click(answer_action(ref, 0, 0), user=player)
        await s.wait_for(lambda: len(s.ephemerals_for("U5")) == 1)
        question = await step_message(bot, s, ref, 0)
        if time.monotonic() - started < interval - 0.2:  # (a very slow machine may already be past it)
            assert len(question.history) == 1  # the first answer redrew at once; the rest wait
        await eventually(lambda: _count_shown(bot, s, ref, 5))
        elapsed = time.monotonic() - started
        # Five answers, at most one redraw per interval: the four later ones were coalesced.
        assert len(question.history) <= 1 + math.ceil(elapsed / interval) and len(question.history) < 5
    s.assert_clean()


async def test_markup_in_content_and_names_is_escaped(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    s.add_user("U9", "<!here>", real_name="<!channel>", display_name="<@U1>")
    lines = list(VALID_CARD_LINES)
    lines[0] = "Should towns build more bike lanes? <!channel> <!here> <@U2>"
    lines[3] = "Bike lanes empty shops <!channel>: customers who drive cannot park."
    pack = small_pack(lines)
    async with running_bot(s, database_at, slack_transport, shipped=library_of(pack)) as (bot, slack):
        ref = await start_game(bot, s, slack)
        await slack.click(answer_action(ref, 0, 0), user="U9")
        await s.wait_for(lambda: s.ephemerals_for("U9"))
        await slack.slash("/debate", "end", user=TEACHER)
        thread = await thread_of(bot, ref)
        await s.wait_for(lambda: [m for m in s.messages_in(CHANNEL, thread.ts) if m.text == "Final scoreboard"])
        await slack.slash("/debate", "library", user="U1")
        await s.wait_for(lambda: s.responses_for("U1"))
    shown = visible_markup(s) + [r.text for r in s.responses_for()]
    for raw in ("<!channel>", "<!here>", "<@U2>", "<@U1>"):
        assert not any(raw in text for text in shown), (raw, s.transcript())
    joined = "\n".join(shown)
    assert "&lt;!channel&gt;" in joined and "&lt;!here&gt;" in joined  # in the pack and in U9's name
    assert "&lt;!here&gt; — 0 pts" in joined  # the scoreboard names U9 by its (escaped) name
    s.assert_clean()


async def test_forget_me(slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str) -> None:
    s = slack_standin
    async with running_bot(s, database_at, slack_transport) as (bot, slack):
        ref = await start_game(bot, s, slack)
        await slack.click(answer_action(ref, 0, 0), user="U1")
        await s.wait_for(lambda: s.ephemerals_for("U1"))
        await slack.slash("/debate", "next", user=TEACHER)  # close it: the answer is now on record
        await eventually(lambda: _closed(bot, s, ref))
        assert "U1" in (await bot.games.service.load(ref)).players

        await slack.slash("/debate", "forget-me", user="U1")
        await s.wait_for(lambda: s.find_action(FORGET_ACTION, user="U1"))
        other = await slack.click(FORGET_ACTION, user="U2", message=None, value="U1", channel=CHANNEL)
        assert other.acked
        await s.wait_for(lambda: s.responses_for("U2"))
        assert "U1" in (await bot.games.service.load(ref)).players  # only U1 can forget U1

        await slack.click(FORGET_ACTION, user="U1")
        await s.wait_for(lambda: any("deleted" in r.text for r in s.responses_for("U1")))
        state = await bot.games.service.load(ref)
        assert "U1" not in state.players and "U1" not in state.answers
    s.assert_clean()


async def test_usage_for_unknown_subcommands_and_bad_arguments(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, slack_transport) as (_bot, slack):
        for text in ("frobnicate", "start no-such-debate", f"start {PACK_ID} timed 2", "next now", "", "help"):
            before = len(s.responses_for(TEACHER))
            result = await slack.slash("/debate", text, user=TEACHER)
            assert result.acked and result.elapsed < 3
            await s.wait_for(lambda: len(s.responses_for(TEACHER)) > before)  # noqa: B023 (awaited at once)
        texts = [r.text for r in s.responses_for(TEACHER)]
        assert texts[0].startswith("Unknown subcommand `frobnicate`") and "Usage:" in texts[0]
        assert texts[1].startswith("There is no debate `no-such-debate`")
        assert "between 5 and 3600 seconds" in texts[2]
        assert texts[3].startswith("`next` takes no arguments")
        assert all("Usage:" in text for text in texts)
        assert all(r.effect == "ephemeral" for r in s.responses_for(TEACHER))
        assert s.messages_in(CHANNEL) == []
    s.assert_clean()


async def test_a_failure_after_the_ack_is_logged_not_lost(
    slack_standin: SlackStandIn, database_at: Path | str, caplog: pytest.LogCaptureFixture
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, "http") as (bot, slack):
        ref = await start_game(bot, s, slack)
        # The start's own follow-ups (the question posted, the parent redrawn) finish first, so
        # the one failure injected is the count's redraw (under load it was the parent's).
        await settle(bot, s)
        s.inject_error("chat.update", "internal_error")  # redrawing the count fails
        clicked = await slack.click(answer_action(ref, 0, 0), user="U1")
        assert clicked.acked
        await eventually(lambda: _logged(caplog))
        # The answer was committed and confirmed before the redraw failed.
        assert "U1" in (await bot.games.service.load(ref)).answers
        assert s.ephemerals_for("U1")[0].text.startswith("Locked in")
    assert any(r.levelname == "ERROR" and r.exc_info for r in caplog.records)


async def _logged(caplog: pytest.LogCaptureFixture) -> bool:
    return any("an answer click failed after it was acknowledged" in r.getMessage() for r in caplog.records)


async def test_a_button_from_another_workspace_opens_nothing(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, slack_transport) as (bot, slack):
        ref = await start_game(bot, s, slack)
        target = s.find_action(answer_action(ref, 0, 0))
        payload = slack.payloads.block_actions(answer_action(ref, 0, 0), user="U1", target=target)
        payload["team"] = {"id": "T0OTHER", "domain": "other"}  # the same game id, in another team
        assert (await slack.send("interactive", payload)).acked
        await s.wait_for(lambda: s.ephemerals_for("U1"))
        assert s.ephemerals_for("U1")[0].text == "This debate no longer exists."
        assert (await bot.games.service.load(ref)).answers == {}
    s.assert_clean()


async def test_a_confirmation_slack_refuses_goes_through_the_response_url(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, slack_transport) as (bot, slack):
        ref = await start_game(bot, s, slack)
        s.inject_error("chat.postEphemeral", "user_not_in_channel")
        await slack.click(answer_action(ref, 0, 4), user="U2")
        [confirmation] = await s.wait_for(lambda: s.responses_for("U2"))
        assert confirmation.text.startswith("Locked in: Strongly no") and confirmation.effect == "ephemeral"
    s.assert_clean()


async def test_a_stale_next_does_not_skip_a_step(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    """The host's Next drawn for an open question, pressed again after it closed (a double
    click, or a client that had not yet seen the redraw), changes nothing."""
    s = slack_standin
    async with running_bot(s, database_at, slack_transport) as (bot, slack):
        ref = await start_game(bot, s, slack)
        first_next = await current_host_action(s, bot, ref, Control.NEXT)
        await slack.click(first_next, user=TEACHER)
        await s.wait_for(lambda: s.ephemerals_for(TEACHER) and s.ephemerals_for(TEACHER)[-1].text == "Question closed.")
        told = len(s.ephemerals_for(TEACHER))
        parent = s.messages_in(CHANNEL)[0]  # redrawn meanwhile: a client that had not yet seen that
        again = await slack.click(first_next, user=TEACHER, message=parent)
        assert again.acked
        await s.wait_for(lambda: len(s.ephemerals_for(TEACHER)) == told + 1)
        assert s.ephemerals_for(TEACHER)[-1].text == (
            "That button was drawn for an earlier step and the game has moved on; use the current controls."
        )
        state = await bot.games.service.load(ref)
        assert (state.step, state.phase) == (0, Phase.REVEALED)
    s.assert_clean()
