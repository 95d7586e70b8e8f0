"""Hostile and broken requests to the Slack bot over HTTP: a 4xx or a polite reply, never an
unhandled exception; and no token or signing secret in any log line, even at DEBUG."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import json
import logging
import time
import urllib.parse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from adapters.slack import entry
from bot.games.controls import Control
from tests.slack.harness import CHANNEL, TEACHER, host_action, running_bot, settle, start_game
from tests.slack.test_entry import free_port, listening
from tests.standins.mentions import slack_pings
from tests.standins.slack_drivers import HttpDriver, SendOptions
from tests.standins.slack_fixtures import Transport
from tests.standins.slack_records import MessageRecord
from tests.standins.slack_server import SlackStandIn

FORM = "application/x-www-form-urlencoded"


def crashes(records: list[logging.LogRecord]) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in records if r.exc_info and r.levelno >= logging.ERROR]


def interactive(payload: object) -> str:
    return urllib.parse.urlencode({"payload": payload if isinstance(payload, str) else json.dumps(payload)})


BROKEN_BODIES = {
    "not json": interactive("{not json"),
    "truncated json": interactive('{"type": "block_actions", "actions": [{"action_id": "rb'),
    "no actions": interactive({"type": "block_actions", "team": {"id": "T0"}, "user": {"id": "U1"}}),
    "unknown type": interactive({"type": "something_new", "team": {"id": "T0"}}),
    "empty form": "",
    "binary": "\x00\x01\x02payload=%FF%FE",
    "huge": "payload=" + "A" * 1_000_000,  # under aiohttp's large-body warning (1 MiB)
}


@asynccontextmanager
async def production_http_server(s: SlackStandIn, database: Path | str) -> AsyncIterator[str]:
    """The bot exactly as ``rebuttal run slack --http`` serves it; yields its events URL."""
    settings = entry.read_settings(
        {"SLACK_BOT_TOKEN": s.bot_token, "SLACK_SIGNING_SECRET": s.signing_secret, "REBUTTAL_SLACK_API_URL": s.api_url},
        http=True,
    )
    assert isinstance(settings, entry.SlackSettings)
    port, stop = free_port(), asyncio.Event()
    serving = asyncio.create_task(entry.serve(settings, database, http=True, port=port, host="127.0.0.1", stop=stop))
    try:
        await listening(port)
        yield f"http://127.0.0.1:{port}{entry.EVENTS_PATH}"
    finally:
        stop.set()
        await asyncio.wait_for(serving, 5)


@pytest.mark.parametrize("name", sorted(BROKEN_BODIES))
async def test_broken_bodies_get_a_4xx_or_are_ignored(
    slack_standin: SlackStandIn, database_at: Path | str, all_logs: list[logging.LogRecord], name: str
) -> None:
    async with (
        production_http_server(slack_standin, database_at) as url,
        HttpDriver(slack_standin, url) as http,
    ):
        result = await http.post(BROKEN_BODIES[name], FORM, SendOptions(timeout=10))
    assert result.status is not None and result.status < 500, (result.status, result.body[:200])
    assert crashes(all_logs) == []


async def test_unknown_and_forged_actions_get_a_polite_answer(
    slack_standin: SlackStandIn, database_at: Path | str, all_logs: list[logging.LogRecord]
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, "http") as (_, slack):
        for action_id in ("zzz-unknown", "rebuttal:answer:999999:0:0", "rebuttal:answer:1:99999999999999999999:0"):
            result = await slack.click(action_id, user="U1", channel="C0GENERAL")
            assert result.status is not None and result.status < 500, (action_id, result.status)
        long_text = await slack.slash("/debate", "start " + "x" * 5000, user=TEACHER)
        assert long_text.acked
    assert crashes(all_logs) == []


async def test_tokens_and_secrets_never_reach_the_logs(
    slack_standin: SlackStandIn, database_at: Path | str, all_logs: list[logging.LogRecord]
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, "http") as (_, slack):
        await slack.slash("/debate", "start", user=TEACHER)
        await slack.slash("/debate", "help", user="U1")
    assert all_logs, "nothing was logged: the check would prove nothing"
    secrets = (s.bot_token, s.signing_secret, s.app_token)
    for record in all_logs:
        text = record.getMessage() + repr(record.args)
        for secret in secrets:
            assert secret not in text, f"{record.name} logged a secret: {text[:200]}"


def signed_headers(s: SlackStandIn, body: bytes, content_type: str = FORM) -> dict[str, str]:
    """Headers Slack would send with ``body``: a fresh timestamp and a valid signature."""
    timestamp = str(int(time.time()))
    digest = hmac.new(s.signing_secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


def unsigned_headers(timestamp: str | None = "now", content_type: str = FORM) -> dict[str, str]:
    headers = {"Content-Type": content_type, "X-Slack-Signature": "v0=" + "0" * 64}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = str(int(time.time())) if timestamp == "now" else timestamp
    return headers


async def post_raw(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST exact bytes with exact headers (the drivers always send well-formed requests)."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=io.BytesIO(body), headers=headers) as response,
    ):
        await response.read()
        return response.status


# name -> (body, headers (None: signed by the stand-in's secret), expected status)
MALFORMED_REQUESTS: dict[str, tuple[bytes, dict[str, str] | None, int]] = {
    "non-numeric timestamp": (b"command=%2Fdebate&text=help", unsigned_headers("soon"), 401),
    "5,000-digit timestamp": (b"command=%2Fdebate&text=help", unsigned_headers("9" * 5000), 401),
    "no timestamp": (b"command=%2Fdebate&text=help", unsigned_headers(None), 401),
    "no headers at all": (b"command=%2Fdebate&text=help", {}, 401),
    "stale timestamp": (b"command=%2Fdebate&text=help", unsigned_headers(str(int(time.time()) - 3600)), 401),
    "payload is a list, unsigned": (interactive([1, 2, 3]).encode(), unsigned_headers(), 401),
    "json body is a string, unsigned": (b'"hello"', unsigned_headers(content_type="application/json"), 401),
    "json body is a list, unsigned": (b"[1, 2]", unsigned_headers(content_type="application/json"), 401),
    "not utf-8, unsigned": (b"payload=\xff\xfe{", unsigned_headers(), 401),
    "payload is a list, signed": (interactive([1, 2, 3]).encode(), None, 400),
    "payload is a number, signed": (interactive(7).encode(), None, 400),
    "json body is a string, signed": (b'"hello"', None, 400),
    "json body is null, signed": (b"null", None, 400),
    "not utf-8, signed": (b"payload=\xff\xfe{", None, 400),
    "huge body, unsigned": (b"payload=" + b"A" * 3_000_000, unsigned_headers(), 413),
}


REQUEST_LAYERS = ("aiohttp", "asyncio", "slack_bolt", "slack_sdk", "adapters.slack.entry")


@pytest.mark.parametrize("name", sorted(MALFORMED_REQUESTS))
async def test_malformed_requests_get_a_4xx_and_one_warning(
    slack_standin: SlackStandIn, database_at: Path | str, all_logs: list[logging.LogRecord], name: str
) -> None:
    body, headers, expected = MALFORMED_REQUESTS[name]
    if headers is None:
        json_like = body[:1] in (b'"', b"[", b"n")
        headers = signed_headers(slack_standin, body, "application/json" if json_like else FORM)
    async with production_http_server(slack_standin, database_at) as url:
        del all_logs[:]  # only what this request causes
        status = await post_raw(url, body, headers)
    assert status == expected
    # Only the layers a request passes through before any listener: a listener left over from
    # an earlier test (finalised late by the garbage collector) must not fail this one.
    seen = [r for r in all_logs if r.name.startswith(REQUEST_LAYERS)]
    loud = [(r.levelname, r.name, r.getMessage()) for r in seen if r.levelno >= logging.WARNING]
    assert len(loud) == 1 and loud[0][0] == "WARNING", loud
    assert not any(r.exc_info for r in seen)
    assert slack_standin.calls_to("chat.postMessage") == []  # nothing reached a listener


def oversized_and_newline_ids(game_id: int) -> list[str]:
    """Ids a forger (or a damaged client) might send: numbers too long for SQLite or for
    ``int()``, and a valid id with a trailing newline (which a ``$`` anchor would accept)."""
    twenty, huge = "9" * 20, "9" * 5000
    return [
        f"answer:{twenty}:0:0",
        f"answer:{game_id}:{twenty}:0",
        f"answer:{huge}:0:0",
        f"answer:{game_id}:0:{huge}",
        f"answer:{game_id}:0:0\n",
        f"host:{twenty}:next",
        f"host:{huge}:next",
        f"host:{game_id}:next\n",
        f"results-share:{twenty}",
        f"results-share:{game_id}\n",
        f"round-play:{twenty}",
        f"round-answer:{huge}:0:0",
        "round-play:1\n",
    ]


async def test_oversized_and_newline_ids_are_refused_privately(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str, all_logs: list[logging.LogRecord]
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, slack_transport) as (bot, slack):
        ref = await start_game(bot, s, slack)
        for action_id in oversized_and_newline_ids(ref.game_id):
            before = len(s.ephemerals_for("U1"))
            result = await slack.click(action_id, user="U1", channel=CHANNEL)
            assert result.acked, (action_id[:40], result.status)
            await s.wait_for(lambda: len(s.ephemerals_for("U1")) > before)  # noqa: B023 (awaited at once)
            assert "not recognised" in s.ephemerals_for("U1")[-1].text, action_id[:40]
        await settle(bot, s)
        state = await bot.games.service.load(ref)
    assert state.step == 0 and not state.answers  # the newline-terminated Next and answer did nothing
    assert crashes(all_logs) == []
    assert not [r for r in all_logs if r.levelno >= logging.WARNING], [r.getMessage()[:80] for r in all_logs]


def parent_context(message: MessageRecord) -> str:
    return " ".join(b["elements"][0]["text"] for b in message.blocks if b["type"] == "context")


async def test_the_parent_message_names_the_host_without_a_mention(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, "socket") as (bot, slack):
        await start_game(bot, s, slack)
        parent = s.messages_in(CHANNEL)[0]
    assert parent_context(parent).startswith(f"Hosted by {s.user_name(TEACHER)} · ")
    assert slack_pings(s) == []


async def test_a_redrawn_parent_message_still_names_the_host(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, "socket") as (bot, slack):
        ref = await start_game(bot, s, slack)
        await slack.click(host_action(s, ref, Control.PAUSE), user=TEACHER)
        await s.wait_for(lambda: "paused" in parent_context(s.messages_in(CHANNEL)[0]))
        parent = s.messages_in(CHANNEL)[0]
    assert parent_context(parent).startswith(f"Hosted by {s.user_name(TEACHER)} · ")
    assert slack_pings(s) == []
