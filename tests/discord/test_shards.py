"""Discord sharding: two ``rebuttal run discord --shard-ids N --shard-count 2`` processes on one
PostgreSQL database, against the local Discord stand-in, which splits servers between shards
as Discord does (``(guild_id >> 22) % shard_count``). Each process identifies as its own shard
and is sent only its own servers' events; with one process gone, its servers go unanswered
while the other's are still served. Also: the option's validation."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.discord.entry import API_BASE_VARIABLE, GATEWAY_VARIABLE, TOKEN_VARIABLE, parse_shards, run
from tests.engines import PostgresForTests, database_option
from tests.standins.discord_models import FakeGuild
from tests.standins.discord_server import DiscordStandIn
from tests.waiting import until

ROOT = Path(__file__).parents[2]
TOKEN = "shard-test-token"
SHARDS = 2
READY_LINE = "running game(s) resumed"  # logged by on_ready, once every shard of the process is ready


def shard_of(guild: FakeGuild) -> int:
    return (guild.id >> 22) % SHARDS


def start_shard(standin: DiscordStandIn, url: str, shard: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        TOKEN_VARIABLE: TOKEN,
        API_BASE_VARIABLE: standin.api_base,
        GATEWAY_VARIABLE: standin.gateway_url,
    }
    command = [sys.executable, "-m", "bot.cli", "run", "discord", *database_option(url)]
    command += ["--shard-ids", str(shard), "--shard-count", str(SHARDS)]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


async def guilds_on_both_shards(standin: DiscordStandIn) -> dict[int, FakeGuild]:
    """A server on each shard (ids are time-based snowflakes, so add until both have one)."""
    found = {shard_of(standin.guild): standin.guild}
    while len(found) < SHARDS:
        await asyncio.sleep(0.002)  # the next millisecond: the id's shard bits move on
        guild = standin.add_guild(f"school-{len(standin.guilds)}")
        found.setdefault(shard_of(guild), guild)
    return found


async def test_two_shard_processes_each_serve_only_their_own_servers(
    postgres_server: PostgresForTests, tmp_path: Path
) -> None:
    url = postgres_server.create()
    logs = [tmp_path / f"shard-{n}.log" for n in range(SHARDS)]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        async with DiscordStandIn(token=TOKEN, interaction_timeout=15.0) as standin:
            guilds = await guilds_on_both_shards(standin)
            processes = [start_shard(standin, url, n, logs[n]) for n in range(SHARDS)]

            def ready() -> bool:
                for process, log in zip(processes, logs, strict=True):
                    if process.poll() is not None:
                        raise AssertionError(f"a shard exited with {process.returncode}:\n{log.read_text()[-3000:]}")
                return all(READY_LINE in log.read_text() for log in logs)

            await until(ready, "both shard processes got ready")
            assert sorted(tuple(conn.shard or ()) for conn in standin.gateway.live) == [(0, SHARDS), (1, SHARDS)]

            for guild in guilds.values():  # each server is answered, by the one process sent its events
                channel = next(c for c in guild.channels if c.name == "general")
                answered = await standin.slash("debate", subcommand="library", user="alice", channel=channel)
                assert answered.callback is not None

            processes[0].send_signal(signal.SIGKILL)
            processes[0].wait(timeout=10)
            await until(lambda: len(standin.gateway.live) == 1, "shard 0's connection closed")
            general = {shard: next(c for c in g.channels if c.name == "general") for shard, g in guilds.items()}
            with pytest.raises(RuntimeError, match="no client is connected"):  # nobody else gets shard 0's
                await standin.slash("debate", subcommand="library", user="alice", channel=general[0])
            answered = await standin.slash("debate", subcommand="library", user="alice", channel=general[1])
            assert answered.callback is not None
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
        postgres_server.drop(url)


def test_shard_options_are_validated() -> None:
    assert parse_shards(None, None) == {}
    assert parse_shards("1,0", 4) == {"shard_ids": [0, 1], "shard_count": 4}
    for ids, count, complaint in [
        ("0", None, "go together"),
        (None, 2, "go together"),
        ("0,x", 2, "separated by commas"),
        ("2", 2, "outside 0..1"),
        ("0,0", 2, "twice"),
        ("0", 0, "at least 1"),
    ]:
        with pytest.raises(ValueError, match=complaint):
            parse_shards(ids, count)


def test_a_bad_shard_option_is_one_line_and_exit_status_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)
    args = argparse.Namespace(db=str(tmp_path / "bot.db"), database_url=None, shard_ids="3", shard_count=2)
    assert run(args) == 2
    assert capsys.readouterr().err.strip() == "rebuttal: shard 3 is outside 0..1 (--shard-count 2)"
