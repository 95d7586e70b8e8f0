"""``rebuttal play --daily``: a daily round in the terminal, over two days, and stopped halfway."""

import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from adapters.console.daily import DailyOptions, play_daily
from bot.content.library import load_library
from bot.store.location import DATABASE_URL_VARIABLE, DATABASE_VARIABLE
from tests.engine.helpers import ManualClock
from tests.engines import database_option

ANSWER_ALL = "3\n" + "1\n\n" * 10 + "1\n3\n"  # stance, predictions with their Continue, vote, stance


async def test_two_days_in_the_terminal(database_at: Path | str) -> None:
    shipped = load_library()
    options = DailyOptions(pack=shipped.get("us-russia-normalization"), shipped=shipped, database=database_at)
    clock = ManualClock(datetime(2026, 3, 2, 18, 0, tzinfo=UTC))
    printed: list[str] = []
    assert await play_daily(options, io.StringIO(ANSWER_ALL), printed.append, clock) == 0
    day_one = "\n".join(printed)
    assert "Daily round 1: Opening exchange" in day_one
    assert "YOU'VE FINISHED TODAY'S ROUND" in day_one and "Your streak: 1 round in a row." in day_one

    printed.clear()
    clock.tick(3600)  # the same day: nothing new, the finished card again
    assert await play_daily(options, io.StringIO(""), printed.append, clock) == 0
    again = "\n".join(printed)
    assert "Daily round 2" not in again and "YOU'VE FINISHED TODAY'S ROUND" in again

    printed.clear()
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # the next day: yesterday's summary, then round 2
    assert await play_daily(options, io.StringIO(ANSWER_ALL), printed.append, clock) == 0
    day_two = "\n".join(printed)
    assert day_two.index("Daily round 1 is closed") < day_two.index("Daily round 2: Preconditions before")
    assert "Played by 1 (1 finished)." in day_two
    assert "fewer than 3 gave both stances" in day_two  # a room of one keeps its stance private
    assert "Your streak: 2 rounds in a row." in day_two


def test_stopping_halfway_saves_the_place(tmp_path: Path, database_at: Path | str) -> None:
    # No database is named on the command line, nor found in the user's home (the default file
    # would go there): only by its variable, as a deployment sets it.
    variable = DATABASE_URL_VARIABLE if isinstance(database_at, str) else DATABASE_VARIABLE
    clean = {k: v for k, v in os.environ.items() if k not in (DATABASE_VARIABLE, DATABASE_URL_VARIABLE)}
    clean["XDG_DATA_HOME"] = str(tmp_path / "home")
    rebuttal = str(Path(sys.executable).parent / "rebuttal")  # the installed entry point

    by_variable = {**clean, variable: str(database_at)}

    def run(stdin: str, *options: str, env: dict[str, str] = by_variable) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [rebuttal, "play", "--daily", *options],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    first = run("2\n")  # the stance, then the input ends at the first prediction
    assert first.returncode == 1, first.stderr
    assert "your place is saved" in first.stdout and "(Step 2 of 6)" in first.stdout
    second = run("")
    assert second.returncode == 1
    assert "Daily round 1:" not in second.stdout  # not posted twice
    assert "(Step 2 of 6)" in second.stdout and "(Step 1 of 6)" not in second.stdout
    named = run("", *database_option(database_at), env=clean)  # the place was saved in that database
    assert "(Step 2 of 6)" in named.stdout and "Daily round 1:" not in named.stdout, named.stdout
