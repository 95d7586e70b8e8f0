"""The command line as a new user meets it: a version, quiet pipes, status on stderr, no
database conjured from a typo, a purge that asks first, library ids everywhere."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from bot.cli import main
from bot.content.library import DEFAULT_PACK_ID
from tests.cli.helpers import cli_env, played_database, rebuttal


def game_count(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        count: int = connection.execute("SELECT COUNT(*) FROM games").fetchone()[0]
    return count


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"rebuttal {version('rebuttal')}\n"


def test_a_closed_pipe_ends_quietly() -> None:
    """``rebuttal decoys … | head``: the reader is gone before the output is written."""
    child = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "decoys", DEFAULT_PACK_ID],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before the child has even started: every write meets a closed pipe
    errors = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141
    assert errors == ""  # no traceback, no "Exception ignored" at exit


def test_every_wrote_message_goes_to_stderr(tmp_path: Path) -> None:
    database = played_database(tmp_path / "games.db")
    card = tmp_path / "card.txt"
    runs = {
        "report": rebuttal("report", "1", "--db", str(database), "-o", str(tmp_path / "reports")),
        "export-card": rebuttal("export-card", DEFAULT_PACK_ID, "-o", str(card)),
        "import": rebuttal("import", str(card), "-o", str(tmp_path / "pack.yaml")),
        "schema": rebuttal("schema", "-o", str(tmp_path / "schema.json")),
    }
    for command, run in runs.items():
        assert run.returncode == 0, (command, run.stderr)
        assert run.stdout == "", command  # stdout is for data, and these wrote files
        assert run.stderr.startswith("wrote "), (command, run.stderr)


@pytest.mark.parametrize(
    "command",
    [["games"], ["report", "1"], ["purge", "--older-than", "0", "--yes"], ["health"]],
    ids=lambda c: c[0],
)
def test_a_named_database_that_does_not_exist_is_an_error(tmp_path: Path, command: list[str]) -> None:
    typo = tmp_path / "typo.db"
    run = rebuttal(*command, "--db", str(typo))
    assert run.returncode == (1 if command == ["health"] else 2)  # Docker reserves 2 for healthchecks
    assert run.stderr.count("\n") == 1 and str(typo) in run.stderr and "no such database" in run.stderr
    assert "Traceback" not in run.stderr
    assert not typo.exists()  # nothing was created


def test_rebuttal_db_naming_a_missing_file_is_an_error_too(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "games"],
        capture_output=True,
        text=True,
        env=cli_env(REBUTTAL_DB=str(typo)),
        timeout=60,
    )
    assert run.returncode == 2 and "$REBUTTAL_DB" in run.stderr and not typo.exists()


def test_purge_dry_run_lists_and_deletes_nothing(tmp_path: Path) -> None:
    database = played_database(tmp_path / "games.db")
    run = rebuttal("purge", "--older-than", "0", "--db", str(database), "--dry-run")
    assert run.returncode == 0, run.stderr
    assert DEFAULT_PACK_ID in run.stdout and "would delete 1 game " in run.stderr
    assert game_count(database) == 1


def test_purge_without_a_terminal_needs_yes(tmp_path: Path) -> None:
    database = played_database(tmp_path / "games.db")
    refused = rebuttal("purge", "--older-than", "0", "--db", str(database), stdin="y\n")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert game_count(database) == 1  # a "y" on a pipe is not a person saying yes
    done = rebuttal("purge", "--older-than", "0", "--db", str(database), "--yes")
    assert done.returncode == 0 and "deleted 1 game " in done.stderr
    assert game_count(database) == 0


@pytest.mark.parametrize(("answer", "status", "left"), [("n\n", 1, 1), ("\n", 1, 1), ("y\n", 0, 0)])
def test_purge_at_a_terminal_asks_first(tmp_path: Path, answer: str, status: int, left: int) -> None:
    database = played_database(tmp_path / "games.db")
    controller, terminal = os.openpty()  # the child's stdin is a real terminal
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "purge", "--older-than", "0", "--db", str(database)],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=cli_env(),
        )
        os.write(controller, answer.encode())
        _, errors = child.communicate(timeout=60)
    finally:
        os.close(controller)
        os.close(terminal)
    assert child.returncode == status, errors
    assert b"Delete 1 game started before" in errors and b"[y/N]" in errors
    assert game_count(database) == left


@pytest.mark.parametrize("command", ["show", "export-card", "decoys", "validate"])
def test_every_command_that_takes_a_pack_takes_a_library_id(command: str) -> None:
    run = rebuttal(command, "voting-age-16")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip()
    unknown = rebuttal(command, "no-such-debate")
    assert unknown.returncode != 0 and "Traceback" not in unknown.stderr


def test_the_first_ctrl_c_ends_the_game_at_once_and_saves_it(tmp_path: Path) -> None:
    database = tmp_path / "games.db"
    child = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "play", "--db", str(database), "--seed", "1"],
        stdin=subprocess.PIPE,  # kept open and silent: the game waits for an answer
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    try:
        shown = ""
        while "Your choice" not in shown:  # the game is waiting on its first question
            line = child.stdout.readline()
            assert line, "the game ended before asking anything"
            shown += line
        child.send_signal(signal.SIGINT)  # once
        out, errors = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130, errors
    assert "Stopped." in errors and "Traceback" not in errors
    assert f"Saved as game 1 in {database}" in out
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT status FROM games").fetchall() == [("ended",)]
