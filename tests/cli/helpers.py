"""Running ``rebuttal`` as a user would: a real process, real pipes, real SQLite files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ANSWERS = "1\n" * 300  # enough for any shipped debate: every question answered "1"


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a child ``rebuttal``: unbuffered (so a test can read prompts as
    they appear) and never the user's own database."""
    env = {k: v for k, v in os.environ.items() if k not in ("REBUTTAL_DB", "REBUTTAL_CONTENT_DIR")}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def rebuttal(
    *args: str, stdin: str = "", cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=cli_env(),
        timeout=timeout,
    )


def played_database(path: Path) -> Path:
    """A database holding one finished terminal game (game 1)."""
    done = rebuttal("play", "--db", str(path), "--seed", "1", stdin=ANSWERS)
    assert done.returncode == 0, done.stderr
    return path
