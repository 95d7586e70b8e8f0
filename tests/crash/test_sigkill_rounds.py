"""Daily rounds across processes: three ``rebuttal run slack --http`` processes on one
PostgreSQL (pgserver) and one Slack stand-in. A round is posted exactly once and closed and
summarised exactly once, and each post is taken over when the process that claimed it is
killed with SIGKILL between its claim and its post.

How the kill lands between claim and post: the stand-in holds the first ``chat.postMessage``
it receives (the claimer's post is in flight, not made); the test reads the claim's holder from
the database (host:pid:tag), SIGKILLs that pid, then drops the held request, so that post is
never made. The claim's lease is 5 s here (``REBUTTAL_POST_LEASE_SECONDS``); the survivors'
schedulers wake when it runs out, and one of them posts."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import time
from typing import Any

import asyncpg
from aiohttp import web

from adapters.slack.context import PLATFORM
from bot.composition import POST_LEASE_VARIABLE
from bot.content.library import Library, load_library
from bot.identity import Venue
from bot.rounds.service import RoundService
from bot.rounds.timing import Timing
from bot.store.database import Database
from bot.store.records import ScheduleSpec
from tests.crash.slack_workers import http_workers, kill
from tests.engines import PostgresForTests
from tests.slack.test_entry import free_port
from tests.standins.slack_server import SlackStandIn
from tests.waiting import until

CHANNEL = "C0ROUNDS"
LEASE_SECONDS = 5.0  # longer than the test takes to find and kill the claimer on a busy machine
PROCESSES = 3


class HoldingStandIn(SlackStandIn):
    """The Slack stand-in, holding the first ``chat.postMessage`` after ``hold_next_post`` until
    ``drop_held_post``: the post is in flight but never made."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.holding = False
        self.held = asyncio.Event()
        self._release = asyncio.Event()

    def hold_next_post(self) -> None:
        self.holding, self.held, self._release = True, asyncio.Event(), asyncio.Event()

    def drop_held_post(self) -> None:
        self._release.set()

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "chat.postMessage" and self.holding:
            self.holding = False
            self.held.set()
            await self._release.wait()
            return web.json_response({"ok": False, "error": "internal_error"}, status=500)
        return await super()._handle_api(request)


@asynccontextmanager
async def bots(standin: SlackStandIn, url: str) -> AsyncIterator[dict[int, subprocess.Popen[bytes]]]:
    """Three bot processes on ``url``, by pid, just started (each one's scheduler ticks as soon
    as it has started); all killed on the way out."""
    ports = [free_port() for _ in range(PROCESSES)]
    lease = {POST_LEASE_VARIABLE: str(LEASE_SECONDS)}
    async with http_workers(standin, url, ports, environment=lease, until_listening=False) as running:
        yield {bot.pid: bot for bot in running}


async def round_rows(url: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url)
    try:
        return list(await connection.fetch("SELECT * FROM rounds ORDER BY id"))
    finally:
        await connection.close()


async def kill_the_claimer(url: str, column: str, processes: dict[int, subprocess.Popen[bytes]]) -> int:
    """SIGKILL the process holding the claim in ``column``; returns its pid."""
    (row,) = await round_rows(url)
    holder = row[column]
    assert holder is not None, f"the post in flight was not claimed ({column} is empty)"
    pid = int(holder.split(":")[1])
    assert pid in processes, f"the claim's holder {holder} is not one of the bots"
    kill(processes[pid])
    return pid


async def schedule_a_round_due_now(url: str, team: str) -> None:
    """A daily schedule in the channel, made due now (as ``rebuttal play --daily`` does)."""
    shipped = load_library()

    async def library_for(workspace_id: int) -> Library:
        return shipped

    async with Database.open(url) as database:
        rounds = RoundService(database, library_for)
        venue = Venue(PLATFORM, team, CHANNEL)
        await rounds.set_schedule(venue, ScheduleSpec(Timing(time(9, 0), "UTC", frozenset(range(7)))), "admin")
        assert await rounds.start_now(venue)


async def test_a_round_is_posted_and_closed_once_by_three_processes_and_taken_over_after_a_kill(
    postgres_server: PostgresForTests,
) -> None:
    url = postgres_server.create()
    try:
        async with HoldingStandIn() as standin:
            await schedule_a_round_due_now(url, standin.team_id)

            # Three processes start; each one's first tick finds the run due. One opens the round
            # and claims its post; it is killed with the post in flight.
            standin.hold_next_post()
            async with bots(standin, url) as processes:
                await asyncio.wait_for(standin.held.wait(), timeout=60)
                killed = await kill_the_claimer(url, "announcement_claimed_by", processes)
                standin.drop_held_post()
                await until(lambda: len(standin.messages_in(CHANNEL)) >= 1, "a survivor posted the round")
                await asyncio.sleep(LEASE_SECONDS + 2)  # time for any second post to show
                (announcement,) = standin.messages_in(CHANNEL)
                (row,) = await round_rows(url)
                assert row["announcement_ref"] is not None and announcement.ts in row["announcement_ref"]
                taker = int(row["announcement_claimed_by"].split(":")[1])
                assert taker in processes and taker != killed

            # The round's closing time comes; three fresh processes start, and one closes the
            # round and claims its summary; it too is killed with the post in flight.
            connection = await asyncpg.connect(url)
            try:
                await connection.execute("UPDATE rounds SET closes_at = now()")
            finally:
                await connection.close()
            standin.hold_next_post()
            async with bots(standin, url) as processes:
                await asyncio.wait_for(standin.held.wait(), timeout=60)
                (row,) = await round_rows(url)
                closed_at = row["closed_at"]
                assert closed_at is not None
                killed = await kill_the_claimer(url, "summary_claimed_by", processes)
                standin.drop_held_post()
                await until(lambda: len(standin.messages_in(CHANNEL)) >= 2, "a survivor posted the summary")
                await asyncio.sleep(LEASE_SECONDS + 2)
                assert len(standin.messages_in(CHANNEL)) == 2  # the round and one summary
                (row,) = await round_rows(url)
                assert row["closed_at"] == closed_at  # closed once, by the killed process
                assert row["summary_ref"] is not None
                assert int(row["summary_claimed_by"].split(":")[1]) not in (killed,)
            postings = [c for c in standin.calls_to("chat.postMessage") if c.args.get("channel") == CHANNEL]
            assert len(postings) == 2  # the held posts never reached the workspace
    finally:
        postgres_server.drop(url)
