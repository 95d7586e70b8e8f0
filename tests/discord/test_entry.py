"""``rebuttal run discord`` and ``rebuttal discord invite-url``: exit codes and what they print."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import discord.gateway
import discord.http
import pytest

from adapters.discord import entry
from tests.standins.discord_server import DiscordStandIn
from tests.waiting import until


def test_missing_token_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert entry.run(argparse.Namespace(db=None)) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "rebuttal: DISCORD_TOKEN is not set; put the bot's token there (see docs/discord.md).\n"


async def test_bad_token_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    before = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    async with DiscordStandIn(token="the-right-one") as standin:
        monkeypatch.setenv("DISCORD_TOKEN", "a-wrong-one")
        monkeypatch.setenv(entry.API_BASE_VARIABLE, standin.api_base)
        monkeypatch.setenv(entry.GATEWAY_VARIABLE, standin.gateway_url)
        # run() owns its event loop, as the CLI calls it; the stand-in keeps serving on this one.
        # The --db flag as the CLI passes it (SQLite): the token is refused before any database work.
        code = await asyncio.to_thread(entry.run, argparse.Namespace(db=tmp_path / "bot.db"))
        # It asked the stand-in, not Discord: is it there at all, then who is this token.
        assert [r.path for r in standin.requests] == ["/gateway", "/users/@me"]
    assert code == 2
    out, err = capsys.readouterr()
    assert out == ""
    *logged, last = err.splitlines()
    assert last == "rebuttal: Discord rejected DISCORD_TOKEN; copy it again (Developer Portal → Bot → Reset Token)."
    assert all(" INFO " in line for line in logged), logged  # discord.py's "logging in", no traceback
    assert before == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)


def test_invite_url(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DISCORD_CLIENT_ID", "123456789012345678")
    assert entry.invite_url(argparse.Namespace(client_id=None)) == 0
    url = capsys.readouterr().out.strip()
    permissions = discord.Permissions(
        view_channel=True,
        embed_links=True,
        create_public_threads=True,
        send_messages_in_threads=True,
        send_messages=True,
    )
    assert url == (
        "https://discord.com/oauth2/authorize?client_id=123456789012345678"
        f"&scope=bot+applications.commands&permissions={permissions.value}"
    )
    assert entry.invite_url(argparse.Namespace(client_id="42")) == 0
    assert "client_id=42&" in capsys.readouterr().out


def test_invite_url_needs_a_client_id(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DISCORD_CLIENT_ID", raising=False)
    assert entry.invite_url(argparse.Namespace(client_id=None)) == 2
    assert capsys.readouterr().err.count("\n") == 1


async def test_a_connected_bot_is_healthy(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    from datetime import UTC, datetime

    from bot.health import check_health
    from tests.discord.harness import running_bot

    async with running_bot(discord_standin, database_at):
        # The first heartbeat is written by a task once connected: on a loaded machine that
        # can come after running_bot returns, so wait for it rather than read at once.
        async def healthy() -> bool:
            return (await check_health(database_at, "discord", datetime.now(UTC))).healthy

        await until(healthy, "the connected bot reports healthy")
