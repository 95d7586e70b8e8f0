"""``rebuttal run slack``: settings from the environment, and a real start over Socket Mode."""

from __future__ import annotations

import argparse
import asyncio
import gc
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.slack import entry
from bot.health import check_health
from tests.standins.slack_drivers import HttpDriver, SendOptions, SocketDriver
from tests.standins.slack_server import SlackStandIn
from tests.waiting import until


@pytest.mark.parametrize(
    ("http", "environ", "missing"),
    [
        (False, {}, "SLACK_BOT_TOKEN"),
        (False, {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        (True, {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, "SLACK_SIGNING_SECRET"),
        (True, {"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
    ],
)
def test_a_missing_setting_is_named_in_one_line(
    http: bool,
    environ: dict[str, str],
    missing: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert entry.run(argparse.Namespace(db=None, http=http, port=3000)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and missing in err and "set " in err


def test_reuse_port_without_http_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.run(argparse.Namespace(db=None, http=False, port=3000, reuse_port=True)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--reuse-port needs --http" in err


def test_the_api_url_setting_gets_its_trailing_slash() -> None:
    settings = entry.read_settings(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "REBUTTAL_SLACK_API_URL": "http://127.0.0.1:9/api"},
        http=False,
    )
    assert isinstance(settings, entry.SlackSettings) and settings.api_url == "http://127.0.0.1:9/api/"
    default = entry.read_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, http=False)
    assert isinstance(default, entry.SlackSettings) and default.api_url == "https://slack.com/api/"


async def test_serve_connects_over_socket_mode_through_the_configured_api_url(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    s = slack_standin
    settings = entry.read_settings(
        {"SLACK_BOT_TOKEN": s.bot_token, "SLACK_APP_TOKEN": s.app_token, "REBUTTAL_SLACK_API_URL": s.api_url},
        http=False,
    )
    assert isinstance(settings, entry.SlackSettings)
    stop = asyncio.Event()
    serving = asyncio.create_task(entry.serve(settings, database_at, http=False, stop=stop))
    try:
        await s.socket.wait_connected()
        async with SocketDriver(s) as slack:
            result = await slack.slash("/debate", "help", user="U1")
            assert result.acked
            await s.wait_for(lambda: s.responses_for("U1"))
        assert "Usage:" in s.responses_for("U1")[0].text
        # Both tokens checked first (a rejected one would stop the bot), through the stand-in.
        assert [c.method for c in s.calls][:3] == ["auth.test", "apps.connections.open", "apps.connections.open"]
        health = await check_health(database_at, "slack", datetime.now(UTC))
        assert health.healthy, health.detail  # the heartbeat `rebuttal health` reads
        assert gc.get_freeze_count() > 0  # start-up's objects are out of the collector's walks (bot.heap)
    finally:
        stop.set()
        await asyncio.wait_for(serving, 5)
    assert gc.get_freeze_count() == 0  # and back once it stopped serving
    assert isinstance(database_at, str) or database_at.exists()  # serve created the SQLite file
    s.assert_clean()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def listening(port: int) -> None:
    """Until something accepts connections on ``port``: a bot (often a fresh process,
    importing slack-bolt on a busy machine) takes as long as it takes to start."""

    async def accepts() -> bool:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return False
        writer.close()
        await writer.wait_closed()
        return True

    await until(accepts, f"something listens on port {port}")


async def test_serve_over_http_verifies_with_the_signing_secret(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    s = slack_standin
    settings = entry.read_settings(
        {"SLACK_BOT_TOKEN": s.bot_token, "SLACK_SIGNING_SECRET": s.signing_secret, "REBUTTAL_SLACK_API_URL": s.api_url},
        http=True,
    )
    assert isinstance(settings, entry.SlackSettings)
    port, stop = free_port(), asyncio.Event()
    serving = asyncio.create_task(entry.serve(settings, database_at, http=True, port=port, host="127.0.0.1", stop=stop))
    try:
        await listening(port)
        async with HttpDriver(s, f"http://127.0.0.1:{port}{entry.EVENTS_PATH}") as http:
            unsigned = await http.slash("/debate", "help", user="U1", options=SendOptions(signature="missing"))
            assert unsigned.status == 401
            signed = await http.slash("/debate", "help", user="U1")
            assert signed.status == 200
            await s.wait_for(lambda: s.responses_for("U1"))
    finally:
        stop.set()
        await asyncio.wait_for(serving, 5)
    assert "Usage:" in s.responses_for("U1")[0].text
    s.assert_clean()


async def test_the_client_waits_out_a_rate_limit(slack_standin: SlackStandIn) -> None:
    s = slack_standin
    settings = entry.read_settings(
        {"SLACK_BOT_TOKEN": s.bot_token, "SLACK_APP_TOKEN": s.app_token, "REBUTTAL_SLACK_API_URL": s.api_url},
        http=False,
    )
    assert isinstance(settings, entry.SlackSettings)
    client = entry.web_client(settings)
    s.inject_error("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "0"})
    posted = await client.chat_postMessage(channel="C0GENERAL", text="hello")
    assert posted["ok"] and [m.text for m in s.messages_in("C0GENERAL")] == ["hello"]
    assert len(s.calls_to("chat.postMessage")) == 2
