"""Slack over HTTP: acknowledgement latency under rising click rates, Rebuttal beside a bare
slack-bolt app that only acks, measured in the same run.

Run: .venv/bin/python benchmarks/slack_http_load.py [--rates 25,50,100,200] [--seconds 4]

Both apps are real slack-bolt AsyncApps served by aiohttp on loopback, verifying Slack's
signatures; the Web API they call is the local stand-in (tests/standins). The load generator
is open-loop: it sends signed ``block_actions`` (each from a different player, answering the
open question) at a fixed rate whatever the responses, so queueing shows up as latency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import re
import socket
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import build_app
from adapters.slack.buttons import ANSWER_ACTION
from adapters.slack.entry import EVENTS_PATH, serve_http
from bot.content.library import load_library
from bot.store.database import Database
from tests.sqlite_rows import rows
from tests.standins.slack_drivers import HttpDriver, SlackPayloads, sign
from tests.standins.slack_server import SlackStandIn, SlackUser

CHANNEL = "C0GENERAL"


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


async def load(url: str, requests: Sequence[tuple[bytes, dict[str, str]]], rate: float) -> tuple[float, list[float]]:
    """Send ``requests`` at ``rate`` per second (open loop); returns achieved rate and latencies."""
    latencies: list[float] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def one(body: bytes, headers: dict[str, str]) -> None:
            started = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                assert response.status == 200, response.status
            latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        tasks = []
        for index, (body, headers) in enumerate(requests):
            delay = began + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(body, headers)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - began
    return len(requests) / elapsed, latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def main(rates: list[int], seconds: float) -> None:
    players = [f"UP{i:05d}" for i in range(sum(rates) * int(seconds) + 1)]
    users = [SlackUser("UADMIN", "admin", "Ada Admin", "ada", is_admin=True, is_owner=True)]
    users += [SlackUser(p, p.lower(), p, p) for p in players]
    results: dict[str, list[tuple[int, float, float, float]]] = {"rebuttal": [], "bare bolt": []}
    recorded, drain = 0, 0.0
    async with SlackStandIn(users=users) as standin:
        client = AsyncWebClient(token=standin.bot_token, base_url=standin.api_url)
        payloads = SlackPayloads(standin, CHANNEL)
        with tempfile.TemporaryDirectory() as folder:
            async with Database.open(Path(folder) / "bench.db") as database:
                bot = build_app(database, client, signing_secret=standin.signing_secret, shipped=load_library())
                port = free_port()
                async with serve_http(bot.app, "127.0.0.1", port):
                    url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
                    async with HttpDriver(standin, url) as http:
                        started = await http.slash("/debate", "start us-russia-normalization", user="UADMIN")
                        assert started.acked, started.body
                    action = await wait_for_answer_button(standin)
                    queue = iter(players)
                    for rate in rates:
                        batch = [
                            signed(standin, payloads.block_actions(action[0], user=next(queue), message=action[1]))
                            for _ in range(int(rate * seconds))
                        ]
                        achieved, latencies = await load(url, batch, rate)
                        results["rebuttal"].append(
                            (rate, achieved, percentile(latencies, 0.5), percentile(latencies, 0.99))
                        )
                    # Acks go out first; the answers are recorded after. Time how long the backlog takes.
                    sent_total = sum(int(rate * seconds) for rate in rates)
                    last_sent = time.perf_counter()
                    while time.perf_counter() - last_sent < 120:
                        recorded = (await rows(database, "SELECT COUNT(*) FROM answers"))[0][0]
                        if recorded >= sent_total:
                            break
                        await asyncio.sleep(0.1)
                    drain = time.perf_counter() - last_sent
                    await asyncio.sleep(2.5)  # let the answer counter's last redraw land
                await bot.close()
        bare = AsyncApp(client=client, signing_secret=standin.signing_secret)

        @bare.action(re.compile(".*"))
        async def only_ack(ack: AsyncAck) -> None:
            await ack()

        port = free_port()
        async with serve_http(bare, "127.0.0.1", port):
            url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
            for rate in rates:
                batch = [
                    signed(standin, payloads.block_actions("anything", user=players[0], channel=CHANNEL))
                    for _ in range(int(rate * seconds))
                ]
                achieved, latencies = await load(url, batch, rate)
                results["bare bolt"].append((rate, achieved, percentile(latencies, 0.5), percentile(latencies, 0.99)))
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}; "
        f"{seconds:g} s per rate, open-loop signed block_actions on loopback"
    )
    print(
        f"{'rate/s':>7} | {'rebuttal achieved':>17} {'p50 ms':>7} {'p99 ms':>7} | {'bare achieved':>13} "
        f"{'p50 ms':>7} {'p99 ms':>7} | {'p50 ratio':>9} {'p99 ratio':>9}"
    )
    for ours, theirs in zip(results["rebuttal"], results["bare bolt"], strict=True):
        print(
            f"{ours[0]:>7} | {ours[1]:>17.1f} {ours[2]:>7.1f} {ours[3]:>7.1f} | {theirs[1]:>13.1f} "
            f"{theirs[2]:>7.1f} {theirs[3]:>7.1f} | {ours[2] / theirs[2]:>9.2f} {ours[3] / theirs[3]:>9.2f}"
        )
    sent = sum(int(rate * seconds) for rate in rates)
    print(
        f"answers recorded by Rebuttal: {recorded} of {sent} clicks (each from a different player), "
        f"the last {drain:.1f} s after the last click was acknowledged"
    )
    pairs = zip(results["rebuttal"], results["bare bolt"], strict=True)
    print(f"median p50 ratio over rates: {statistics.median(o[2] / t[2] for o, t in pairs):.2f}")


async def wait_for_answer_button(standin: SlackStandIn) -> tuple[str, object]:
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
    args = parser.parse_args()
    asyncio.run(main([int(r) for r in args.rates.split(",")], args.seconds))
