"""Shared set-up for crash tests that run ``rebuttal run slack --http`` as real processes on
one database (a PostgreSQL URL or a SQLite file) against the Slack stand-in: start them, wait
until they listen, and make sure none outlives its test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from tests.engines import database_option
from tests.slack.test_entry import listening
from tests.standins.slack_server import SlackStandIn

ROOT = Path(__file__).parents[2]


def start_http_worker(
    standin: SlackStandIn,
    database: Path | str,
    port: int,
    *,
    reuse_port: bool = False,
    log: Path | None = None,
    environment: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """One ``rebuttal run slack --http`` process serving ``port`` on ``database``; its output
    goes to ``log`` (appended), or nowhere."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": standin.signing_secret,
        "REBUTTAL_SLACK_API_URL": standin.api_url,
        **(environment or {}),
    }
    command = [sys.executable, "-m", "bot.cli", "run", "slack", "--http", "--port", str(port)]
    command += ["--reuse-port"] if reuse_port else []
    command += database_option(database)
    if log is None:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def kill(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL ``worker`` (if still running) and reap it."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)


@asynccontextmanager
async def http_workers(
    standin: SlackStandIn,
    database: Path | str,
    ports: Sequence[int],
    *,
    reuse_port: bool = False,
    logs: Path | None = None,
    environment: Mapping[str, str] | None = None,
    until_listening: bool = True,
) -> AsyncIterator[list[subprocess.Popen[bytes]]]:
    """One worker per entry of ``ports`` (repeat a port with ``reuse_port``), all on
    ``database``; each one's output in ``logs/worker-N.log`` if ``logs`` is given. Yields them
    once each port takes connections (or at once without ``until_listening``); all are killed
    on the way out."""
    running: list[subprocess.Popen[bytes]] = []
    if logs is not None:
        logs.mkdir(parents=True, exist_ok=True)
    try:
        for number, port in enumerate(ports):
            log = logs / f"worker-{number}.log" if logs is not None else None
            running.append(
                start_http_worker(standin, database, port, reuse_port=reuse_port, log=log, environment=environment)
            )
        if until_listening:
            for port in sorted(set(ports)):
                await listening(port)
        yield running
    finally:
        for worker in running:
            kill(worker)
