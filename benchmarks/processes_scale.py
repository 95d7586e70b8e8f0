"""Answers through 1, 2 and 4 bot processes on one PostgreSQL, beside one process on SQLite.

Run: .venv/bin/python benchmarks/processes_scale.py [--players 300] [--questions 3] [--repeats 3]
     [--processes 1,2,4] [--database-url postgresql://…]

Each case gets a fresh database. Worker processes (``multiprocessing``, spawned) each open
their own store (their own connection pool) and ``GameService``, as separate bot processes
do, and answer through group commit:

* **one game**: every process answers the same open question of one game, each for its share
  of the ``--players``; the host process waits for all of them (a barrier), closes the
  question and opens the next. This is a class whose clicks a load balancer spreads over
  the workers: one game's row lock orders all of them.
* **a game each**: each process plays its own game (in its own channel) with ``--players``
  players answering every question: the workload that more processes can spread.

Baseline in the same run: the same two workloads through one process on SQLite. Answers/s is
answers over wall time from the first process starting to the last finishing; latency is
from a command's submission to its outcome. Medians over repeats.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import platform
import statistics
import sys
import tempfile
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from queue import Empty

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_engines import fresh_database, percentile, postgres

from bot.content.library import load_library
from bot.engine.commands import Advanced, PlayerAnswered
from bot.engine.state import GameSettings, Phase
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.store.database import open_store
from bot.store.records import GameRef

PACK = "us-russia-normalization"
HOST = Player("bench", "w", "host")


async def start_games(location: str, count: int) -> list[GameRef]:
    async with open_store(location) as database:
        service = GameService(database)
        pack = load_library().get(PACK)
        refs = []
        for n in range(count):
            ref, _ = await service.start_game(Venue("bench", "w", f"c{n}"), HOST, "Host", pack, GameSettings(), 1)
            refs.append(ref)
        return refs


async def open_next_question(service: GameService, ref: GameRef) -> int:
    """Advance until a question is open; its step."""
    while True:
        state = await service.load(ref)
        if state.phase is Phase.OPEN:
            return state.step
        await service.handle(ref, Advanced("host", False, service.clock()))


async def answer_all(service: GameService, ref: GameRef, players: range, latencies: list[float]) -> None:
    state = await service.load(ref)
    options = len(state.current.options)

    async def answer(player: int) -> None:
        began = time.perf_counter()
        command = PlayerAnswered(f"p{player}", f"Player {player}", state.step, player % options, service.clock())
        outcome = await service.handle(ref, command, event_id=f"{ref.game_id}:{state.step}:{player}")
        latencies.append(time.perf_counter() - began)
        assert outcome.accepted, outcome.reply

    await asyncio.gather(*(answer(p) for p in players))


async def shared_game_worker(
    location: str, ref: GameRef, players: range, questions: int, barrier: Barrier
) -> list[float]:
    latencies: list[float] = []
    async with open_store(location) as database:
        service = GameService(database)
        for _ in range(questions):
            await asyncio.to_thread(barrier.wait)  # the host has opened the question
            await answer_all(service, ref, players, latencies)
            await asyncio.to_thread(barrier.wait)  # every process has answered
    return latencies


async def own_game_worker(location: str, ref: GameRef, players: int, questions: int, barrier: Barrier) -> list[float]:
    latencies: list[float] = []
    async with open_store(location) as database:
        service = GameService(database)
        await asyncio.to_thread(barrier.wait)
        for _ in range(questions):
            await open_next_question(service, ref)
            await answer_all(service, ref, range(players), latencies)
            await service.handle(ref, Advanced("host", False, service.clock()))
        await asyncio.to_thread(barrier.wait)
    return latencies


def worker_main(
    kind: str,
    location: str,
    ref: GameRef,
    share: range | int,
    questions: int,
    barrier: Barrier,
    out: Queue[list[float]],
) -> None:
    """One bot process: its own store and service."""
    if isinstance(share, range):
        latencies = asyncio.run(shared_game_worker(location, ref, share, questions, barrier))
    else:
        latencies = asyncio.run(own_game_worker(location, ref, share, questions, barrier))
    out.put(latencies)


async def run_case(kind: str, location: str, processes: int, players: int, questions: int) -> tuple[float, list[float]]:
    """Answers/s and every latency, for ``processes`` workers on the database at ``location``."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 1)
    results = context.Queue()
    refs = await start_games(location, 1 if kind == "shared" else processes)
    workers = []
    for n in range(processes):
        share: range | int = range(n, players, processes) if kind == "shared" else players
        ref = refs[0] if kind == "shared" else refs[n]
        worker = context.Process(target=worker_main, args=(kind, location, ref, share, questions, barrier, results))
        worker.start()
        workers.append(worker)
    answers = players * questions * (1 if kind == "shared" else processes)
    answering = 0.0
    if kind == "shared":
        async with open_store(location) as database:
            host = GameService(database)
            for question in range(questions):
                if question:
                    await host.handle(refs[0], Advanced("host", False, host.clock()))  # closes the last
                await open_next_question(host, refs[0])
                await asyncio.to_thread(barrier.wait)
                began = time.perf_counter()
                await asyncio.to_thread(barrier.wait)
                answering += time.perf_counter() - began
    else:
        await asyncio.to_thread(barrier.wait)
        began = time.perf_counter()
        await asyncio.to_thread(barrier.wait)
        answering = time.perf_counter() - began
    latencies: list[float] = []
    for _ in workers:
        try:
            latencies += results.get(timeout=60)
        except Empty:
            raise RuntimeError("a worker process did not report") from None
    for worker in workers:
        worker.join(timeout=30)
        if worker.exitcode != 0:
            raise RuntimeError(f"a worker process exited with {worker.exitcode}")
    if len(latencies) != answers:
        raise RuntimeError(f"{len(latencies)} answers measured, {answers} expected")
    return answers / answering, latencies


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--players", type=int, default=300)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--database-url", help="a PostgreSQL server to use (default: pgserver in a temp dir)")
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]
    figures: dict[tuple[str, str, int], list[tuple[float, float, float]]] = {}
    with postgres(args.database_url) as admin_url, tempfile.TemporaryDirectory() as folder:
        for repeat in range(args.repeats):
            for kind in ("shared", "own"):
                path = Path(folder) / f"{kind}-{repeat}.db"
                rate, latencies = await run_case(kind, str(path), 1, args.players, args.questions)
                figures.setdefault((kind, "sqlite", 1), []).append(summary(rate, latencies))
                for count in counts:
                    async with fresh_database(admin_url, f"scale_{kind}_{count}_{repeat}") as url:
                        rate, latencies = await run_case(kind, url, count, args.players, args.questions)
                    figures.setdefault((kind, "postgresql", count), []).append(summary(rate, latencies))
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{len(__import__('os').sched_getaffinity(0))} cores; {args.players} players x {args.questions} questions; "
        f"medians of {args.repeats}"
    )
    for kind, title in (("shared", "one game, its answers spread over the processes"), ("own", "a game each")):
        print(f"\n{title}")
        print(f"{'engine':<11} {'processes':>9} {'answers/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs SQLite':>9}")
        base = statistics.median(r for r, _, _ in figures[(kind, "sqlite", 1)])
        for (k, engine, count), rows in figures.items():
            if k != kind:
                continue
            rate = statistics.median(r for r, _, _ in rows)
            p50 = statistics.median(p for _, p, _ in rows)
            p99 = statistics.median(p for _, _, p in rows)
            print(f"{engine:<11} {count:>9} {rate:>10.0f} {p50:>8.1f} {p99:>8.1f} {rate / base:>9.2f}")


def summary(rate: float, latencies: list[float]) -> tuple[float, float, float]:
    return rate, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
