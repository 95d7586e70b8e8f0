"""Games started before issue 12 (decoy selection) keep the script they stored, and play.

The fixture was written by the code on main before the change: ``build_script`` of the
US–Russia pack as it then was (no author decoys), seed 5, serialised the way the game
store serialises scripts. Rebuilding it today gives other options; the stored one rules.
"""

from pathlib import Path

import aiosqlite

from bot.content.library import load_any
from bot.engine.script import Step, StepKind, build_script
from bot.engine.state import GameSettings, Status
from bot.games.service import GameService
from bot.store.cache import parse_script
from bot.store.database import Database
from tests import sqlite_rows
from tests.engine.helpers import ManualClock
from tests.engine.test_service import HOST, STUDENTS, VENUE, play_steps

DATA = Path(__file__).parents[1] / "data" / "scripts"
OLD_PACK = DATA / "us-russia-before-issue-12.yaml"
OLD_SCRIPT = DATA / "us-russia-seed-5-before-issue-12.json"


def test_an_old_stored_script_parses_with_its_15_questions_and_differs_from_a_new_build() -> None:
    old = parse_script(OLD_SCRIPT.read_text())
    predictions = [s for s in old.steps if s.kind is StepKind.PREDICT]
    assert len(predictions) == 15 and all(len(s.options) == 4 for s in predictions)
    assert build_script(load_any(OLD_PACK), 5) != old  # the selection changed; the stored copy is what counts


def _answer(step: Step) -> tuple[int | None, int]:
    return step.correct_option, len(step.options)


async def test_a_game_started_before_the_change_resumes_on_its_stored_script_and_ends(tmp_path: Path) -> None:
    old_text = OLD_SCRIPT.read_text()
    old = parse_script(old_text)
    clock = ManualClock()
    path = tmp_path / "g.db"  # SQLite only: the old script is written into the file with aiosqlite
    async with Database.open(path) as db:
        service = GameService(db, clock)
        ref, _ = await service.start_game(VENUE, HOST, "Ms Teacher", load_any(OLD_PACK), GameSettings(), 5)
    # Put the game in the state an upgrade finds it in: its script as the old code stored it
    # (test-only SQL on the file, between two runs of the bot).
    async with aiosqlite.connect(path) as connection:
        await connection.execute("UPDATE games SET script = ? WHERE id = ?", (old_text, ref.game_id))
        await connection.execute("DELETE FROM questions WHERE game_id = ?", (ref.game_id,))
        await connection.executemany(
            """INSERT INTO questions (game_id, step, kind, thread_id, opens_thread, closes_thread,
                                      correct_option, option_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (ref.game_id, s.index, s.kind.value, s.thread_id, s.opens_thread, s.closes_thread, *_answer(s))
                for s in old.steps
                if s.kind.is_question
            ],
        )
        await connection.commit()
    async with Database.open(path) as db:  # a restarted bot running the new code
        service = GameService(db, clock)
        assert (await service.load(ref)).script == old
        await play_steps(service, clock, ref, 1000)
        state = await service.load(ref)
        assert state.status is Status.ENDED
        predicted = {p.player: p.answered for p in state.players.values()}
        assert set(STUDENTS) <= set(predicted)
        rows = await sqlite_rows.rows(
            db,
            "SELECT COUNT(DISTINCT step) FROM answers WHERE game_id = ? AND step IN "
            f"({','.join(str(s.index) for s in old.steps if s.kind is StepKind.PREDICT)})",
            (ref.game_id,),
        )
        assert rows[0][0] == 15  # every one of the old script's predictions was asked and answered
