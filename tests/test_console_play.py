"""``rebuttal play`` driven from piped input, as a newcomer's first run and scripts use it.

The games are played on both store engines (``database_at``, named with ``--db`` or
``--database-url``); the refusals that come before any database work run on SQLite only."""

import os
import re
import subprocess
import sys
from pathlib import Path

from bot.content.library import load_library
from bot.engine.script import StepKind, build_script
from bot.store.location import DATABASE_URL_VARIABLE, DATABASE_VARIABLE, redacted
from tests.engines import database_option


def run_play(database: Path | str, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (DATABASE_VARIABLE, DATABASE_URL_VARIABLE)}
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "rebuttal"),
            "play",
            *database_option(database),
            *args,
        ],  # the installed entry point
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_piped_answers_complete_the_sample_debate(database_at: Path | str) -> None:
    # Always pick the first option; stances drift from "Strongly yes" to "Strongly no" and back.
    result = run_play(database_at, "1\n" * 60, "--seed", "4")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "FINAL SCOREBOARD" in out
    # 15 of the debate's 17 replies are asked: 8 Liberal, 7 Conservative (the rest are shown).
    score = re.search(r"Your score: (\d+) points — (\d+) of 15 rebuttals predicted correctly\.", out)
    assert score is not None
    assert int(score.group(1)) == 100 * int(score.group(2))
    shifts = re.findall(r"^  (.+): \+0\.00 \(no net change; 1 player\)$", out, re.M)
    assert shifts == [
        "Opening exchange",
        "Preconditions before normalization steps",
        "Rewarding conquest signals to other powers",
        "Russia's rare earth offer as strategic asset",
        "Ceasefire pause versus durable peace risk",
    ]
    assert out.rstrip().endswith(f"Saved as game 1 in {redacted(database_at)}")
    assert isinstance(database_at, str) or database_at.exists()


def test_stance_shift_is_reported_per_thread(database_at: Path | str) -> None:
    stance_answers = iter(["1", "5", "5", "3", "3", "3"])  # strongly yes, then strongly no, ...
    # One line per question of the game's script for this seed, in order.
    script = build_script(load_library().get("us-russia-normalization"), 4)
    lines = [
        next(stance_answers) if step.kind is StepKind.STANCE else "1" for step in script.steps if step.kind.is_question
    ]
    result = run_play(database_at, "\n".join(lines) + "\n", "--seed", "4")
    assert result.returncode == 0, result.stderr
    assert "  Opening exchange: -4.00 (towards no; 1 player)" in result.stdout
    assert "  Preconditions before normalization steps: +0.00 (no net change; 1 player)" in result.stdout
    assert "  Rewarding conquest signals to other powers: +2.00 (towards yes; 1 player)" in result.stdout


def test_bad_input_is_asked_again(database_at: Path | str) -> None:
    result = run_play(database_at, "hello\n9\n\n" + "2\n" * 60, "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert "Please type a number." in result.stdout
    assert result.stdout.count("Please type a number from 1 to 5.") == 2  # "hello" and "9"
    assert "FINAL SCOREBOARD" in result.stdout


def test_input_ending_early_ends_the_game_cleanly(database_at: Path | str) -> None:
    result = run_play(database_at, "1\n2\n", "--seed", "1")
    assert result.returncode == 1
    assert "Input ended before the debate did" in result.stdout
    assert "Traceback" not in result.stderr


def test_unknown_debate_is_a_clear_error(tmp_path: Path) -> None:
    result = run_play(tmp_path / "play.db", "", "no-such-debate")  # refused before the database opens
    assert result.returncode == 2
    assert "no debate 'no-such-debate' in the library" in result.stderr


def test_missing_pack_file_is_named_as_a_file(tmp_path: Path) -> None:
    missing = tmp_path / "lesson.yaml"
    result = run_play(tmp_path / "play.db", "", str(missing))  # refused before the database opens
    assert result.returncode == 2
    assert f"{missing}: cannot read: No such file or directory" in result.stderr


def test_every_shipped_debate_plays_through(database_at: Path | str) -> None:
    for pack in ["voting-age-16", "nuclear-power-expansion", "school-phone-bans"]:
        result = run_play(database_at, "2\n" * 80, pack, "--seed", "9")
        assert result.returncode == 0, (pack, result.stderr[-2000:])
        assert "FINAL SCOREBOARD" in result.stdout


def test_the_daily_rounds_mode_is_not_a_choice_for_a_live_game(tmp_path: Path) -> None:
    result = run_play(tmp_path / "play.db", "", "--mode", "self-paced")  # refused before the database opens
    assert result.returncode == 2
    assert "invalid choice: 'self-paced'" in result.stderr
