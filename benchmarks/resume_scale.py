"""Memory and time to resume with many running games in one process.

Run: .venv/bin/python benchmarks/resume_scale.py [--games 10000]

Creates one timed game through the service, copies its rows (the game and its questions) to
N games (each with its own deadline a few minutes ahead), reports the database's size on
disk, then in a fresh child process opens the database, builds the service and runner, and
times ``resume_all()``, which reads every running game and arms a timer for each, then the
rest of a start (``post_unposted()``: one query, here finding every step posted), and loading
100 games afterwards. The child runs ``--repeats`` times (medians reported). With ``--upgrade``, the games are first
put in the form the code before migration 7 stored (every option's text) and the time to
upgrade the file (migration 7 and the VACUUM after it) is reported. Reports the
child's peak RSS beside an idle process that imports the same modules, so the figure is what
the games cost.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD = """
import asyncio, resource, sys, time
from pathlib import Path
from bot.games.runner import GameRunner
from bot.games.service import GameService
from bot.store.database import Database

class Quiet:
    async def present(self, ref, state, effects):
        pass

    async def answered(self, ref, step):
        pass

async def main(path, measure):
    if not measure:
        print(f"rss_kib {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
        return
    async with Database.open(path) as database:
        runner = GameRunner(GameService(database), Quiet())
        started = time.perf_counter()
        resumed = await runner.resume_all()
        elapsed = time.perf_counter() - started
        armed = runner.pending_timers()
        started = time.perf_counter()
        unposted = await runner.post_unposted()  # the rest of a start: every step is posted here
        unposted_seconds = time.perf_counter() - started
        games = [g.ref for g in (await runner.service.running_games())[:101]]
        started = time.perf_counter()
        await runner.service.load(games[0])
        first_load = time.perf_counter() - started
        started = time.perf_counter()
        for ref in games[1:]:
            await runner.service.load(ref)
        later_loads = (time.perf_counter() - started) / (len(games) - 1)
        await runner.close()
    print(f"resumed {resumed} armed {armed} seconds {elapsed:.3f} first_load_ms {first_load * 1000:.2f} "
          f"later_load_ms {later_loads * 1000:.2f} unposted {unposted} unposted_seconds {unposted_seconds:.3f}")
    print(f"rss_kib {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")

asyncio.run(main(Path(sys.argv[1]), sys.argv[2] == "1"))
"""

UPGRADE = """
import asyncio, sys
from pathlib import Path
from bot.store.database import Database

async def main(path):
    async with Database.open(path):  # migrates
        pass

asyncio.run(main(Path(sys.argv[1])))
"""


async def make_games(path: Path, count: int) -> None:
    from bot.content.library import load_library
    from bot.engine.state import GameSettings, Mode
    from bot.games.service import GameService
    from bot.identity import Player, Venue
    from bot.store.database import Database

    async with Database.open(path) as database:
        service = GameService(database)
        pack = load_library().get("us-russia-normalization")
        ref, _ = await service.start_game(
            Venue("bench", "w", "c"), Player("bench", "w", "host"), "Host", pack, GameSettings(mode=Mode.TIMED), seed=1
        )
        await service.set_thread(ref, "thread")  # copied to every game, as each has its own
        # Bulk seeding, benchmark only: copies of one game, each in a channel of its own (the
        # store allows one live game per channel), straight through the unit of work's connection.
        async with database.write() as uow:
            db = uow.games.db
            columns = (
                "workspace_id, thread_ref, pack_hash, pack_id, seed, settings, script, host, status, step, "
                "phase, phase_started_at, deadline, paused_remaining, asked, version, started_at, ended_at, kind"
            )
            for number in range(count - 1):
                channel = await db.execute(
                    "INSERT INTO channels (workspace_id, external_id) SELECT workspace_id, ? FROM games WHERE id = ?",
                    (f"c{number}", ref.game_id),
                )
                await db.execute(
                    f"INSERT INTO games (channel_id, {columns}) SELECT ?, {columns} FROM games WHERE id = ?",
                    (channel.lastrowid, ref.game_id),
                )
            # Each copy gets the seed game's questions, as a real game has its own.
            await db.execute(
                """INSERT INTO questions (game_id, step, kind, thread_id, opens_thread, closes_thread,
                                          correct_option, option_count)
                   SELECT g.id, q.step, q.kind, q.thread_id, q.opens_thread, q.closes_thread, q.correct_option,
                          q.option_count
                   FROM games g JOIN questions q ON q.game_id = ? WHERE g.id != ?""",
                (ref.game_id, ref.game_id),
            )
            # Each game's step is posted, so the start's check for unposted steps reads them all.
            await db.execute("INSERT INTO step_messages (game_id, step, message_ref) SELECT id, step, id FROM games")
            # Each game's own script text, as real games have (seeds differ), so the cache is honest.
            await db.execute("UPDATE games SET script = script || printf('%*s', id % 7, '')")


async def as_before_migration_7(path: Path) -> None:
    """Rewrite every game's script in the full form, at the schema version before migration 7,
    as the code before it left a database (a copy of the rows, for the benchmark only)."""
    import sqlite3

    from bot.games.service import GameService
    from bot.store.database import Database
    from bot.store.records import GameRef
    from bot.store.scripts import full_script
    from bot.store.sqlite.migrations import MIGRATIONS, compact_scripts

    async with Database.open(path) as database:
        script = (await GameService(database).load(GameRef(1, 1))).script
    # closing(): sqlite3's own context manager commits but does not close, and a connection left
    # open here would keep the upgrade's write-ahead log from being folded back and removed.
    with closing(sqlite3.connect(path)) as db:
        db.execute("UPDATE games SET script = ? || printf('%*s', id % 7, '')", (full_script(script),))
        for column in (
            "announcement_claimed_by",
            "announcement_lease_until",
            "summary_claimed_by",
            "summary_lease_until",
        ):
            db.execute(f"ALTER TABLE rounds DROP COLUMN {column}")  # added by migration 8, after 7
        db.execute(f"PRAGMA user_version = {MIGRATIONS.index(compact_scripts)}")
        db.commit()
        db.execute("VACUUM")  # the size of the file the old code left


def on_disk(path: Path) -> int:
    return sum(f.stat().st_size for f in path.parent.iterdir() if f.name.startswith(path.name))


def child(path: Path, measure: bool) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), "1" if measure else "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures: dict[str, str] = {}
    for line in out.splitlines():
        words = line.split()
        figures.update(zip(words[::2], words[1::2], strict=False))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--games", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--upgrade", action="store_true", help="time migration 7 on games in the old form")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "many.db"
        began = time.perf_counter()
        asyncio.run(make_games(path, args.games))
        created = time.perf_counter() - began
        print(f"created {args.games} running games in {created:.1f} s")
        if args.upgrade:
            asyncio.run(as_before_migration_7(path))
            print(f"before migration 7: {on_disk(path) / 2**20:.1f} MiB on disk")
            began = time.perf_counter()
            # In a child, as the bot upgrades at start (and so this process's peak RSS, which its
            # children inherit as theirs on Linux, stays that of the other runs).
            subprocess.run([sys.executable, "-c", UPGRADE, str(path)], cwd=ROOT, check=True)
            print(f"upgraded (migration 7 and VACUUM) in {time.perf_counter() - began:.1f} s")
        size = on_disk(path)
        print(f"database on disk: {size / 2**20:.1f} MiB ({size / args.games / 1024:.1f} KiB per game)")
        idle = child(path, measure=False)
        runs = [child(path, measure=True) for _ in range(args.repeats)]

    def median(key: str) -> float:
        return statistics.median(float(run[key]) for run in runs)

    busy = runs[0]
    idle_mib, busy_mib = int(idle["rss_kib"]) / 1024, median("rss_kib") / 1024
    seconds = ", ".join(f"{float(run['seconds']):.2f}" for run in runs)
    print(
        f"resume_all: {busy['resumed']} games, {busy['armed']} timers armed in {median('seconds'):.2f} s "
        f"(median of {len(runs)}: {seconds})"
    )
    unposted = ", ".join(f"{float(run['unposted_seconds']):.3f}" for run in runs)
    print(
        f"then the check for steps a crash left unposted: {busy['unposted']} to post, "
        f"{median('unposted_seconds'):.3f} s (median of {len(runs)}: {unposted})"
    )
    print(
        f"loading a game after resume: first {median('first_load_ms'):.2f} ms (one-time set-up), "
        f"then {median('later_load_ms'):.2f} ms each (100 different games, each parsing its own script; medians)"
    )
    print(
        f"peak RSS: {busy_mib:.0f} MiB resumed vs {idle_mib:.0f} MiB idle with the same imports "
        f"-> {(busy_mib - idle_mib) * 1024 / int(busy['resumed']):.1f} KiB per running game"
    )
    print(
        f"machine: {sys.platform}, Python {sys.version.split()[0]}, peak RSS from getrusage "
        f"({resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB in this parent)"
    )


if __name__ == "__main__":
    main()
