"""One live game per channel, enforced by the store inside the start transaction."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.engine.commands import Ended
from bot.engine.state import GameSettings
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.rounds.scheduler import Scheduler
from bot.store.database import Database
from bot.store.records import ChannelBusy, GameRef
from tests.engine.helpers import ManualClock, sample_pack
from tests.rounds.helpers import PLATFORM, RecordingPresenter, at, daily, player, round_service, venue
from tests.rounds.test_round_service import open_round

ROOM = Venue("slack", "T1", "C1")
TEACHER = Player("slack", "T1", "teacher")


async def start(service: GameService, where: Venue = ROOM) -> GameRef:
    ref, _ = await service.start_game(where, TEACHER, "Teacher", sample_pack(), GameSettings(), seed=1)
    return ref


async def test_two_processes_starting_in_one_channel_at_once_make_one_game(database_at: Path | str) -> None:
    path = database_at
    async with Database.open(path) as setup:
        await GameService(setup).workspace_id("slack", "T1")  # both "processes" find a migrated file
    async with Database.open(path) as first, Database.open(path) as second:
        # Two stores on one file, as two processes have: no lock in this process is shared.
        results = await asyncio.gather(
            *(start(GameService(store)) for store in (first, second, first, second)), return_exceptions=True
        )
        started = [r for r in results if isinstance(r, GameRef)]
        refused = [r for r in results if isinstance(r, ChannelBusy)]
        assert len(started) == 1 and len(refused) == 3, results
        assert [g.ref for g in await GameService(second).running_games()] == started


async def test_another_channel_and_an_ended_game_do_not_count(database_at: Path | str) -> None:
    clock = ManualClock()
    async with Database.open(database_at) as store:
        service = GameService(store, clock)
        first = await start(service)
        await start(service, Venue("slack", "T1", "C2"))  # another channel
        await start(service, Venue("slack", "T2", "C1"))  # the same channel id in another workspace
        with pytest.raises(ChannelBusy):
            await start(service)
        await service.handle(first, Ended("teacher", True, clock.tick()))
        second = await start(service)
        assert second != first


async def test_a_refused_start_stores_nothing(database_at: Path | str) -> None:
    async with Database.open(database_at) as store:
        service = GameService(store)
        await start(service)
        async with store.read() as uow:
            before = await uow.reports.listings()
        with pytest.raises(ChannelBusy):
            await start(service)
        async with store.read() as uow:
            assert await uow.reports.listings() == before


async def test_an_open_daily_round_is_not_the_channels_live_game(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with round_service(database_at, clock) as rounds:
        scheduler = Scheduler(rounds, RecordingPresenter(), PLATFORM)
        await rounds.set_schedule(venue("C1"), daily(at(2026, 1, 5, 9, 0).time()), "admin")
        round_id = await open_round(scheduler, clock, 5)
        assert await rounds.open_round_at(venue("C1")) is not None and round_id
        games = GameService(rounds.database, clock)
        ref, _ = await games.start_game(
            venue("C1"), player("teacher"), "Teacher", sample_pack(), GameSettings(), seed=1
        )
        assert await games.live_game_at(ref.workspace_id, "C1") == ref
