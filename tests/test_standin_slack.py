"""Tests for the local Slack stand-in, driving a real slack-bolt AsyncApp over HTTP and Socket Mode."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.slack.harness import listeners_running
from tests.standins.slack_drivers import HttpDriver, SendOptions, SocketDriver, sign
from tests.standins.slack_fixtures import (
    Transport,
    connect_bolt_socket,
    drive_bolt_app,
    make_bolt_app,
    serve_bolt_http,
    slack_no_resource_warnings,
    slack_standin,
    slack_transport,
)
from tests.standins.slack_server import SlackStandIn
from tests.waiting import until

# fixtures used by name (slack_no_resource_warnings is autouse)
__all__ = ["slack_no_resource_warnings", "slack_standin", "slack_transport"]

CHANNEL = "C0GENERAL"
DEBATE_BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Debate:* cats vs dogs"}},
    {
        "type": "actions",
        "block_id": "debate-actions",
        "elements": [
            {
                "type": "button",
                "action_id": "join",
                "value": "debate-1",
                "text": {"type": "plain_text", "text": "Join"},
            },
            {
                "type": "button",
                "action_id": "argue",
                "value": "debate-1",
                "text": {"type": "plain_text", "text": "Argue"},
            },
        ],
    },
]


def build_debate_app(standin: SlackStandIn) -> AsyncApp:
    """A minimal bolt app exercising commands, buttons, ephemerals, modals, files, DMs."""
    app = make_bolt_app(standin)

    @app.command("/debate")
    async def debate(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        await ack()
        channel, text = body["channel_id"], body["text"].strip()
        if text == "help":
            await respond("Usage: /debate start")
            return
        if text == "export":
            await client.conversations_join(channel=channel)  # a file, unlike text, needs membership
            await client.files_upload_v2(
                channel=channel,
                content="Round 1: pro 3, con 2\n",
                filename="debate.txt",
                title="Transcript",
                initial_comment="Here is the transcript",
            )
            return
        if text == "dm":
            dm = await client.conversations_open(users=body["user_id"])
            await client.chat_postMessage(channel=dm["channel"]["id"], text="Your private brief")
            return
        posted = await client.chat_postMessage(channel=channel, text="Debate started", blocks=DEBATE_BLOCKS)
        await client.chat_postMessage(channel=channel, thread_ts=posted["ts"], text="Round 1 begins")

    @app.action("join")
    async def join(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        await ack()
        await client.chat_postEphemeral(
            channel=body["channel"]["id"],
            user=body["user"]["id"],
            text=f"You joined {body['actions'][0]['value']}",
            thread_ts=body["container"]["message_ts"],
        )
        await respond(text="Thanks for joining", replace_original=False)

    @app.action("argue")
    async def argue(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "argument_modal",
                "private_metadata": body["channel"]["id"],
                "title": {"type": "plain_text", "text": "Your argument"},
                "submit": {"type": "plain_text", "text": "Submit"},
                "blocks": [
                    {
                        "type": "input",
                        "block_id": "argument",
                        "label": {"type": "plain_text", "text": "Argument"},
                        "element": {"type": "plain_text_input", "action_id": "text"},
                    }
                ],
            },
        )

    @app.view("argument_modal")
    async def submit(ack: AsyncAck, view: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        value = view["state"]["values"]["argument"]["text"]["value"]
        if not value:
            await ack(response_action="errors", errors={"argument": "Say something"})
            return
        await ack()
        await client.chat_postMessage(channel=view["private_metadata"], text=f"<@{body['user']['id']}> argues: {value}")

    @app.action("slow")
    async def slow(ack: AsyncAck) -> None:
        await asyncio.sleep(0.6)  # misses the (shortened) ack deadline
        await ack()

    @app.event("app_mention")
    async def mention(event: dict[str, Any], say: Any) -> None:
        await say(text="You rang?", thread_ts=event.get("thread_ts") or event["ts"])

    return app


# ----------------------------------------------------------------------------------- Web API


async def test_web_api_against_standin(slack_standin: SlackStandIn) -> None:
    s = slack_standin
    client = AsyncWebClient(token=s.bot_token, base_url=s.api_url)
    auth = await client.auth_test()
    assert auth["user_id"] == s.bot_user.id and auth["team_id"] == s.team_id

    first = await client.chat_postMessage(channel=CHANNEL, text="one")
    second = await client.chat_postMessage(channel=CHANNEL, text="two", thread_ts=first["ts"])
    third = await client.chat_postMessage(channel=CHANNEL, text="three", thread_ts=second["ts"])
    assert float(first["ts"]) < float(second["ts"]) < float(third["ts"])
    assert third["message"]["thread_ts"] == first["ts"]  # reply-to-reply lands in the thread
    assert [m.text for m in s.messages_in(CHANNEL)] == ["one"]
    assert [m.text for m in s.messages_in(CHANNEL, first["ts"])] == ["two", "three"]

    await client.chat_update(channel=CHANNEL, ts=first["ts"], text="one (edited)")
    await client.chat_delete(channel=CHANNEL, ts=third["ts"])
    msg = s.message(CHANNEL, first["ts"])
    assert msg is not None and msg.text == "one (edited)" and msg.history[0]["text"] == "one"
    assert [m.text for m in s.messages_in(CHANNEL, first["ts"])] == ["two"]

    # form-encoded (params) and GET requests are parsed too
    info = await client.users_info(user="UADMIN")
    assert info["user"]["is_admin"] and info["user"]["profile"]["display_name"] == "ada"
    dm = await client.conversations_open(users="U1")
    assert (await client.conversations_info(channel=dm["channel"]["id"]))["channel"]["is_im"]
    await client.api_call(
        "chat.postMessage", data={"channel": CHANNEL, "text": "form", "blocks": json.dumps([{"type": "divider"}])}
    )
    assert s.messages_in(CHANNEL)[-1].blocks == [{"type": "divider"}]

    with pytest.raises(SlackApiError, match="not_in_channel"):  # a file needs membership, as on Slack
        await client.files_upload_v2(channel=CHANNEL, content=b"x", filename="x.bin")
    await client.conversations_join(channel=CHANNEL)
    upload = await client.files_upload_v2(
        channel=CHANNEL, content=b"\x00bytes", filename="a.bin", title="A", thread_ts=first["ts"], initial_comment="hi"
    )
    record = s.files[upload["file"]["id"]]
    assert (record.content, record.title, record.channel, record.thread_ts, record.initial_comment) == (
        b"\x00bytes",
        "A",
        CHANNEL,
        first["ts"],
        "hi",
    )
    assert s.files_in(CHANNEL, first["ts"]) == [record]

    with pytest.raises(SlackApiError) as bad_token:
        await AsyncWebClient(token="xoxb-wrong", base_url=s.api_url).auth_test()
    assert bad_token.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as unknown:
        await client.api_call("chat.teleport")
    assert unknown.value.response["error"] == "unknown_method"
    assert [c.method for c in s.unknown_calls] == ["chat.teleport"]
    assert len(s.problems) == 2  # the bad token and the unknown method
    s.problems.clear()

    s.inject_error("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "1"})
    with pytest.raises(SlackApiError) as limited:
        await client.chat_postMessage(channel=CHANNEL, text="x")
    assert limited.value.response.status_code == 429
    s.assert_clean()


# ------------------------------------------------------------------- both transports


async def test_debate_command_posts_message_and_thread(slack_standin: SlackStandIn, slack_transport: Transport) -> None:
    s = slack_standin
    async with drive_bolt_app(build_debate_app(s), s, slack_transport) as slack:
        result = await slack.slash("/debate", "start", user="U1", channel=CHANNEL)
        assert result.acked and result.status == 200 and result.elapsed < 3.0
        assert result.transport == slack_transport
        reply = await s.wait_for(
            lambda: s.messages_in(CHANNEL, s.messages_in(CHANNEL)[0].ts) if s.messages_in(CHANNEL) else []
        )
    [top] = s.messages_in(CHANNEL)
    assert top.text == "Debate started" and top.user == s.bot_user.id and top.thread_ts == top.ts
    assert top.blocks == DEBATE_BLOCKS and top.channel == CHANNEL
    assert [(m.text, m.thread_ts) for m in reply] == [("Round 1 begins", top.ts)]
    assert s.unknown_calls == []
    s.assert_clean()


async def test_button_click_is_routed_and_answered(slack_standin: SlackStandIn, slack_transport: Transport) -> None:
    s = slack_standin
    async with drive_bolt_app(build_debate_app(s), s, slack_transport) as slack:
        await slack.slash("/debate", "start", user="U1", channel=CHANNEL)
        await s.wait_for(lambda: s.find_action("join"))
        result = await slack.click("join", user="U2")
        assert result.acked and result.elapsed < 3.0
        await s.wait_for(lambda: len(s.ephemerals_for("U2")) == 2)
    top = s.messages_in(CHANNEL)[0]
    assert result.request["actions"][0] == {
        **result.request["actions"][0],
        "block_id": "debate-actions",
        "value": "debate-1",
    }
    by_source = {e.source: e for e in s.ephemerals_for("U2")}
    api = by_source["chat.postEphemeral"]
    assert (api.channel, api.text, api.thread_ts) == (CHANNEL, "You joined debate-1", top.ts)
    assert by_source["response_url"].text == "Thanks for joining"
    assert [r.effect for r in s.responses_for("U2")] == ["ephemeral"]
    assert s.ephemerals_for("U1") == []
    s.assert_clean()


async def test_modal_open_and_submission(slack_standin: SlackStandIn, slack_transport: Transport) -> None:
    s = slack_standin
    async with drive_bolt_app(build_debate_app(s), s, slack_transport) as slack:
        await slack.slash("/debate", "start", user="U1", channel=CHANNEL)
        await s.wait_for(lambda: s.find_action("argue"))
        await slack.click("argue", user="U1")
        [view] = await s.wait_for(lambda: s.views_for("U1", "argument_modal"))
        rejected = await slack.submit_view("argument_modal", {"argument": {"text": ""}}, user="U1")
        assert rejected.acked
        assert rejected.json == {"response_action": "errors", "errors": {"argument": "Say something"}}
        accepted = await slack.submit_view(view=view, values={"argument": {"text": "Dogs!"}}, user="U1")
        assert accepted.acked and accepted.json is None
        await s.wait_for(lambda: len(s.messages_in(CHANNEL)) == 2)
    assert view.trigger_id is not None and view.view["private_metadata"] == CHANNEL
    assert s.messages_in(CHANNEL)[-1].text == "<@U1> argues: Dogs!"
    s.assert_clean()


async def test_files_dms_and_response_url(slack_standin: SlackStandIn, slack_transport: Transport) -> None:
    s = slack_standin
    async with drive_bolt_app(build_debate_app(s), s, slack_transport) as slack:
        await slack.slash("/debate", "export", user="U1", channel=CHANNEL)
        await slack.slash("/debate", "dm", user="U2", channel=CHANNEL)
        help_result = await slack.slash("/debate", "help", user="U1", channel=CHANNEL)
        await s.wait_for(lambda: s.files_in(CHANNEL) and s.dms_to("U2") and s.responses_for("U1"))
    [transcript] = s.files_in(CHANNEL)
    assert transcript.text == "Round 1: pro 3, con 2\n" and transcript.title == "Transcript"
    [share] = s.messages_in(CHANNEL)
    assert share.subtype == "file_share" and share.text == "Here is the transcript"
    assert [m.text for m in s.dms_to("U2")] == ["Your private brief"]
    [response] = s.responses_for("U1")
    assert response.text == "Usage: /debate start" and response.effect == "ephemeral"
    assert response.response_id in (help_result.response_url or "")
    s.assert_clean()


async def test_app_mention_event(slack_standin: SlackStandIn, slack_transport: Transport) -> None:
    s = slack_standin
    async with drive_bolt_app(build_debate_app(s), s, slack_transport) as slack:
        result = await slack.message("<@U0BOT> hello", user="U1", channel=CHANNEL, mention=True)
        assert result.acked
        [asked] = s.messages_in(CHANNEL)
        [answer] = await s.wait_for(lambda: s.messages_in(CHANNEL, asked.ts))
    assert asked.user == "U1" and answer.text == "You rang?" and answer.user == s.bot_user.id
    s.assert_clean()


async def test_late_ack_is_reported(slack_standin: SlackStandIn, slack_transport: Transport) -> None:
    s = slack_standin
    async with drive_bolt_app(build_debate_app(s), s, slack_transport) as slack:
        late = await slack.click("slow", user="U1", channel=CHANNEL, options=SendOptions(timeout=0.3))
        assert not late.acked and late.status is None
        await until(lambda: listeners_running() == 0, "the slow listener finished")  # before shutting down
    s.assert_clean()


async def test_response_url_effects(slack_standin: SlackStandIn) -> None:
    s = slack_standin
    client = AsyncWebClient(token=s.bot_token, base_url=s.api_url)
    posted = await client.chat_postMessage(channel=CHANNEL, text="vote now")
    url = s.new_response_url("block_actions", "U1", CHANNEL, message_ts=posted["ts"])
    hook = AsyncWebhookClient(url)
    assert (await hook.send(text="whisper")).status_code == 200
    assert (await hook.send(text="shout", response_type="in_channel")).status_code == 200
    assert (await hook.send(text="vote closed", replace_original=True)).status_code == 200
    msg = s.message(CHANNEL, posted["ts"])
    assert msg is not None and msg.text == "vote closed" and msg.history[0]["text"] == "vote now"
    assert (await hook.send(delete_original=True)).status_code == 200
    assert [r.effect for r in s.responses_for("U1")] == ["ephemeral", "in_channel", "replaced", "deleted"]
    assert [m.text for m in s.messages_in(CHANNEL)] == ["shout"]
    assert [e.text for e in s.ephemerals_for("U1")] == ["whisper"]
    assert (await AsyncWebhookClient(f"{s.base_url}/response/nope").send(text="x")).status_code == 404
    assert len(s.problems) == 1 and "unknown response_url" in s.problems[0]


# ------------------------------------------------------------------------ HTTP only


async def test_http_signature_checks(slack_standin: SlackStandIn) -> None:
    s = slack_standin
    async with serve_bolt_http(build_debate_app(s)) as url, HttpDriver(s, url) as http:
        unsigned = await http.slash("/debate", "start", user="U1", options=SendOptions(signature="missing"))
        forged = await http.slash("/debate", "start", user="U1", options=SendOptions(signature="invalid"))
        stale = await http.slash("/debate", "start", user="U1", options=SendOptions(stale=True))
        assert (unsigned.status, forged.status, stale.status) == (401, 401, 401)
        assert not s.messages and not s.calls  # nothing reached the listeners

        retried = await http.message(
            "<@U0BOT> again", user="U1", mention=True, options=SendOptions(retry_num=1, retry_reason="http_timeout")
        )
        assert retried.status == 200
        challenge = await http.url_verification("abc123")
        assert challenge.status == 200 and challenge.json == {"challenge": "abc123"}
        await s.wait_for(lambda: [m for m in s.messages if m.text == "You rang?"])
    s.assert_clean()


def test_signature_matches_slack_sdk_verifier() -> None:
    from slack_sdk.signature import SignatureVerifier

    ts, body = str(int(time.time())), "a=1&b=2"
    headers = {"x-slack-request-timestamp": ts, "x-slack-signature": sign("secret", ts, body)}
    assert SignatureVerifier("secret").is_valid_request(body, headers)


# ------------------------------------------------------------------- Socket Mode only


async def test_socket_mode_protocol(slack_standin: SlackStandIn) -> None:
    s = slack_standin
    async with connect_bolt_socket(build_debate_app(s), s), SocketDriver(s) as sock:
        assert len(s.socket.active) == 1
        assert [c.method for c in s.calls] == ["apps.connections.open"]
        result = await sock.slash("/debate", "start", user="U1")
        ack = s.socket.acks[result.envelope_id or ""]
        assert ack.latency == result.elapsed < 3.0 and ack.payload is None

        # Slack asks clients to reconnect every few hours: they fetch a fresh URL
        old = s.socket.active[0]
        await s.socket.request_disconnect()
        await s.wait_for(lambda: s.socket.active and s.socket.active[-1] is not old)
        assert s.socket.connection_urls_issued == 2
        assert (await sock.slash("/debate", "help", user="U2")).acked

        # envelopes nobody handles are not acked (bolt answers 404 internally)
        unhandled = await sock.slash("/unknown", user="U1", options=SendOptions(timeout=0.5))
        assert not unhandled.acked and unhandled.status is None
    s.assert_clean()


async def test_standin_rejects_bad_socket_ticket(slack_standin: SlackStandIn) -> None:
    s = slack_standin
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await session.ws_connect(f"{s.socket.ws_base}{s.socket.path}?ticket=nope")
    assert s.problems and "ticket" in s.problems[0]
