"""Crash safety: SIGKILL in the middle of a burst of answers loses no acknowledged answer,
and the game goes on after a restart on the same file. Run ten times."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine.commands import Advanced
from bot.engine.effects import RevealStep
from bot.games.service import GameService
from bot.store.database import Database
from bot.store.records import GameRef
from tests import sqlite_rows
from tests.crash.repetitions import REPETITIONS

ROOT = Path(__file__).parents[2]
PLAYERS = 400


def burst_then_kill(path: Path, kill_after: int) -> tuple[GameRef, set[str]]:
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.crash.answer_worker", str(path), str(PLAYERS)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert worker.stdout is not None
    header = worker.stdout.readline().split()
    ref = GameRef(int(header[1]), int(header[2]))
    acked: set[str] = set()
    for line in worker.stdout:
        if line.startswith("ack "):
            acked.add(line.split()[1])
            if len(acked) == kill_after:
                worker.send_signal(signal.SIGKILL)
                break
    # Acks already written before the kill still count: the player was told.
    acked |= {line.split()[1] for line in worker.stdout if line.startswith("ack ")}
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL, "the worker finished before it could be killed"
    return ref, acked


@pytest.mark.parametrize("run", REPETITIONS)
def test_acknowledged_answers_survive_sigkill(tmp_path: Path, run: int) -> None:
    path = tmp_path / "crash.db"
    ref, acked = burst_then_kill(path, kill_after=50 + 20 * run)
    assert acked

    async def check() -> None:
        async with Database.open(path) as database:
            service = GameService(database)
            rows = await sqlite_rows.rows(
                database, "SELECT user_id FROM answers WHERE game_id = ? AND step = 0", (ref.game_id,)
            )
            stored = {row["user_id"] for row in rows}
            assert acked <= stored, f"acknowledged but lost: {sorted(acked - stored)[:5]}"
            state = await service.load(ref)
            assert set(state.answers) == stored
            closed = await service.handle(ref, Advanced("host", False, service.clock()))
            assert closed.accepted
            reveal = next(e for e in closed.effects if isinstance(e, RevealStep))
            assert sum(reveal.tally) == len(stored)  # every stored answer counted, once
            moved = await service.handle(ref, Advanced("host", False, service.clock()))
            assert moved.accepted and moved.state is not None and moved.state.step == 1

    asyncio.run(check())
