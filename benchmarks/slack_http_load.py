"""Slack over HTTP: acknowledgement latency under rising click rates, Rebuttal beside a bare
slack-bolt app that only acks, measured in the same run.

Run: .venv/bin/python benchmarks/slack_http_load.py [--rates 25,50,100,200] [--seconds 4]
     [--workers N] [--engine sqlite|postgresql]

Without ``--workers`` the Rebuttal app, the bare app, the Slack stand-in and the load
generator share this one process (and its event loop). ``--workers N`` runs Rebuttal as N real
``rebuttal run slack --http`` processes (each on its own port; the load generator spreads the
clicks over them round robin, as a load balancer would) and the baseline as N bare bolt
processes (``bare_bolt.py``), so the bot's CPU is its own, as in production. Several workers
need ``--engine postgresql`` (pgserver in a temporary directory); one worker may use either.

Both apps are real slack-bolt AsyncApps served by aiohttp on loopback, verifying Slack's
signatures; the Web API they call is the local stand-in (tests/standins). The load generator
is open-loop: it sends signed ``block_actions`` (each from a different player, answering the
open question) at a fixed rate whatever the responses, so queueing shows up as latency.

Per rate it reports the ack latency (p50, p99), how many clicks were acknowledged (HTTP 200;
a click the bot could not record in time is refused with a 5xx instead), how many of the
acknowledged clicks were not yet in the database when the last ack went out (what a crash at
that moment would lose), and the recording lag: from the last ack to the moment every
acknowledged click is stored. Each rate's backlog is drained before the next rate starts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import build_app
from adapters.slack.buttons import ANSWER_ACTION
from adapters.slack.entry import EVENTS_PATH, serve_http
from bot.content.library import load_library
from bot.store.database import Database
from bot.store.interface import Store
from tests.sqlite_rows import rows
from tests.standins.slack_drivers import HttpDriver, SlackPayloads, sign
from tests.standins.slack_server import MessageRecord, SlackStandIn, SlackUser

ROOT = Path(__file__).resolve().parents[1]
CHANNEL = "C0GENERAL"
CONNECTION_FAILED = 0  # counted as this status: no HTTP response at all


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def signed(standin: SlackStandIn, payload: dict[str, object]) -> tuple[bytes, dict[str, str]]:
    body = urllib.parse.urlencode({"payload": json.dumps(payload)})
    stamp = int(time.time())
    return body.encode(), {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": sign(standin.signing_secret, stamp, body),
    }


@dataclass
class Load:
    """One rate's run: what was achieved, each response's latency and status, and when the last
    acknowledgement (HTTP 200) arrived."""

    achieved: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    last_ack: float = 0.0
    cpu_seconds: float | None = None  # used by the serving processes (worker mode only)

    @property
    def acked(self) -> int:
        return self.statuses[200]


async def load(urls: Sequence[str], requests: Sequence[tuple[bytes, dict[str, str]]], rate: float) -> Load:
    """Send ``requests`` at ``rate`` per second (open loop), round robin over ``urls`` (as a
    load balancer would), recording every response."""
    result = Load(achieved=0.0)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def one(url: str, body: bytes, headers: dict[str, str]) -> None:
            started = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    status = response.status
            except aiohttp.ClientError:
                status = CONNECTION_FAILED  # e.g. reset when the server's accept backlog overflows
            finished = time.perf_counter()
            result.statuses[status] += 1
            result.latencies.append(finished - started)
            if status == 200:
                result.last_ack = max(result.last_ack, finished)

        began = time.perf_counter()
        tasks = []
        for index, (body, headers) in enumerate(requests):
            delay = began + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(urls[index % len(urls)], body, headers)))
        await asyncio.gather(*tasks)
        result.achieved = len(requests) / (time.perf_counter() - began)
    return result


async def answers_stored(database: Store) -> int:
    return int((await rows(database, "SELECT COUNT(*) FROM answers"))[0][0])


async def recording_lag(database: Store, expected: int, last_ack: float) -> tuple[int, float]:
    """Answers stored right now, and seconds from ``last_ack`` until ``expected`` are stored
    (waiting at most two minutes; ``inf`` if they never are)."""
    stored_now = await answers_stored(database)
    while time.perf_counter() - last_ack < 120:
        if await answers_stored(database) >= expected:
            return stored_now, max(0.0, time.perf_counter() - last_ack)
        await asyncio.sleep(0.01)
    return stored_now, float("inf")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def cpu_seconds(pids: Sequence[int]) -> float | None:
    """CPU time (user + system) the processes have used so far, from Linux's /proc; None
    elsewhere, or for clients in this process (``pids`` empty)."""
    try:
        total_ticks = 0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            total_ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return total_ticks / os.sysconf("SC_CLK_TCK") if pids else None
    except (OSError, ValueError):
        return None


async def cpu_spent(result: Load, pids: Sequence[int], before: float | None) -> None:
    """Set ``result.cpu_seconds``: the serving processes' CPU since ``before``, once the work
    queued behind the last response (a click's "Locked in") has had time to finish."""
    await asyncio.sleep(0.5)
    after = cpu_seconds(pids)
    if before is not None and after is not None:
        result.cpu_seconds = after - before


@dataclass
class Row:
    rate: int
    ours: Load
    bare: Load
    unstored_at_last_ack: int
    lag: float


async def main(rates: list[int], seconds: float, workers: int, engine: str) -> None:
    players = [f"UP{i:05d}" for i in range(sum(rates) * int(seconds) + 1)]
    users = [SlackUser("UADMIN", "admin", "Ada Admin", "ada", is_admin=True, is_owner=True)]
    users += [SlackUser(p, p.lower(), p, p) for p in players]
    ours: list[tuple[Load, int, float]] = []
    # The bot's Web API client keeps one session open, as ``rebuttal run slack`` does.
    async with SlackStandIn(users=users) as standin, aiohttp.ClientSession() as session:
        client = AsyncWebClient(token=standin.bot_token, base_url=standin.api_url, session=session)
        payloads = SlackPayloads(standin, CHANNEL)
        with tempfile.TemporaryDirectory() as folder, postgres_for(engine) as location:
            where: Path | str = location or Path(folder) / "bench.db"
            async with bots(workers, where, standin, client) as (urls, pids), Database.open(where) as database:
                async with HttpDriver(standin, urls[0]) as http:
                    started = await http.slash("/debate", "start us-russia-normalization", user="UADMIN")
                    assert started.acked, started.body
                action = await wait_for_answer_button(standin)
                queue = iter(players)
                acked_so_far = 0
                for rate in rates:
                    batch = [
                        signed(standin, payloads.block_actions(action[0], user=next(queue), message=action[1]))
                        for _ in range(int(rate * seconds))
                    ]
                    cpu_before = cpu_seconds(pids)
                    result = await load(urls, batch, rate)
                    acked_so_far += result.acked
                    stored_now, lag = await recording_lag(database, acked_so_far, result.last_ack)
                    await cpu_spent(result, pids, cpu_before)
                    ours.append((result, max(0, acked_so_far - stored_now), lag))
                    acked_so_far = await answers_stored(database)  # refused clicks may land too
                await asyncio.sleep(2.5)  # let the answer counter's last redraw land
        bare: list[Load] = []
        async with bare_apps(workers, client, standin) as (urls, pids):
            for rate in rates:
                # The same click as Rebuttal's (the question's button, its message inside, as
                # Slack sends it), so both parse bodies of the same size; the bare app acks it.
                batch = [
                    signed(standin, payloads.block_actions(action[0], user=players[0], message=action[1]))
                    for _ in range(int(rate * seconds))
                ]
                cpu_before = cpu_seconds(pids)
                bare.append(await load(urls, batch, rate))
                await cpu_spent(bare[-1], pids, cpu_before)
    table = [
        Row(rate, result, theirs, unstored, lag)
        for rate, (result, unstored, lag), theirs in zip(rates, ours, bare, strict=True)
    ]
    report(table, seconds, workers, engine)


@contextlib.contextmanager
def postgres_for(engine: str) -> Iterator[str | None]:
    """PostgreSQL from pgserver in a temporary directory, or None for the SQLite file."""
    if engine == "sqlite":
        yield None
        return
    from store_engines import postgres

    with postgres(None) as url:
        yield url


@contextlib.asynccontextmanager
async def bots(
    workers: int, where: Path | str, standin: SlackStandIn, client: AsyncWebClient
) -> AsyncIterator[tuple[list[str], list[int]]]:
    """Rebuttal's event URLs and process ids: in this process (``workers`` 0, no ids), or
    ``workers`` real ``rebuttal run slack --http`` processes, each on its own port (as behind a
    load balancer)."""
    if workers == 0:
        async with Database.open(where) as database:
            bot = build_app(database, client, signing_secret=standin.signing_secret, shipped=load_library())
            port = free_port()
            async with serve_http(bot.app, "127.0.0.1", port, standin.signing_secret):
                yield [f"http://127.0.0.1:{port}{EVENTS_PATH}"], []
            await bot.close()
        return
    from tests.crash.slack_workers import http_workers

    ports = [free_port() for _ in range(workers)]
    async with http_workers(standin, where, ports) as running:
        yield [f"http://127.0.0.1:{port}{EVENTS_PATH}" for port in ports], [worker.pid for worker in running]


@contextlib.asynccontextmanager
async def bare_apps(
    workers: int, client: AsyncWebClient, standin: SlackStandIn
) -> AsyncIterator[tuple[list[str], list[int]]]:
    """The baseline: bare bolt apps that only ack, placed as Rebuttal's were (in this process,
    or one process per worker)."""
    secret = standin.signing_secret
    if workers == 0:
        bare_app = AsyncApp(client=client, signing_secret=secret)

        @bare_app.action(re.compile(".*"))
        async def only_ack(ack: AsyncAck) -> None:
            await ack()

        port = free_port()
        async with serve_http(bare_app, "127.0.0.1", port, secret):
            yield [f"http://127.0.0.1:{port}{EVENTS_PATH}"], []
        return
    from tests.slack.test_entry import listening

    ports = [free_port() for _ in range(workers)]
    script = Path(__file__).with_name("bare_bolt.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    running = [
        subprocess.Popen(
            [sys.executable, str(script), str(port), secret, standin.bot_token, standin.api_url],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:
            await listening(port)
        yield [f"http://127.0.0.1:{port}{EVENTS_PATH}" for port in ports], [process.pid for process in running]
    finally:
        for process in running:
            process.kill()
            process.wait(timeout=10)


def report(table: list[Row], seconds: float, workers: int, engine: str) -> None:
    where = (
        f"Rebuttal ({engine}) and bare bolt in this process"
        if workers == 0
        else f"{workers} Rebuttal process(es) on {engine} and {workers} bare bolt process(es)"
    )
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}; "
        f"{seconds:g} s per rate, open-loop signed block_actions on loopback; {where}"
    )
    print(
        f"{'rate/s':>6} | {'achieved':>8} {'p50 ms':>7} {'p99 ms':>7} {'acked':>9} {'unstored':>8} {'lag s':>6} "
        f"| {'bare p50':>8} {'bare p99':>8} | {'p50 ratio':>9} {'p99 ratio':>9}"
    )
    for row in table:
        ours, bare = row.ours, row.bare
        p50, p99 = percentile(ours.latencies, 0.5), percentile(ours.latencies, 0.99)
        bare50, bare99 = percentile(bare.latencies, 0.5), percentile(bare.latencies, 0.99)
        sent = sum(ours.statuses.values())
        print(
            f"{row.rate:>6} | {ours.achieved:>8.1f} {p50:>7.1f} {p99:>7.1f} {f'{ours.acked}/{sent}':>9} "
            f"{row.unstored_at_last_ack:>8} {row.lag:>6.2f} | {bare50:>8.1f} {bare99:>8.1f} "
            f"| {p50 / bare50:>9.2f} {p99 / bare99:>9.2f}"
        )
        if ours.cpu_seconds is not None and bare.cpu_seconds is not None:
            print(
                f"{'':>6}   CPU per click sent: Rebuttal {1000 * ours.cpu_seconds / sent:.2f} ms, "
                f"bare bolt {1000 * bare.cpu_seconds / sum(bare.statuses.values()):.2f} ms "
                f"(all serving processes, user + system)"
            )
        refused = {status: count for status, count in ours.statuses.items() if status != 200}
        if refused:
            print(f"{'':>6}   not acknowledged: {refused}")
    print(
        "acked: clicks answered HTTP 200; unstored: acknowledged clicks not yet in the database "
        "when the last ack went out; lag: last ack to every acknowledged click stored"
    )
    ratios = [percentile(r.ours.latencies, 0.5) / percentile(r.bare.latencies, 0.5) for r in table]
    print(f"median p50 ratio over rates: {statistics.median(ratios):.2f}")


async def wait_for_answer_button(standin: SlackStandIn) -> tuple[str, MessageRecord]:
    """The first answer button in the debate's thread, and the message it is on."""
    for _ in range(200):
        for message in standin.messages:
            for block in message.blocks:
                for element in block.get("elements", []) if block.get("type") == "actions" else []:
                    action_id = element.get("action_id", "")
                    if ANSWER_ACTION.match(action_id):
                        return action_id, message
        await asyncio.sleep(0.05)
    raise RuntimeError("the debate's first question never appeared")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="25,50,100,200")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--workers", type=int, default=0, help="bot processes (0: in this process)")
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    if args.workers > 1 and args.engine == "sqlite":
        parser.error("several workers share one database: use --engine postgresql")
    asyncio.run(main([int(r) for r in args.rates.split(",")], args.seconds, args.workers, args.engine))
