"""Discord: a burst of INTERACTION_CREATE clicks (e.g. 500 players answering one question
within a second) from the local gateway stand-in; time from dispatch to the interaction
callback, Rebuttal beside a bare discord.py client that only replies, in the same run.

Run: .venv/bin/python benchmarks/discord_burst.py [--players 500] [--window 1.0] [--repeats 3]
     [--processes]

Both clients are real discord.py clients connected to tests/standins' gateway and REST
stand-in on loopback. Rebuttal's reply is the "Locked in" ephemeral message, sent only after
the answer is committed; the bare client answers every click with a fixed ephemeral message.

By default both clients share this process (and its event loop) with the stand-in and the
load. ``--processes`` runs Rebuttal as a real ``rebuttal run discord`` process (a SQLite file,
the shipped library; the burst answers US–Russia's first question) and the baseline as its own
process (``bare_discord.py``), so each client's CPU is its own, as in production.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import discord

from adapters.discord.entry import API_BASE_VARIABLE, GATEWAY_VARIABLE, TOKEN_VARIABLE
from bot.store.database import Database
from tests import sqlite_rows
from tests.discord.harness import answer_ids, running_bot, start_debate, step_messages
from tests.standins.discord_server import DiscordStandIn
from tests.waiting import until

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "burst-benchmark-token"
BOT_READY = "running game(s) resumed"  # logged by the bot's on_ready
SHIPPED_DEBATE = "us-russia-normalization"


class BareClient(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none())

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)


async def burst(
    standin: DiscordStandIn, message: Any, custom_ids: list[str], users: list[str], window: float
) -> list[float]:
    """Every user clicks once, spread evenly over ``window`` seconds; seconds to each callback."""
    latencies: list[float] = []

    async def one(index: int, user: str) -> None:
        await asyncio.sleep(index * window / len(users))
        started = time.perf_counter()
        record = await standin.click(message, custom_ids[index % len(custom_ids)], user=user, timeout=60)
        latencies.append(time.perf_counter() - started)
        assert record.content, "no reply"

    await asyncio.gather(*(one(i, u) for i, u in enumerate(users)))
    return latencies


def pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def measure(players: int, window: float) -> tuple[list[float], list[float], int]:
    async with DiscordStandIn() as standin:
        users = [standin.add_user(f"player{i}").username for i in range(players)]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            async with running_bot(standin, path, counter_interval=2.0) as bot:
                _, thread = await start_debate(standin)
                [question] = step_messages(standin, thread)
                ours = await burst(standin, question, answer_ids(question), users, window)
                rows = await sqlite_rows.rows(bot.services.games.database, "SELECT COUNT(*) FROM answers")
                recorded = int(rows[0][0])
        bare_client = BareClient()
        async with standin.run(bare_client):
            channel = standin.text_channel
            await post_button(bare_client, channel)
            message = standin.last_message(channel)
            assert message is not None and message.custom_ids()
            bare = await burst(standin, message, message.custom_ids(), users, window)
    return ours, bare, recorded


def spawn(standin: DiscordStandIn, command: list[str], log: Path) -> subprocess.Popen[bytes]:
    """A child process pointed at the stand-in (token, REST base, gateway), output to ``log``."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        TOKEN_VARIABLE: TOKEN,
        API_BASE_VARIABLE: standin.api_base,
        GATEWAY_VARIABLE: standin.gateway_url,
    }
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


async def ready(process: subprocess.Popen[bytes], log: Path, line: str) -> None:
    def seen() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        return line in log.read_text()

    await until(seen, f"{line!r} in {log.name}", timeout=60)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # the bot closes cleanly on SIGTERM
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


async def measure_in_processes(players: int, window: float) -> tuple[list[float], list[float], int]:
    async with DiscordStandIn(token=TOKEN, interaction_timeout=60.0) as standin:
        users = [standin.add_user(f"player{i}").username for i in range(players)]
        with tempfile.TemporaryDirectory() as folder:
            path, log = Path(folder) / "bench.db", Path(folder) / "bot.log"
            bot = spawn(standin, [sys.executable, "-m", "bot.cli", "run", "discord", "--db", str(path)], log)
            try:
                await ready(bot, log, BOT_READY)
                _, thread = await start_debate(standin, debate=SHIPPED_DEBATE)
                question = step_messages(standin, thread)[-1]
                ours = await burst(standin, question, answer_ids(question), users, window)
            finally:
                stop(bot)
            async with Database.open(path) as database:
                rows = await sqlite_rows.rows(database, "SELECT COUNT(*) FROM answers")
                recorded = int(rows[0][0])
            channel = standin.text_channel
            before = len(standin.messages_in(channel))
            bare_log = Path(folder) / "bare.log"
            script = str(Path(__file__).with_name("bare_discord.py"))
            bare_client = spawn(standin, [sys.executable, script, str(channel.id)], bare_log)
            try:
                await ready(bare_client, bare_log, "bare client ready")
                await until(lambda: len(standin.messages_in(channel)) > before, "the bare client's button")
                message = standin.last_message(channel)
                assert message is not None and message.custom_ids()
                bare = await burst(standin, message, message.custom_ids(), users, window)
            finally:
                stop(bare_client)
    return ours, bare, recorded


async def post_button(client: discord.Client, channel: Any) -> discord.Message:
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="A", custom_id="bare:a"))
    target = client.get_channel(channel.id)
    assert isinstance(target, discord.TextChannel)
    return await target.send("question", view=view)


async def main(players: int, window: float, repeats: int, processes: bool) -> None:
    logging.getLogger("discord").setLevel(logging.ERROR)
    chosen = measure_in_processes if processes else measure
    runs = [await chosen(players, window) for _ in range(repeats)]
    where = "each client in its own process" if processes else "both clients in this process"
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"discord.py {discord.__version__}; {players} clicks spread over {window:g} s; {repeats} runs (medians); "
        f"{where}"
    )
    for name, index in (("rebuttal", 0), ("bare discord.py", 1)):
        p50 = statistics.median(pct(r[index], 0.5) for r in runs)
        p99 = statistics.median(pct(r[index], 0.99) for r in runs)
        worst = statistics.median(max(r[index]) * 1000 for r in runs)
        print(f"{name:>16}: callback p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   max {worst:7.1f} ms")
    ratio50 = statistics.median(pct(r[0], 0.5) / pct(r[1], 0.5) for r in runs)
    ratio99 = statistics.median(pct(r[0], 0.99) / pct(r[1], 0.99) for r in runs)
    print(f"ratio rebuttal/bare: p50 {ratio50:.2f}, p99 {ratio99:.2f}")
    print(f"answers recorded: {[r[2] for r in runs]} (of {players} each run)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--players", type=int, default=500)
    parser.add_argument("--window", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--processes", action="store_true", help="Rebuttal and the baseline each in a process")
    args = parser.parse_args()
    asyncio.run(main(args.players, args.window, args.repeats, args.processes))
