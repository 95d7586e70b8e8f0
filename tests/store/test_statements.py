"""SQLite: a unit of work's writes wait for its next awaited statement and go to the
connection's thread with it (``bot.store.sqlite.statements``), in order, all or nothing."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from bot.engine.commands import PlayerAnswered
from bot.engine.engine import Transition
from bot.engine.state import GameState
from bot.store.interface import Store
from bot.store.records import GameRef
from bot.store.sqlite.games import StaleGame
from bot.store.sqlite.store import SqliteStore
from bot.store.sqlite.unit_of_work import SqliteUnitOfWork
from tests import sqlite_rows
from tests.games.test_group_commit import question_open


async def test_queued_writes_run_in_order_with_the_next_awaited_statement(tmp_path: Path) -> None:
    async with SqliteStore.open(tmp_path / "rebuttal.db") as store, store.write() as uow:
        db = uow.games.db
        changes_before = db.connection.total_changes
        db.later("CREATE TEMP TABLE log (n INTEGER)")
        db.later_many("INSERT INTO log (n) VALUES (?)", [(1,), (2,)])
        db.later("UPDATE log SET n = n * 10 WHERE n = 2")
        # Nothing has reached SQLite yet: the connection counts no changed rows.
        assert db.connection.total_changes == changes_before
        rows = await db.execute_fetchall("SELECT n FROM log ORDER BY rowid")
        assert [row[0] for row in rows] == [1, 20]
        assert db.connection.total_changes == changes_before + 3


async def test_a_failing_queued_write_fails_its_trip_and_the_unit_of_work_leaves_nothing(tmp_path: Path) -> None:
    async with SqliteStore.open(tmp_path / "rebuttal.db") as store:
        with pytest.raises(sqlite3.IntegrityError):
            async with store.write() as uow:
                await uow.games.ensure_workspace("slack", "T1")
                uow.games.db.later("INSERT INTO workspaces (platform, external_id) VALUES ('slack', 'T2')")
                # A second workspace with the same platform id: refused by the unique index.
                uow.games.db.later("INSERT INTO workspaces (platform, external_id) VALUES ('slack', 'T2')")
                uow.games.db.later("INSERT INTO workspaces (platform, external_id) VALUES ('slack', 'T3')")
                await uow.games.find_workspace("slack", "T3")
        rows = await sqlite_rows.rows(store, "SELECT external_id FROM workspaces")
        assert rows == []
        # The writer is free and outside any transaction: the next unit of work commits.
        async with store.write() as uow:
            await uow.games.ensure_workspace("slack", "T4")
        assert [row[0] for row in await sqlite_rows.rows(store, "SELECT external_id FROM workspaces")] == ["T4"]


async def test_writes_queued_when_the_block_raises_are_never_sent(tmp_path: Path) -> None:
    async with SqliteStore.open(tmp_path / "rebuttal.db") as store:
        with pytest.raises(RuntimeError, match="the caller gave up"):
            async with store.write() as uow:
                uow.games.db.later("INSERT INTO workspaces (platform, external_id) VALUES ('slack', 'T1')")
                raise RuntimeError("the caller gave up")
        assert await sqlite_rows.rows(store, "SELECT external_id FROM workspaces") == []
        async with store.write() as uow:  # and the next unit of work starts clean
            await uow.games.ensure_workspace("slack", "T2")
        assert [row[0] for row in await sqlite_rows.rows(store, "SELECT external_id FROM workspaces")] == ["T2"]


async def test_the_last_writes_go_with_the_commit(tmp_path: Path) -> None:
    async with SqliteStore.open(tmp_path / "rebuttal.db") as store:
        async with store.write() as uow:
            uow.games.db.later("INSERT INTO workspaces (platform, external_id) VALUES ('slack', 'T1')")
        assert [row[0] for row in await sqlite_rows.rows(store, "SELECT external_id FROM workspaces")] == ["T1"]


def renamed(state: GameState, player: str, name: str) -> Transition:
    """A transition that changes one stored player's display name, nothing else."""
    players = {**state.players, player: replace(state.players[player], name=name)}
    return Transition(state=state.evolve(players=players))


async def names(store: Store, ref: GameRef) -> dict[str, str]:
    rows = await sqlite_rows.rows(
        store, "SELECT user_id, display_name FROM game_players WHERE game_id = ?", (ref.game_id,)
    )
    return {row[0]: row[1] for row in rows}


async def test_a_game_moved_between_its_load_and_its_save_is_refused_not_overwritten(tmp_path: Path) -> None:
    """A save writes the loaded version + 1 without reading it back; if anything in the same
    unit of work moved the game meanwhile, the save fails and the whole unit rolls back."""
    async with question_open(tmp_path / "rebuttal.db") as (store, service, clock, ref, state):
        await service.handle(ref, PlayerAnswered("ana", "Ana", state.step, 0, clock.tick()))

        async def version_now() -> int:
            [row] = await sqlite_rows.rows(store, "SELECT version FROM games WHERE id = ?", (ref.game_id,))
            return int(row[0])

        version = await version_now()
        with pytest.raises(StaleGame):
            async with store.write() as uow:
                assert isinstance(uow, SqliteUnitOfWork)
                loaded = await uow.games.load(ref)
                await uow.games.db.execute("UPDATE games SET version = version + 1 WHERE id = ?", (ref.game_id,))
                await uow.games.save_transition(ref, loaded, renamed(loaded, "ana", "Ana B."))
        assert await version_now() == version
        assert (await names(store, ref))["ana"] == "Ana"
        # Without the interference the same save goes through and bumps the version once.
        async with store.write() as uow:
            loaded = await uow.games.load(ref)
            assert await uow.games.save_transition(ref, loaded, renamed(loaded, "ana", "Ana B.")) == version + 1
        assert await version_now() == version + 1
        assert (await names(store, ref))["ana"] == "Ana B."


async def test_a_known_player_without_a_row_is_written_not_lost(tmp_path: Path) -> None:
    """Players a state knows are updated in place; if one has no row (it cannot happen under
    the write lock, but a lost update would be silent), every changed player is upserted."""
    async with question_open(tmp_path / "rebuttal.db") as (store, service, clock, ref, state):
        await service.handle(ref, PlayerAnswered("ana", "Ana", state.step, 0, clock.tick()))
        async with store.write() as uow:
            assert isinstance(uow, SqliteUnitOfWork)
            loaded = await uow.games.load(ref)
            await uow.games.db.execute("DELETE FROM answers WHERE game_id = ? AND user_id = 'ana'", (ref.game_id,))
            await uow.games.db.execute("DELETE FROM game_players WHERE game_id = ? AND user_id = 'ana'", (ref.game_id,))
            await uow.games.save_transition(ref, loaded, renamed(loaded, "ana", "Ana B."))
        assert (await names(store, ref))["ana"] == "Ana B."
