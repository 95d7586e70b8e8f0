"""Hostile and broken requests to the Slack bot over HTTP: a 4xx or a polite reply, never an
unhandled exception; and no token or signing secret in any log line, even at DEBUG."""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.parse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from adapters.slack import entry
from tests.slack.harness import TEACHER, running_bot
from tests.slack.test_entry import free_port, listening
from tests.standins.slack_drivers import HttpDriver, SendOptions
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
async def production_http_server(s: SlackStandIn, path: Path) -> AsyncIterator[str]:
    """The bot exactly as ``rebuttal run slack --http`` serves it; yields its events URL."""
    settings = entry.read_settings(
        {"SLACK_BOT_TOKEN": s.bot_token, "SLACK_SIGNING_SECRET": s.signing_secret, "REBUTTAL_SLACK_API_URL": s.api_url},
        http=True,
    )
    assert isinstance(settings, entry.SlackSettings)
    port, stop = free_port(), asyncio.Event()
    serving = asyncio.create_task(entry.serve(settings, path, http=True, port=port, host="127.0.0.1", stop=stop))
    try:
        await listening(port)
        yield f"http://127.0.0.1:{port}{entry.EVENTS_PATH}"
    finally:
        stop.set()
        await asyncio.wait_for(serving, 5)


@pytest.mark.parametrize("name", sorted(BROKEN_BODIES))
async def test_broken_bodies_get_a_4xx_or_are_ignored(
    slack_standin: SlackStandIn, tmp_path: Path, all_logs: list[logging.LogRecord], name: str
) -> None:
    async with production_http_server(slack_standin, tmp_path / "db.sqlite3") as url, HttpDriver(slack_standin, url) as http:
        result = await http.post(BROKEN_BODIES[name], FORM, SendOptions(timeout=10))
    assert result.status is not None and result.status < 500, (result.status, result.body[:200])
    assert crashes(all_logs) == []


async def test_unknown_and_forged_actions_get_a_polite_answer(
    slack_standin: SlackStandIn, tmp_path: Path, all_logs: list[logging.LogRecord]
) -> None:
    s = slack_standin
    async with running_bot(s, tmp_path / "db.sqlite3", "http") as (_, slack):
        for action_id in ("zzz-unknown", "rebuttal:answer:999999:0:0", "rebuttal:answer:1:99999999999999999999:0"):
            result = await slack.click(action_id, user="U1", channel="C0GENERAL")
            assert result.status is not None and result.status < 500, (action_id, result.status)
        long_text = await slack.slash("/debate", "start " + "x" * 5000, user=TEACHER)
        assert long_text.acked
    assert crashes(all_logs) == []


async def test_tokens_and_secrets_never_reach_the_logs(
    slack_standin: SlackStandIn, tmp_path: Path, all_logs: list[logging.LogRecord]
) -> None:
    s = slack_standin
    async with running_bot(s, tmp_path / "db.sqlite3", "http") as (_, slack):
        await slack.slash("/debate", "start", user=TEACHER)
        await slack.slash("/debate", "help", user="U1")
    assert all_logs, "nothing was logged: the check would prove nothing"
    secrets = (s.bot_token, s.signing_secret, s.app_token)
    for record in all_logs:
        text = record.getMessage() + repr(record.args)
        for secret in secrets:
            assert secret not in text, f"{record.name} logged a secret: {text[:200]}"
