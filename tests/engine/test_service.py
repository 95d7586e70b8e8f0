"""The service on real SQLite files: restart equivalence, duplicate deliveries, resumption."""

import random
from collections.abc import Sequence
from pathlib import Path

from bot.engine.commands import Advanced, PlayerAnswered, PlayerJoined
from bot.engine.effects import UpdateAnswerCount
from bot.engine.state import GameSettings, Mode, Phase, Status
from bot.games.runner import GameRunner
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.store.database import Database
from bot.store.records import GameRef
from tests import sqlite_rows
from tests.engine.helpers import ManualClock, sample_pack
from tests.waiting import until

VENUE = Venue("test", "school-1", "room-7")
HOST = Player("test", "school-1", "teacher")
STUDENTS = ["s1", "s2", "s3"]


async def start(service: GameService, seed: int = 5, settings: GameSettings | None = None) -> GameRef:
    ref, _ = await service.start_game(VENUE, HOST, "Ms Teacher", sample_pack(), settings or GameSettings(), seed)
    return ref


def scripted_answer(step: int, student: str, options: int) -> int:
    return random.Random(f"{step}:{student}").randrange(options)


async def play_steps(service: GameService, clock: ManualClock, ref: GameRef, limit: int) -> int:
    """Advance up to ``limit`` host moves; every student answers each open question."""
    moves = 0
    while moves < limit:
        state = await service.load(ref)
        if state.status is Status.ENDED:
            break
        if state.phase is Phase.OPEN:
            for student in STUDENTS:
                option = scripted_answer(state.step, student, len(state.current.options))
                await service.handle(ref, PlayerAnswered(student, student.upper(), state.step, option, clock.tick(2)))
        await service.handle(ref, Advanced("teacher", False, clock.tick(1)))
        moves += 1
    return moves


async def final_figures(service: GameService, ref: GameRef) -> tuple[object, ...]:
    state = await service.load(ref)
    rows = await sqlite_rows.rows(
        service.database,
        "SELECT step, user_id, option, points FROM answers WHERE game_id = ? ORDER BY step, user_id",
        (ref.game_id,),
    )
    return (
        state.status,
        sorted((p.player, p.score, p.correct, p.answered) for p in state.players.values()),
        [tuple(r) for r in rows],
        await service.stance_pairs(ref),
    )


async def test_restart_midway_gives_the_same_result_as_an_uninterrupted_game(
    tmp_path: Path, database_at: Path | str
) -> None:
    clock = ManualClock()
    async with Database.open(tmp_path / "straight.db") as db:  # the reference game; database_at is under test
        straight = GameService(db, clock)
        ref = await start(straight)
        await play_steps(straight, clock, ref, 1000)
        expected = await final_figures(straight, ref)

    clock = ManualClock()
    path = database_at
    async with Database.open(path) as db:
        first = GameService(db, clock)
        ref = await start(first)
        await play_steps(first, clock, ref, 23)
        midway = await first.load(ref)
    assert midway.status is Status.RUNNING
    async with Database.open(path) as db:
        second = GameService(db, clock)
        assert [g.ref for g in await second.running_games()] == [ref]
        assert await second.load(ref) == midway
        await play_steps(second, clock, ref, 1000)
        assert await final_figures(second, ref) == expected
    assert expected[0] is Status.ENDED
    assert any(score > 0 for _, score, _, _ in expected[1])  # type: ignore[attr-defined]


async def test_same_event_delivered_twice_records_one_answer_and_one_effect(database_at: Path | str) -> None:
    clock = ManualClock()
    async with Database.open(database_at) as db:
        service = GameService(db, clock)
        ref = await start(service)
        command = PlayerAnswered("s1", "Sam", 0, 1, clock.tick())
        first = await service.handle(ref, command, event_id="interaction-42")
        again = await service.handle(ref, command, event_id="interaction-42")
        assert first.effects == (UpdateAnswerCount(0, 1),)
        assert again.duplicate and again.effects == () and again.reply == first.reply
        rows = await sqlite_rows.rows(db, "SELECT COUNT(*) FROM answers WHERE game_id = ?", (ref.game_id,))
        assert rows[0][0] == 1


async def test_refused_command_changes_nothing_in_the_database(database_at: Path | str) -> None:
    clock = ManualClock()
    async with Database.open(database_at) as db:
        service = GameService(db, clock)
        ref = await start(service)
        before = await service.load(ref)
        refused = await service.handle(ref, Advanced("s1", False, clock.tick()))
        assert not refused.accepted and refused.reply == "Only the host or a teacher can control the game."
        assert await service.load(ref) == before


async def test_games_are_scoped_by_workspace(database_at: Path | str) -> None:
    async with Database.open(database_at) as db:
        service = GameService(db, ManualClock())
        ref = await start(service)
        other = await service.workspace_id("test", "another-school")
        try:
            await service.load(GameRef(other, ref.game_id))
        except LookupError as error:
            assert "no game" in str(error)
        else:
            raise AssertionError("a game was readable from another workspace")


class RecordingPresenter:
    def __init__(self) -> None:
        self.effects: list[object] = []
        self.answered_steps: list[int] = []

    async def present(self, ref: GameRef, state: object, effects: Sequence[object]) -> None:
        self.effects.extend(effects)

    async def answered(self, ref: GameRef, step: int) -> None:
        self.answered_steps.append(step)


async def test_restart_rearms_deadlines_and_an_overdue_one_fires_at_once(database_at: Path | str) -> None:
    clock = ManualClock()
    path = database_at
    async with Database.open(path) as db:
        service = GameService(db, clock)
        ref = await start(service, settings=GameSettings(mode=Mode.TIMED, question_seconds=30))
        await service.handle(ref, PlayerJoined("s1", "Sam", clock.now))
    clock.tick(3600)  # the bot was down for an hour: the question's deadline has passed
    async with Database.open(path) as db:
        service = GameService(db, clock)
        presenter = RecordingPresenter()
        runner = GameRunner(service, presenter)
        assert await runner.resume_all() == 1

        async def overdue_timer_fired() -> bool:
            return (await service.load(ref)).phase is not Phase.OPEN

        await until(overdue_timer_fired, "the overdue deadline closed the question")
        state = await service.load(ref)
        assert state.step == 0 and state.phase is Phase.REVEALED
        assert runner.pending_timers() == 1  # the reveal's own timer is armed
        await runner.close()


async def test_an_answer_reaches_the_presenter_as_a_count_only(database_at: Path | str) -> None:
    """An answer's only effect is a new count: the runner hands it to ``answered`` (the
    platform's rate-limited counter) and draws nothing else for it."""
    clock = ManualClock()
    async with Database.open(database_at) as db:
        service = GameService(db, clock)
        presenter = RecordingPresenter()
        runner = GameRunner(service, presenter)
        ref = await start(service)
        await runner.submit(ref, PlayerAnswered("s1", "S1", 0, 0, clock.tick()))
        await runner.submit(ref, PlayerAnswered("s2", "S2", 0, 1, clock.tick()))
        assert presenter.answered_steps == [0, 0]
        assert not any(isinstance(effect, UpdateAnswerCount) for effect in presenter.effects)
        await runner.close()


async def test_stance_pairs_only_count_players_who_gave_both(database_at: Path | str) -> None:
    clock = ManualClock()
    async with Database.open(database_at) as db:
        service = GameService(db, clock)
        ref = await start(service)
        # Step 0 is the stance before the opening exchange: s1 and s2 answer it.
        await service.handle(ref, PlayerAnswered("s1", "S1", 0, 0, clock.tick()))
        await service.handle(ref, PlayerAnswered("s2", "S2", 0, 2, clock.tick()))
        state = await service.load(ref)
        while not (state.current.closes_thread == "opening" and state.phase is Phase.OPEN):
            await service.handle(ref, Advanced("teacher", False, clock.tick()))
            state = await service.load(ref)
        # Only s1 and s3 give the stance after it.
        await service.handle(ref, PlayerAnswered("s1", "S1", state.step, 3, clock.tick()))
        await service.handle(ref, PlayerAnswered("s3", "S3", state.step, 4, clock.tick()))
        await service.handle(ref, Advanced("teacher", False, clock.tick()))
        pairs = await service.stance_pairs(ref)
        assert pairs == {"opening": {"s1": (0, 3)}}


async def test_cached_state_never_hides_another_writer(database_at: Path | str) -> None:
    """Two services on one file (as two processes would be): each sees the other's writes."""
    clock = ManualClock()
    path = database_at
    async with Database.open(path) as first_db, Database.open(path) as second_db:
        first, second = GameService(first_db, clock), GameService(second_db, clock)
        ref = await start(first)
        await first.handle(ref, PlayerAnswered("s1", "S1", 0, 1, clock.tick()))  # cached by `first`
        await second.handle(ref, PlayerAnswered("s2", "S2", 0, 2, clock.tick()))
        seen = await first.handle(ref, PlayerAnswered("s3", "S3", 0, 3, clock.tick()))
        assert seen.state is not None and set(seen.state.answers) == {"s1", "s2", "s3"}
        assert seen.effects == (UpdateAnswerCount(0, 3),)
