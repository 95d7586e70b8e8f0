"""SIGTERM (what ``docker stop`` sends) stops a bot cleanly, mid-burst: ``rebuttal run slack``
over HTTP and over Socket Mode, and ``rebuttal run discord``, each a separate process, get
SIGTERM while players are clicking; each exits with status 0 well within Docker's 10 s, says
so in its log, and every click it acknowledged is in the database."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from adapters.slack.buttons import ANSWER_ACTION
from tests import sqlite_rows
from tests.crash import test_sigkill_discord as discord_crash
from tests.crash.test_sigkill_slack import buttons, first_question
from tests.crash.test_sigkill_slack_acks import driver, start_bot, stored_answers, until_serving
from tests.discord.harness import answer_ids, start_debate, step_messages
from tests.slack.test_entry import free_port
from tests.standins.discord_server import DiscordStandIn, FakeUser
from tests.standins.slack_drivers import SendOptions
from tests.standins.slack_fixtures import Transport
from tests.standins.slack_server import SlackStandIn, SlackUser
from tests.waiting import until

PLAYERS = [f"UP{i:04d}" for i in range(150)]
SPREAD = 0.02  # seconds between two players' clicks: a class clicking over three seconds
DOCKER_GRACE = 10.0  # seconds Docker waits after SIGTERM before SIGKILL
# Count an ack however late it comes (a click still queued when the bot stopped gets none).
PATIENT = SendOptions(timeout=5.0)
ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL)\b|Traceback")


def wait_for_exit(bot: subprocess.Popen[bytes], signalled: float) -> tuple[int, float]:
    """The exit status, and seconds from the signal to the exit."""
    status = bot.wait(timeout=DOCKER_GRACE + 5)
    return status, time.monotonic() - signalled


@pytest.mark.parametrize("transport", ["http", "socket"])
async def test_sigterm_stops_the_slack_bot_cleanly_mid_burst(tmp_path: Path, transport: Transport) -> None:
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
                    await asyncio.sleep(index * SPREAD)
                    result = await slack.click(
                        answers[index % len(answers)], user=player, message=question, options=PATIENT
                    )
                    if result.acked:
                        acked.add(player)

                clicks = [asyncio.create_task(click(i, p)) for i, p in enumerate(PLAYERS)]
                await until(lambda: len(acked) >= 30, "30 clicks acknowledged")
                bot.send_signal(signal.SIGTERM)
                exited = asyncio.create_task(asyncio.to_thread(wait_for_exit, bot, time.monotonic()))
                # The burst goes on while the bot stops; clicks after the port closed fail.
                results = await asyncio.gather(*clicks, return_exceptions=True)
                status, took = await exited
            text = log.read_text()
            assert status == 0, text[-3000:]
            assert took < DOCKER_GRACE, f"took {took:.1f} s to stop"
            assert "received SIGTERM: stopping" in text and "stopped cleanly" in text, text[-3000:]
            assert not ERROR_LINE.search(text), text[-3000:]
            assert len(acked) < len(PLAYERS), "the signal did not land mid-burst"
            assert not [r for r in results if isinstance(r, BaseException) and not isinstance(r, Exception)]
            stored = await stored_answers(database)
            assert acked <= stored, f"acknowledged but not stored: {sorted(acked - stored)[:5]}"
        finally:
            if bot.poll() is None:
                bot.send_signal(signal.SIGKILL)
                bot.wait(timeout=10)


async def test_sigterm_stops_the_discord_bot_cleanly_mid_burst(tmp_path: Path) -> None:
    database, log = tmp_path / "bot.db", tmp_path / "bot.log"
    async with DiscordStandIn(token=discord_crash.TOKEN, interaction_timeout=15.0) as standin:
        players = [standin.add_user(f"player{i:03d}") for i in range(len(PLAYERS))]
        bot = discord_crash.start_bot(standin, database, log)
        try:
            await discord_crash.until_ready(standin, bot, log)
            _, thread = await start_debate(standin, user=discord_crash.TEACHER, debate="voting-age-16")
            [question] = step_messages(standin, thread)
            options = answer_ids(question)

            async def click(index: int, player: FakeUser) -> None:
                await asyncio.sleep(index * SPREAD)
                await standin.click(question, options[index % len(options)], user=player, wait=False)

            clicks = [asyncio.create_task(click(i, p)) for i, p in enumerate(players)]
            await until(lambda: len(discord_crash.locked_in(standin.interactions)) >= 30, "30 told 'Locked in'")
            bot.send_signal(signal.SIGTERM)
            exited = asyncio.create_task(asyncio.to_thread(wait_for_exit, bot, time.monotonic()))
            await asyncio.gather(*clicks, return_exceptions=True)  # late ones find no bot connected
            status, took = await exited
            text = log.read_text()
            assert status == 0, text[-3000:]
            assert took < DOCKER_GRACE, f"took {took:.1f} s to stop"
            assert "received SIGTERM: stopping" in text and "stopped cleanly" in text, text[-3000:]
            assert not discord_crash.errors_in(log), discord_crash.errors_in(log)
            told = discord_crash.locked_in(standin.interactions)
            assert len(told) < len(players), "the signal did not land mid-burst"
            rows = await sqlite_rows.file_rows(database, "SELECT user_id FROM answers WHERE step = 0")
            stored = {row["user_id"] for row in rows}
            assert told <= stored, f"told 'Locked in' but not stored: {sorted(told - stored)[:5]}"
        finally:
            if bot.poll() is None:
                bot.send_signal(signal.SIGKILL)
                bot.wait(timeout=10)
