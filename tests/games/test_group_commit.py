"""Group commit on both engines: commands that arrive together share one transaction, and
each still gets exactly the outcome, and leaves exactly the rows, it would have alone."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.engine.commands import Advanced, Command, PlayerAnswered, PlayerJoined
from bot.engine.state import GameSettings, GameState, Phase, Status
from bot.games.group_commit import GroupCommit, Outcome
from bot.games.service import GameService
from bot.identity import Venue
from bot.store.database import Database
from bot.store.interface import Store
from bot.store.postgres.unit_of_work import PostgresUnitOfWork
from bot.store.records import GameNotFound, GameRef
from bot.store.sqlite.unit_of_work import SqliteUnitOfWork
from tests import sqlite_rows
from tests.engine.helpers import ManualClock, sample_pack
from tests.engine.test_service import HOST, start

PLAYERS = [f"p{n:03}" for n in range(60)]


async def start_in(service: GameService, room: str) -> GameRef:
    venue = Venue("test", "school-1", f"room-{room}")
    ref, _ = await service.start_game(venue, HOST, "Ms Teacher", sample_pack(), GameSettings(), seed=5)
    return ref


async def open_question(service: GameService, clock: ManualClock, ref: GameRef) -> GameState:
    """Advance the game (one command at a time) until a scored question is open."""
    state = await service.load(ref)
    while state.phase is not Phase.OPEN or not state.current.kind.is_scored:
        await service.handle(ref, Advanced("teacher", False, clock.tick(1)))
        state = await service.load(ref)
    return state


@asynccontextmanager
async def question_open(
    where: Path | str,
) -> AsyncIterator[tuple[Store, GameService, ManualClock, GameRef, GameState]]:
    """A database with one game whose first scored question is open."""
    clock = ManualClock()
    async with Database.open(where) as db:
        service = GameService(db, clock)
        ref = await start(service)
        yield db, service, clock, ref, await open_question(service, clock, ref)


async def together(service: GameService, work: list[tuple[Command, str | None]], ref: GameRef) -> list[Outcome]:
    """Submit every command at once: they are queued before the first batch starts."""
    return await asyncio.gather(*(service.handle(ref, command, event) for command, event in work))


# What a game recorded, table by table, but its version counter (a batch bumps it once).
RECORDED = (
    "SELECT step, user_id, option, points, answered_at FROM answers WHERE game_id = ? ORDER BY step, user_id",
    "SELECT user_id, display_name, score, streak, correct, answered, joined FROM game_players "
    "WHERE game_id = ? ORDER BY user_id",
    "SELECT step, opened_at, closed_at FROM questions WHERE game_id = ? ORDER BY step",
    "SELECT status, step, phase, phase_started_at, deadline, asked FROM games WHERE id = ?",
)


async def stored(store: Store, ref: GameRef) -> tuple[list[tuple[object, ...]], ...]:
    """Answers, players, questions and the game row, as ``RECORDED`` reads them."""
    tables = [await sqlite_rows.rows(store, sql, (ref.game_id,)) for sql in RECORDED]
    return tuple([tuple(row) for row in table] for table in tables)


def a_mixed_burst(clock: ManualClock, step: int, options: int) -> list[Command]:
    """Joins, answers, changed answers, refused answers (a wrong step), and the host closing
    the question and moving on in the middle of it all, in one arrival order."""
    rng = random.Random(7)
    commands: list[Command] = []
    for player in PLAYERS:
        commands.append(PlayerJoined(player, player.upper(), clock.tick(0.01)))
        commands.append(PlayerAnswered(player, player.upper(), step, rng.randrange(options), clock.tick(0.01)))
        if rng.random() < 0.3:
            commands.append(PlayerAnswered(player, player.upper(), step, rng.randrange(options), clock.tick(0.01)))
        if rng.random() < 0.1:
            commands.append(PlayerAnswered(player, player.upper(), step + 5, 0, clock.tick(0.01)))
    commands.insert(len(commands) * 2 // 3, Advanced("teacher", False, clock.tick(0.01)))  # closes the question
    commands.insert(len(commands) * 5 // 6, Advanced("teacher", False, clock.tick(0.01)))  # moves on
    commands.append(Advanced("teacher", False, clock.tick(0.01)))
    return commands


async def test_a_batch_stores_exactly_what_one_command_per_transaction_stores(database_at: Path | str) -> None:
    """The same commands, in the same order, in two games of one database: once one per
    transaction, once as one burst. The same replies and the same rows, in one transaction."""
    results = []
    async with Database.open(database_at) as db:
        for room, batch_size in (("alone", 1), ("together", 1000)):
            clock = ManualClock()
            service = GameService(db, clock)
            service.commands = GroupCommit(db, service._states, clock, max_batch=batch_size)
            ref = await start_in(service, room)
            state = await open_question(service, clock, ref)
            burst = a_mixed_burst(clock, state.step, len(state.current.options))
            outcomes = await together(service, [(c, None) for c in burst], ref)
            replies = [(o.reply, o.accepted) for o in outcomes]
            results.append((replies, await stored(db, ref), service.commands.batches, len(burst)))
    (alone_replies, alone_rows, alone_batches, count), (replies, rows, batches, _) = results
    assert alone_batches >= count
    assert batches - (alone_batches - count) == 1  # the opening advances ran alone in both
    assert replies == alone_replies
    assert any(not accepted for _, accepted in replies), "the burst has refused commands"
    assert rows == alone_rows
    answers, players, _, game = rows
    assert len({r[1] for r in answers}) > len(PLAYERS) // 2  # those who answered before the close
    assert any(r[3] for r in answers), "the closed question was scored"
    assert len(players) == len(PLAYERS) + 1  # and the host
    assert game[0][1] != answers[0][0], "the game moved past the question within the burst"


async def test_a_batch_never_carries_more_than_its_bound(database_at: Path | str) -> None:
    clock = ManualClock()
    async with Database.open(database_at) as db:
        service = GameService(db, clock)
        service.commands = GroupCommit(db, service._states, clock, max_batch=16)
        ref = await start(service)
        state = await open_question(service, clock, ref)
        before = service.commands.batches
        burst = [PlayerAnswered(p, p, state.step, 0, clock.tick(0.01)) for p in PLAYERS]
        outcomes = await together(service, [(c, None) for c in burst], ref)
        assert all(o.accepted for o in outcomes)
        assert service.commands.batches - before == 4  # 60 commands, at most 16 a transaction
        state = await service.load(ref)
        assert set(state.answers) == set(PLAYERS)


async def test_a_redelivered_event_is_applied_once_in_or_across_batches(database_at: Path | str) -> None:
    async with question_open(database_at) as (_db, service, clock, ref, state):
        first = PlayerAnswered("ann", "Ann", state.step, 1, clock.tick())
        changed = PlayerAnswered("ann", "Ann", state.step, 2, clock.tick())
        # The same delivery twice in one batch, then a third time in a later batch.
        outcomes = await together(service, [(first, "evt-1"), (changed, "evt-2"), (first, "evt-1")], ref)
        again = await service.handle(ref, first, "evt-1")
        assert [o.duplicate for o in outcomes] == [False, False, True]
        assert outcomes[2].reply == outcomes[0].reply
        assert again.duplicate and not again.effects and again.reply == outcomes[0].reply
        stored_answer = (await service.load(ref)).answers["ann"]
        assert stored_answer.option == 2, "the redeliveries did not put the first answer back"


async def test_a_redelivery_in_a_batch_of_new_events_gets_its_first_reply_and_the_rest_are_applied(
    database_at: Path | str,
) -> None:
    """A batch claims its events with their replies after running its commands; one event
    handled in an earlier batch sends it round again, claiming first, with the same result."""
    async with question_open(database_at) as (db, service, clock, ref, state):
        first = PlayerAnswered("ann", "Ann", state.step, 1, clock.tick())
        earlier = await service.handle(ref, first, "evt-ann")
        later: list[tuple[Command, str | None]] = [
            (PlayerAnswered("bob", "Bob", state.step, 0, clock.tick()), "evt-bob"),
            (PlayerAnswered("ann", "Ann", state.step, 2, clock.tick()), "evt-ann"),  # redelivered, changed
            (PlayerAnswered("cat", "Cat", state.step + 4, 0, clock.tick()), "evt-cat"),  # refused
            (PlayerAnswered("dan", "Dan", state.step, 3, clock.tick()), "evt-dan"),
        ]
        bob, ann, cat, dan = await together(service, later, ref)
        assert bob.accepted and dan.accepted and not bob.duplicate
        assert ann.duplicate and not ann.accepted and not ann.effects and ann.reply == earlier.reply
        assert not cat.accepted and not cat.duplicate and cat.reply
        answers = (await service.load(ref)).answers
        assert {player: a.option for player, a in answers.items()} == {"ann": 1, "bob": 0, "dan": 3}
        replies = dict(tuple(row) for row in await sqlite_rows.rows(db, "SELECT event_id, reply FROM processed_events"))
        assert replies == {"evt-ann": earlier.reply, "evt-bob": bob.reply, "evt-cat": cat.reply, "evt-dan": dan.reply}


async def test_a_refused_command_leaves_the_rest_of_its_batch_standing(database_at: Path | str) -> None:
    async with question_open(database_at) as (_db, service, clock, ref, state):
        missing = GameRef(ref.workspace_id, ref.game_id + 99)
        work = [
            service.handle(ref, PlayerAnswered("ann", "Ann", state.step, 0, clock.tick()), "e1"),
            service.handle(ref, PlayerAnswered("bob", "Bob", state.step + 3, 0, clock.tick()), "e2"),
            service.handle(missing, PlayerAnswered("cat", "Cat", state.step, 0, clock.tick()), "e3"),
            service.handle(ref, PlayerAnswered("dan", "Dan", state.step, 1, clock.tick()), "e4"),
        ]
        ann, bob, cat, dan = await asyncio.gather(*work, return_exceptions=True)
        assert isinstance(ann, Outcome) and isinstance(bob, Outcome) and isinstance(dan, Outcome)
        assert ann.accepted and dan.accepted
        assert not bob.accepted and bob.reply
        assert isinstance(cat, GameNotFound)
        assert set((await service.load(ref)).answers) == {"ann", "dan"}
        # The refusal was recorded against its event: a redelivery gets the same reason.
        assert (await service.handle(ref, PlayerAnswered("bob", "Bob", 0, 0, clock.tick()), "e2")).reply == bob.reply


async def refuse_writes_for(store: Store, player: str) -> None:
    """Make the database itself refuse any answer row for ``player`` (a fault the engine
    cannot foresee), with a trigger in the engine's own dialect."""
    async with store.write() as uow:
        if isinstance(uow, SqliteUnitOfWork):
            await uow.games.db.execute(
                f"""CREATE TRIGGER refuse_{player} BEFORE INSERT ON answers WHEN NEW.user_id = '{player}'
                    BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"""
            )
            return
        assert isinstance(uow, PostgresUnitOfWork)
        await uow.games.db.execute(
            f"""CREATE FUNCTION refuse_{player}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
                CREATE TRIGGER refuse_{player} BEFORE INSERT ON answers FOR EACH ROW
                    WHEN (NEW.user_id = '{player}') EXECUTE FUNCTION refuse_{player}()"""
        )


async def test_a_write_the_database_refuses_fails_only_its_own_command(database_at: Path | str) -> None:
    async with question_open(database_at) as (db, service, clock, ref, state):
        await refuse_writes_for(db, "mallory")
        names = ["ann", "bob", "mallory", "dan"]
        outcomes = await asyncio.gather(
            *(
                service.handle(ref, PlayerAnswered(n, n.title(), state.step, 0, clock.tick()), f"evt-{n}")
                for n in names
            ),
            return_exceptions=True,
        )
        ann, bob, mallory, dan = outcomes
        assert isinstance(mallory, Exception) and "refused by the test" in str(mallory)
        assert all(isinstance(o, Outcome) and o.accepted for o in (ann, bob, dan))
        assert set((await service.load(ref)).answers) == {"ann", "bob", "dan"}
        # Mallory's event was not claimed: once the fault is gone, her retry is applied.
        events = await sqlite_rows.rows(db, "SELECT event_id FROM processed_events ORDER BY event_id")
        assert [r[0] for r in events] == ["evt-ann", "evt-bob", "evt-dan"]


async def test_a_command_whose_caller_gave_up_before_its_batch_is_never_applied(database_at: Path | str) -> None:
    async with question_open(database_at) as (_db, service, clock, ref, state):
        kept = asyncio.ensure_future(service.handle(ref, PlayerAnswered("ann", "Ann", state.step, 0, clock.tick())))
        dropped = asyncio.ensure_future(service.handle(ref, PlayerAnswered("bob", "Bob", state.step, 0, clock.tick())))
        await asyncio.sleep(0)  # both queued; the batch has not started
        dropped.cancel()
        assert (await kept).accepted
        with pytest.raises(asyncio.CancelledError):
            await dropped
        assert set((await service.load(ref)).answers) == {"ann"}


async def test_games_in_one_batch_are_each_written(database_at: Path | str) -> None:
    """Commands for several games (other channels) in one batch: each game gets its own."""
    clock = ManualClock()
    async with Database.open(database_at) as db:
        service = GameService(db, clock)
        refs = [await start_in(service, room) for room in ("a", "b", "c")]
        states = [await open_question(service, clock, ref) for ref in refs]
        work = []
        for player in PLAYERS[:20]:
            for ref, state in zip(refs, states, strict=True):
                work.append(service.handle(ref, PlayerAnswered(player, player, state.step, 1, clock.tick(0.01))))
        before = service.commands.batches
        outcomes = await asyncio.gather(*work)
        assert all(o.accepted for o in outcomes)
        assert service.commands.batches - before == 1
        for ref in refs:
            state = await service.load(ref)
            assert set(state.answers) == set(PLAYERS[:20])
            assert state.status is Status.RUNNING


async def test_a_command_given_up_while_another_process_holds_its_game_is_never_applied(
    database_at: Path | str,
) -> None:
    """Another process holds the game (SQLite: the write lock; PostgreSQL: the game's row lock)
    longer than a click's caller waits: the caller gives up and its player is told to click
    again, so the command must not be stored once the lock is released."""
    clock = ManualClock()
    async with Database.open(database_at) as db, Database.open(database_at) as other_process:
        service = GameService(db, clock)
        ref = await start(service)
        state = await open_question(service, clock, ref)
        held, release = asyncio.Event(), asyncio.Event()

        async def hold_the_game() -> None:
            async with other_process.write() as uow:
                await uow.games.load(ref)
                held.set()
                await release.wait()

        holder = asyncio.ensure_future(hold_the_game())
        await held.wait()
        late = PlayerAnswered("ann", "Ann", state.step, 1, clock.tick())
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(service.handle(ref, late, "evt-late"), timeout=0.3)
        await asyncio.sleep(0.2)  # the batch is still waiting for the lock
        release.set()
        await holder
        # Whatever the batch did once it got the lock is committed by now (a later command
        # queues behind it).
        kept = await service.handle(ref, PlayerAnswered("bob", "Bob", state.step, 0, clock.tick()), "evt-bob")
        assert kept.accepted
        assert set((await service.load(ref)).answers) == {"bob"}
        events = await sqlite_rows.rows(db, "SELECT event_id FROM processed_events ORDER BY event_id")
        assert [r[0] for r in events] == ["evt-bob"]
