"""Discord: a burst of INTERACTION_CREATE clicks (e.g. 500 players answering one question
within a second) from the local gateway stand-in; time from dispatch to the interaction
callback, Rebuttal beside a bare discord.py client that only replies, in the same run.

Run: .venv/bin/python benchmarks/discord_burst.py [--players 500] [--window 1.0] [--repeats 3]

Both clients are real discord.py clients connected to tests/standins' gateway and REST
stand-in on loopback. Rebuttal's reply is the "Locked in" ephemeral message, sent only after
the answer is committed; the bare client answers every click with a fixed ephemeral message.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import discord

from tests import sqlite_rows
from tests.discord.harness import answer_ids, running_bot, start_debate, step_messages
from tests.standins.discord_server import DiscordStandIn


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


async def post_button(client: discord.Client, channel: Any) -> discord.Message:
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="A", custom_id="bare:a"))
    target = client.get_channel(channel.id)
    assert isinstance(target, discord.TextChannel)
    return await target.send("question", view=view)


async def main(players: int, window: float, repeats: int) -> None:
    logging.getLogger("discord").setLevel(logging.ERROR)
    runs = [await measure(players, window) for _ in range(repeats)]
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"discord.py {discord.__version__}; {players} clicks spread over {window:g} s; {repeats} runs (medians)"
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
    args = parser.parse_args()
    asyncio.run(main(args.players, args.window, args.repeats))
