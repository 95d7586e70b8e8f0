"""Crash safety through the real Slack adapter: ``rebuttal run slack --http`` as a separate
process is killed with SIGKILL in the middle of a burst of clicks; every answer a player was
told was locked in is in the database after a restart, and the game goes on."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.buttons import ANSWER_ACTION, HOST_ACTION
from adapters.slack.entry import EVENTS_PATH
from tests import sqlite_rows
from tests.crash.repetitions import REPETITIONS
from tests.slack.test_entry import free_port, listening
from tests.standins.slack_drivers import HttpDriver
from tests.standins.slack_records import MessageRecord
from tests.standins.slack_server import SlackStandIn, SlackUser
from tests.waiting import PATIENCE, until

ROOT = Path(__file__).parents[2]
PLAYERS = [f"UP{i:04d}" for i in range(200)]
CLICK_INTERVAL = 0.005  # seconds between two players' clicks: 200 a second


def start_bot(standin: SlackStandIn, database: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": standin.signing_secret,
        "REBUTTAL_SLACK_API_URL": standin.api_url,
    }
    command = [sys.executable, "-m", "bot.cli", "run", "slack", "--http", "--port", str(port), "--db", str(database)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def buttons(message: MessageRecord, pattern: object) -> list[str]:
    return [
        element["action_id"]
        for block in message.blocks
        if block.get("type") == "actions"
        for element in block.get("elements", [])
        if pattern.fullmatch(element.get("action_id", ""))  # type: ignore[attr-defined]
    ]


async def first_question(standin: SlackStandIn) -> MessageRecord:
    return await standin.wait_for(
        lambda: next((m for m in standin.messages if buttons(m, ANSWER_ACTION)), None), timeout=PATIENCE
    )


@pytest.mark.parametrize("run", REPETITIONS)
async def test_locked_in_answers_survive_sigkill_of_the_slack_bot(tmp_path: Path, run: int) -> None:
    users = [SlackUser("UADMIN", "admin", "Ada Admin", "ada", is_admin=True, is_owner=True)]
    users += [SlackUser(p, p.lower(), p, p) for p in PLAYERS]
    database = tmp_path / "bot.db"
    async with SlackStandIn(users=users) as standin:
        port = free_port()
        url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
        bot = start_bot(standin, database, port)
        try:
            await listening(port)
            async with HttpDriver(standin, url, default_channel="C0GENERAL") as http:
                assert (await http.slash("/debate", "start voting-age-16", user="UADMIN")).acked
                question = await first_question(standin)
                answers = buttons(question, ANSWER_ACTION)

                async def click(i: int, player: str) -> object:
                    # Paced, so the kill lands mid-burst: with group commit the bot stores an
                    # unpaced burst of 200 before the test sees the first ones told.
                    await asyncio.sleep(i * CLICK_INTERVAL)
                    return await http.click(answers[i % len(answers)], user=player, message=question)

                clicks = [asyncio.create_task(click(i, p)) for i, p in enumerate(PLAYERS)]
                kill_after = 20 + 15 * run
                await until(
                    lambda: sum("Locked in" in e.text for e in standin.ephemerals) >= kill_after,
                    f"{kill_after} players told 'Locked in'",
                )
                bot.send_signal(signal.SIGKILL)
                bot.wait(timeout=10)
                await asyncio.gather(*clicks, return_exceptions=True)  # some never got an answer
            told = {e.user for e in standin.ephemerals if "Locked in" in e.text}
            assert len(told) >= kill_after and len(told) < len(PLAYERS), "the kill did not land mid-burst"

            rows = await sqlite_rows.file_rows(database, "SELECT user_id FROM answers")
            stored = {row["user_id"] for row in rows}
            assert told <= stored, f"told 'locked in' but lost: {sorted(told - stored)[:5]}"

            bot = start_bot(standin, database, port)  # the same database, a new process
            await listening(port)
            async with HttpDriver(standin, url, default_channel="C0GENERAL") as http:
                controls = [(m, b) for m in standin.messages for b in buttons(m, HOST_ACTION) if b.endswith(":next")]
                assert controls, "no Next button was posted"
                holder, next_button = controls[-1]
                assert (await http.click(next_button, user="UADMIN", message=holder)).acked

                async def revealed() -> bool:
                    state[:] = await sqlite_rows.file_rows(database, "SELECT phase, asked FROM games")
                    return bool(state) and state[0]["phase"] == "revealed"

                state: list[Any] = []
                await until(revealed, "the question closed after the restart")
                assert state[0]["phase"] == "revealed" and state[0]["asked"] == 1  # the game went on
        finally:
            if bot.poll() is None:
                bot.send_signal(signal.SIGTERM)
                bot.wait(timeout=10)
