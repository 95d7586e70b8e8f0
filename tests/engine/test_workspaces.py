"""Workspace data and game places on a real SQLite file."""

from datetime import timedelta
from pathlib import Path

from bot.content.library import load_library
from bot.engine.commands import Advanced, Ended, PlayerAnswered
from bot.games.service import GameService
from bot.store.database import Database
from bot.store.records import GameRef, TeacherSettings
from bot.workspaces import WorkspaceService
from tests import sqlite_rows
from tests.engine.helpers import ManualClock
from tests.engine.test_service import HOST, VENUE, start
from tests.games.test_question_recorded_late import start as start_in


async def test_places_route_threads_and_messages(database_at: Path | str) -> None:
    async with Database.open(database_at) as db:
        service = GameService(db, ManualClock())
        ref = await start(service)
        assert await service.live_game_at(ref.workspace_id, VENUE.channel_id) == ref
        await service.set_thread(ref, "thread-9")
        assert await service.thread_of(ref) == "thread-9"
        assert await service.live_game_at(ref.workspace_id, "thread-9") == ref
        assert await service.live_game_at(ref.workspace_id, "elsewhere") is None
        assert (await service.record_message(ref, 0, "msg-1")).kept
        assert not (await service.record_message(ref, 0, "msg-2")).kept  # the first recorded stays
        assert await service.message_of(ref, 0) == "msg-1"
        other = await service.workspace_id("test", "other-school")
        assert await service.live_game_at(other, "thread-9") is None


async def test_unposted_steps_are_running_games_with_a_thread_and_no_message_for_their_step(
    database_at: Path | str,
) -> None:
    async with Database.open(database_at) as db:
        clock = ManualClock()
        service = GameService(db, clock)
        threadless, posted, moved_on = [await start_in(service, f"room-{n}") for n in range(3)]

        async def unposted() -> list[GameRef]:
            return await service.unposted_steps(clock.now + timedelta(seconds=1))

        assert await unposted() == []  # a game with no thread yet has nowhere to post
        for ref in (posted, moved_on):
            await service.set_thread(ref, f"thread-{ref.game_id}")
        assert await unposted() == [posted, moved_on]
        assert await service.unposted_steps(clock.now - timedelta(seconds=1)) == []  # too young yet
        await service.record_message(posted, 0, "msg-0")
        await service.record_message(moved_on, 0, "msg-1")
        assert await unposted() == []
        for _ in range(2):  # close question 0 and show step 1: its message is not recorded yet
            await service.handle(moved_on, Advanced(HOST.user_id, False, clock.tick()))
        assert await unposted() == [moved_on]
        await service.handle(moved_on, Ended(HOST.user_id, False, clock.tick()))
        assert await unposted() == []  # an ended game is not running
        assert threadless.game_id not in {ref.game_id for ref in await unposted()}


async def test_teacher_settings_and_workspace_library(database_at: Path | str) -> None:
    shipped = load_library()
    async with Database.open(database_at) as db:
        spaces = WorkspaceService(db, shipped)
        service = GameService(db)
        mine, theirs = await service.workspace_id("test", "a"), await service.workspace_id("test", "b")
        assert await spaces.teacher_settings(mine) == TeacherSettings()
        await spaces.save_teacher_settings(mine, TeacherSettings("Teachers", ("u7",)))
        assert await spaces.teacher_settings(mine) == TeacherSettings("Teachers", ("u7",))
        imported = shipped.get("voting-age-16").model_copy(update={"id": "our-own-debate"})
        await spaces.add_pack(mine, imported, "u7")
        assert "our-own-debate" in (await spaces.library(mine)).packs
        assert "our-own-debate" not in (await spaces.library(theirs)).packs
        assert set(shipped.packs) <= set((await spaces.library(theirs)).packs)


async def test_forget_me_removes_a_player_everywhere_and_from_cached_games(database_at: Path | str) -> None:
    clock = ManualClock()
    async with Database.open(database_at) as db:
        service, spaces = GameService(db, clock), WorkspaceService(db, load_library(), clock)
        ref = await start(service)
        await service.handle(ref, PlayerAnswered("s1", "Sam", 0, 1, clock.tick()))
        await service.handle(ref, PlayerAnswered("s2", "Kim", 0, 2, clock.tick()))
        assert await spaces.forget_player(ref.workspace_id, "s1") == 2
        state = await service.load(ref)  # the service had s1 cached; the version bump retires it
        assert set(state.players) == {"teacher", "s2"} and set(state.answers) == {"s2"}
        closed = await service.handle(ref, Advanced("teacher", False, clock.tick()))
        assert closed.state is not None and "s1" not in closed.state.players
        rows = await sqlite_rows.rows(db, "SELECT COUNT(*) FROM answers WHERE user_id = 's1'")
        assert rows[0][0] == 0
