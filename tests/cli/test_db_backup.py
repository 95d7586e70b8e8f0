"""``rebuttal db backup PATH`` while a game is being played: the copy opens with every game and
every answer confirmed before the backup started, as one self-contained file.

The documented backup used to be a copy of the database file while the bot ran; in WAL mode
the recent commits are in the ``-wal`` file beside it, and such a copy lacked whole tables."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from bot.engine.commands import PlayerAnswered
from bot.engine.state import GameSettings
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.store.database import Database
from tests import sqlite_rows
from tests.cli.helpers import cli_env, played_database, rebuttal
from tests.engine.helpers import sample_pack


async def backup_process(*args: str) -> subprocess.CompletedProcess[str]:
    """``rebuttal db backup`` as a separate process, as an admin (or cron) runs it beside the bot."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "db", "backup", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=cli_env(),
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return subprocess.CompletedProcess(args, process.returncode or 0, out.decode(), err.decode())


async def test_a_backup_taken_during_a_burst_of_answers_has_every_confirmed_answer(tmp_path: Path) -> None:
    live, copy = tmp_path / "live.sqlite3", tmp_path / "backup.sqlite3"
    confirmed: set[str] = set()
    async with Database.open(live) as database:
        service = GameService(database)
        host = Player("console", "w", "host")
        refs = [
            (
                await service.start_game(
                    Venue("console", "w", f"c{n}"), host, "Host", sample_pack(), GameSettings(), seed=n
                )
            )[0]
            for n in range(3)
        ]
        answering = True

        async def answer_on() -> None:
            number = 0
            while answering:
                player = f"p{number}"
                command = PlayerAnswered(player, player, 0, number % 4, service.clock())
                outcome = await service.handle(refs[number % len(refs)], command, event_id=f"click-{player}")
                if outcome.accepted:
                    confirmed.add(player)  # the player would now be told "locked in"
                number += 1

        players = asyncio.create_task(answer_on())
        try:
            await asyncio.sleep(0.3)
            before_backup = set(confirmed)
            assert before_backup, "no answer was recorded before the backup"
            done = await backup_process(str(copy), "--db", str(live))
            during_backup = len(confirmed) - len(before_backup)
        finally:
            answering = False
            await players
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"backed up {live} to {copy}"
    assert during_backup > 0, "the answers stopped while the backup ran"
    assert not (tmp_path / "backup.sqlite3-wal").exists()  # one self-contained file

    games = await sqlite_rows.file_rows(copy, "SELECT id FROM games")
    assert len(games) == len(refs)
    stored = {row["user_id"] for row in await sqlite_rows.file_rows(copy, "SELECT user_id FROM answers")}
    assert before_backup <= stored, f"confirmed before the backup but missing: {sorted(before_backup - stored)[:5]}"
    async with Database.open(copy) as restored:  # the copy opens as a database (and is at the current schema)
        running = await GameService(restored).running_games()
    assert {game.ref for game in running} == set(refs)


def test_a_backup_never_overwrites_and_names_a_missing_database(tmp_path: Path) -> None:
    database = played_database(tmp_path / "games.sqlite3")
    existing = tmp_path / "taken.sqlite3"
    existing.write_bytes(b"precious")
    refused = rebuttal("db", "backup", str(existing), "--db", str(database))
    assert refused.returncode == 2 and "already exists" in refused.stderr
    assert existing.read_bytes() == b"precious"
    missing = rebuttal("db", "backup", str(tmp_path / "copy.sqlite3"), "--db", str(tmp_path / "typo.sqlite3"))
    assert missing.returncode == 2 and "no database at" in missing.stderr
    assert not (tmp_path / "typo.sqlite3").exists() and not (tmp_path / "copy.sqlite3").exists()


def test_a_backup_into_a_folder_gets_a_dated_name(tmp_path: Path) -> None:
    database = played_database(tmp_path / "games.sqlite3")
    folder = tmp_path / "backups"
    folder.mkdir()
    done = rebuttal("db", "backup", str(folder), "--db", str(database))
    assert done.returncode == 0, done.stderr
    [written] = list(folder.iterdir())
    assert written.name.startswith("rebuttal-") and written.suffix == ".sqlite3"
    listed = rebuttal("games", "--db", str(written))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == rebuttal("games", "--db", str(database)).stdout  # the same game, as it was
    assert "us-russia-normalization" in listed.stdout
