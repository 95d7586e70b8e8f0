"""A platform that refuses connections: both bots wait the same way (one WARNING line per
attempt, backoff, no traceback), connect once it answers, and stop at once on SIGTERM; a
rejected token is one line and exit status 2. ``rebuttal run`` runs as a real process,
pointed at a port where nothing listens, which refuses every connection."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from adapters.discord.entry import API_BASE_VARIABLE, GATEWAY_VARIABLE, TOKEN_VARIABLE
from tests.slack.test_entry import free_port
from tests.standins.slack_server import SlackStandIn
from tests.waiting import until

ROOT = Path(__file__).parents[2]
ATTEMPT = re.compile(r" WARNING bot\.retrying: cannot reach (\w+) \(attempt (\d+): .*\); trying again in (\d+) s$")
TRACEBACK = re.compile(r"Traceback|\bERROR\b")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *command],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def attempts(log: Path, platform: str) -> list[tuple[int, int]]:
    """(attempt number, seconds until the next) of each 'cannot reach' line."""
    found = [ATTEMPT.search(line) for line in log.read_text().splitlines()]
    return [(int(m[2]), int(m[3])) for m in found if m and m[1] == platform]


async def stops_on_sigterm(bot: subprocess.Popen[bytes]) -> int:
    bot.send_signal(signal.SIGTERM)
    return await asyncio.to_thread(bot.wait, 10)


async def test_slack_out_of_reach_waits_quietly_then_connects(tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "bot.log"
    env = {
        "SLACK_BOT_TOKEN": "xoxb-standin-bot-token",  # the stand-in's own tokens
        "SLACK_APP_TOKEN": "xapp-1-standin-app-token",
        "REBUTTAL_SLACK_API_URL": f"http://127.0.0.1:{port}/api/",
    }
    bot = start(["run", "slack", "--db", str(tmp_path / "bot.db")], env, log)
    try:
        await until(lambda: len(attempts(log, "Slack")) >= 3, "three failed attempts logged")
        # Slack comes back: the bot connects over Socket Mode at its next attempt.
        async with SlackStandIn(port=port) as standin:
            await until(lambda: bool(standin.socket.active), "the bot connected once Slack answered")
            assert await stops_on_sigterm(bot) == 0
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait(10)
    text = log.read_text()
    tried = attempts(log, "Slack")
    assert [number for number, _ in tried] == list(range(1, len(tried) + 1))
    assert [wait for _, wait in tried[:3]] == [1, 2, 4]  # backoff, doubling
    assert not TRACEBACK.search(text), text
    assert "reached Slack after" in text and "stopped cleanly" in text


async def test_discord_out_of_reach_waits_quietly_and_stops_on_sigterm(tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "bot.log"
    env = {
        TOKEN_VARIABLE: "some-token",
        API_BASE_VARIABLE: f"http://127.0.0.1:{port}/api/v10",
        GATEWAY_VARIABLE: f"ws://127.0.0.1:{port}/gateway",
    }
    bot = start(["run", "discord", "--db", str(tmp_path / "bot.db")], env, log)
    try:
        await until(lambda: len(attempts(log, "Discord")) >= 3, "three failed attempts logged")
        assert bot.poll() is None  # still waiting, as the Slack bot does (it used to exit)
        assert await stops_on_sigterm(bot) == 0
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait(10)
    text = log.read_text()
    assert [wait for _, wait in attempts(log, "Discord")[:3]] == [1, 2, 4]
    assert not TRACEBACK.search(text), text
    assert "received SIGTERM" in text and "stopped before Discord could be reached" in text


async def test_a_rejected_slack_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    async with SlackStandIn() as standin:
        env = {
            "SLACK_BOT_TOKEN": "xoxb-not-the-right-one",
            "SLACK_APP_TOKEN": standin.app_token,
            "REBUTTAL_SLACK_API_URL": standin.api_url,
        }
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot.cli", "run", "slack", "--db", str(tmp_path / "bot.db")],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "rebuttal run slack: Slack rejected SLACK_BOT_TOKEN (invalid_auth); copy it again (see docs/slack.md)"
    )
    assert not TRACEBACK.search(done.stderr) and "cannot reach" not in done.stderr
