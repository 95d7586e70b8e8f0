"""An acknowledged Slack click is a stored click: ``rebuttal run slack`` (over HTTP, and over
Socket Mode) is killed with SIGKILL in the middle of a burst of answer clicks, and every click
Slack's stand-in got an acknowledgement for (HTTP 200, or a Socket Mode ack) is in the
database, read before and after a new process opened it. Slack never redelivers an
acknowledged click, so one acknowledged before its commit would be lost without a trace."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.slack.buttons import ANSWER_ACTION
from adapters.slack.entry import EVENTS_PATH
from tests import sqlite_rows
from tests.crash.repetitions import REPETITIONS
from tests.crash.test_sigkill_slack import buttons, first_question
from tests.slack.test_entry import free_port, listening
from tests.standins.slack_drivers import HttpDriver, SendOptions, SlackDriver, SocketDriver
from tests.standins.slack_fixtures import Transport
from tests.standins.slack_server import SlackStandIn, SlackUser
from tests.waiting import until

ROOT = Path(__file__).parents[2]
PLAYERS = [f"UP{i:04d}" for i in range(200)]
# Count an ack however late it comes: a late one is still a promise that the click is stored.
PATIENT = SendOptions(timeout=15.0)
SPREAD = 0.02  # seconds between two players' clicks


def start_bot(
    standin: SlackStandIn, database: Path, transport: Transport, port: int, log: Path
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": standin.signing_secret,
        "SLACK_APP_TOKEN": standin.app_token,
        "REBUTTAL_SLACK_API_URL": standin.api_url,
    }
    command = [sys.executable, "-m", "bot.cli", "run", "slack", "--db", str(database)]
    if transport == "http":
        command += ["--http", "--port", str(port)]
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


async def until_serving(standin: SlackStandIn, transport: Transport, port: int, bot: subprocess.Popen[bytes]) -> None:
    if transport == "http":
        await listening(port)
        return
    connected = len(standin.socket.connections)

    def connected_again() -> bool:
        if bot.poll() is not None:
            raise AssertionError(f"the bot exited with {bot.returncode}")
        return len(standin.socket.connections) > connected and bool(standin.socket.active)

    await until(connected_again, "the bot connected over Socket Mode")


def driver(standin: SlackStandIn, transport: Transport, port: int) -> SlackDriver:
    if transport == "http":
        return HttpDriver(standin, f"http://127.0.0.1:{port}{EVENTS_PATH}", default_channel="C0GENERAL")
    return SocketDriver(standin, default_channel="C0GENERAL")


async def stored_answers(database: Path) -> set[str]:
    return {row["user_id"] for row in await sqlite_rows.file_rows(database, "SELECT user_id FROM answers")}


@pytest.mark.parametrize("transport", ["http", "socket"])
@pytest.mark.parametrize("run", REPETITIONS)
async def test_every_acknowledged_click_survives_sigkill(tmp_path: Path, transport: Transport, run: int) -> None:
    users = [SlackUser("UADMIN", "admin", "Ada Admin", "ada", is_admin=True, is_owner=True)]
    users += [SlackUser(p, p.lower(), p, p) for p in PLAYERS]
    database, log = tmp_path / "bot.db", tmp_path / "bot.log"
    async with SlackStandIn(users=users) as standin:
        port = free_port()
        bot = start_bot(standin, database, transport, port, log)
        try:
            await until_serving(standin, transport, port, bot)
            acked: set[str] = set()
            async with driver(standin, transport, port) as slack:
                assert (await slack.slash("/debate", "start voting-age-16", user="UADMIN")).acked
                question = await first_question(standin)
                answers = buttons(question, ANSWER_ACTION)

                async def click(index: int, player: str) -> None:
                    # A class clicking over four seconds, not all at one instant: on a loaded
                    # machine most of an instant burst of 200 waits past the ack deadline and
                    # is refused (never acknowledged), so the kill point would not be reached.
                    await asyncio.sleep(index * SPREAD)
                    result = await slack.click(
                        answers[index % len(answers)], user=player, message=question, options=PATIENT
                    )
                    if result.acked:
                        acked.add(player)

                clicks = [asyncio.create_task(click(i, p)) for i, p in enumerate(PLAYERS)]
                kill_after = 10 + 10 * run
                await until(lambda: len(acked) >= kill_after, f"{kill_after} clicks acknowledged")
                bot.send_signal(signal.SIGKILL)
                bot.wait(timeout=10)
                # Acks already on their way count too (they were sent before the kill).
                await asyncio.gather(*clicks, return_exceptions=True)  # the rest never get an ack
            assert kill_after <= len(acked) < len(PLAYERS), "the kill did not land mid-burst"
            stored = await stored_answers(database)
            assert acked <= stored, f"acknowledged but lost: {sorted(acked - stored)[:5]}"

            bot = start_bot(standin, database, transport, port, log)  # the same file, a new process
            await until_serving(standin, transport, port, bot)
            assert acked <= await stored_answers(database)
        finally:
            if bot.poll() is None:
                bot.send_signal(signal.SIGKILL)
                bot.wait(timeout=10)
