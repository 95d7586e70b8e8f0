"""Migration 6: channel names recorded at a start, sign-in link generations, notes, the key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.engine.state import GameSettings
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.store.database import Database
from bot.store.records import GameRef
from tests.engine.helpers import ManualClock, sample_pack

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_a_start_records_the_channel_name_and_a_later_start_renames_it(tmp_path: Path) -> None:
    async with Database.open(tmp_path / "w.db") as store:
        service = GameService(store, ManualClock())
        host = Player("slack", "T1", "teacher")
        first, _ = await service.start_game(
            Venue("slack", "T1", "C1"), host, "T", sample_pack(), GameSettings(), 1, channel_name="civics-3b"
        )
        async with store.read() as uow:
            [listed] = await uow.web.games(first.workspace_id, channel="civics-3b")
            assert (listed.channel, listed.channel_name) == ("C1", "civics-3b")
            assert listed.question == sample_pack().question
            assert await uow.web.games(first.workspace_id, channel="C1") == [listed]
            assert await uow.web.games(first.workspace_id, channel="history") == []
            assert await uow.web.channels(first.workspace_id) == [("C1", "civics-3b")]
            other = await uow.games.find_workspace("slack", "T1")
            assert other == first.workspace_id
        async with store.write() as uow:
            await uow.games.ensure_channel(first.workspace_id, "C1")  # no name given: the old one stays
            await uow.games.ensure_channel(first.workspace_id, "C1", "civics-3c")
        async with store.read() as uow:
            assert await uow.web.channel_name(first.workspace_id, "C1") == "civics-3c"


async def test_revoking_bumps_the_generation_of_one_workspace_only(tmp_path: Path) -> None:
    async with Database.open(tmp_path / "w.db") as store, store.write() as uow:
        one = await uow.games.ensure_workspace("discord", "G1")
        two = await uow.games.ensure_workspace("discord", "G2")
        assert await uow.web.access_generation(one) == 0
        assert await uow.web.revoke_links(one, NOW) == 1
        assert await uow.web.revoke_links(one, NOW) == 2
        assert await uow.web.access_generation(two) == 0
        assert await uow.web.workspace_ref(one) == ("discord", "G1")
        assert await uow.web.workspace_ref(999) is None


async def test_the_signing_key_is_made_once_and_kept(tmp_path: Path) -> None:
    async with Database.open(tmp_path / "w.db") as store, store.write() as uow:
        assert await uow.web.signing_secret("first", NOW) == "first"
        assert await uow.web.signing_secret("second", NOW) == "first"
    async with Database.open(tmp_path / "w.db") as store, store.write() as uow:
        assert await uow.web.signing_secret("third", NOW) == "first"


async def test_notes_belong_to_a_game_of_their_workspace(tmp_path: Path) -> None:
    async with Database.open(tmp_path / "w.db") as store:
        service = GameService(store, ManualClock())
        ref, _ = await service.start_game(
            Venue("slack", "T1", "C1"), Player("slack", "T1", "t"), "T", sample_pack(), GameSettings(), 1
        )
        async with store.write() as uow:
            assert await uow.web.add_note(ref, "Revisit thread 2", NOW) > 0
            assert await uow.web.add_note(GameRef(ref.workspace_id + 1, ref.game_id), "elsewhere", NOW) == 0
        async with store.read() as uow:
            assert [n.body for n in await uow.web.notes(ref)] == ["Revisit thread 2"]
            assert await uow.web.notes(GameRef(ref.workspace_id + 1, ref.game_id)) == []
