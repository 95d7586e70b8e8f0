"""Crash safety through the real Discord adapter: ``rebuttal run discord`` as a separate process,
pointed at the Discord stand-in running in this test process, is killed with SIGKILL in the
middle of a burst of answer clicks; every player whose click got a "Locked in" interaction
callback has a stored answer, and a new process on the same file carries the game on."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.discord.entry import API_BASE_VARIABLE, GATEWAY_VARIABLE, TOKEN_VARIABLE
from tests import sqlite_rows
from tests.crash.repetitions import REPETITIONS
from tests.discord.harness import answer_ids, host_id, is_closed, start_debate, step_messages
from tests.standins.discord_server import DiscordStandIn, FakeUser, InteractionRecord
from tests.waiting import until

ROOT = Path(__file__).parents[2]
TOKEN = "crash-test-token"
PLAYERS = 300
CLICK_INTERVAL = 0.005  # seconds between two players' clicks: 200 a second
TEACHER = "carol"  # owns the stand-in's guild, so counts as a teacher
READY_LINE = "running game(s) resumed"  # logged by on_ready, once resume_all has run
TALLY = re.compile(r": (\d+) \(\d+%\)")  # "Strongly yes: 12 (40%)" in the reveal
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # discord.py colours its log lines inside Docker, even into a file
ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL)\b|Traceback")


def start_bot(standin: DiscordStandIn, database: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        TOKEN_VARIABLE: TOKEN,
        API_BASE_VARIABLE: standin.api_base,
        GATEWAY_VARIABLE: standin.gateway_url,
    }
    command = [sys.executable, "-m", "bot.cli", "run", "discord", "--db", str(database)]
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


async def until_ready(standin: DiscordStandIn, bot: subprocess.Popen[bytes], log: Path) -> None:
    """Wait for the process to connect and run on_ready (discord.py holds READY back ~2 s)."""

    def ready() -> bool:
        if bot.poll() is not None:
            raise AssertionError(f"the bot exited with {bot.returncode}:\n{log.read_text()[-3000:]}")
        return bool(standin.gateway.live) and READY_LINE in log.read_text()

    try:
        await until(ready, "the bot got ready")
    except AssertionError as error:
        raise AssertionError(f"{error}:\n{log.read_text()[-3000:]}") from None


def errors_in(log: Path) -> list[str]:
    lines = ANSI.sub("", log.read_text()).splitlines()
    return [line for line in lines if ERROR_LINE.search(line)]


def locked_in(interactions: list[InteractionRecord]) -> set[str]:
    """Players whose click was answered with a "Locked in" callback: they were told."""
    return {
        str(rec.user.id)
        for rec in interactions
        if rec.callback is not None and "Locked in" in str(rec.callback_data.get("content") or "")
    }


@pytest.mark.parametrize("run", REPETITIONS)
async def test_locked_in_answers_survive_sigkill_of_the_discord_bot(tmp_path: Path, run: int) -> None:
    database = tmp_path / "bot.db"
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    async with DiscordStandIn(token=TOKEN, interaction_timeout=15.0) as standin:
        players: list[FakeUser] = [standin.add_user(f"player{i:03d}") for i in range(PLAYERS)]
        bot = start_bot(standin, database, first_log)
        try:
            await until_ready(standin, bot, first_log)
            _, thread = await start_debate(standin, user=TEACHER, debate="voting-age-16")
            [question] = step_messages(standin, thread)
            options = answer_ids(question)
            assert options, "the first step has no answer buttons"

            async def click(i: int, player: FakeUser) -> object:
                # Paced, so the kill lands mid-burst: with group commit the bot stores an
                # unpaced burst of 300 before the test sees the first ones told.
                await asyncio.sleep(i * CLICK_INTERVAL)
                return await standin.click(question, options[i % len(options)], user=player, wait=False)

            clicks = [asyncio.create_task(click(i, p)) for i, p in enumerate(players)]
            kill_after = 20 + 15 * run
            await until(lambda: len(locked_in(standin.interactions)) >= kill_after, f"{kill_after} told 'Locked in'")
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=10)
            assert bot.returncode == -signal.SIGKILL
            await asyncio.gather(*clicks, return_exceptions=True)  # late ones find no bot connected
            await standin.wait_for(lambda: not standin.gateway.live)  # the dead process's socket closed
            await asyncio.sleep(0.2)  # a callback already on the wire still counts as told
            told = locked_in(standin.interactions)
            assert kill_after <= len(told) < PLAYERS, f"the kill did not land mid-burst ({len(told)} told)"
            assert not errors_in(first_log), errors_in(first_log)

            rows = await sqlite_rows.file_rows(database, "SELECT user_id FROM answers WHERE step = 0")
            stored = {row["user_id"] for row in rows}
            assert told <= stored, f"told 'Locked in' but lost: {sorted(told - stored)[:5]}"
            assert stored <= {str(p.id) for p in players}

            bot = start_bot(standin, database, second_log)  # the same database, a new process
            await until_ready(standin, bot, second_log)
            closed = await standin.click(question, host_id(question, "next"), user=TEACHER)
            assert closed.content == "Question closed."
            await standin.wait_for(lambda: is_closed(question), timeout=15.0)
            # The reveal counts every stored answer, once.
            assert question.content == f"{len(stored)} answered · closed"
            tallies = [int(n) for n in TALLY.findall(question.embeds[-1]["description"])]
            assert len(tallies) == len(options) and sum(tallies) == len(stored), tallies
            [game] = await sqlite_rows.file_rows(database, "SELECT phase, asked FROM games")
            assert (game["phase"], game["asked"]) == ("revealed", 1)  # the game went on
            moved = await standin.click(question, host_id(question, "next"), user=TEACHER)
            assert moved.content == "Moved on."
            await standin.wait_for(lambda: len(step_messages(standin, thread)) == 2, timeout=15.0)
            assert not errors_in(second_log), errors_in(second_log)
            standin.assert_no_unknown_routes()
        finally:
            if bot.poll() is None:
                bot.send_signal(signal.SIGTERM)
                bot.wait(timeout=10)
