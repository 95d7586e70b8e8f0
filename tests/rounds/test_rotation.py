"""A schedule keeps its place in the rotation when the library changes under it.

The rotation is rebuilt from the library at every run. Counting rounds into the rebuilt list
used to move a whole-library schedule to another debate mid-way when a debate was added
(a shipped one in an upgrade, or one a server imported), skipping threads and repeating others.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from bot.content.library import Library, load_library
from bot.content.model import Pack
from bot.rounds.scheduler import Scheduler
from bot.rounds.service import RoundService
from bot.store.database import Database
from bot.store.records import ScheduleSpec
from tests.engine.helpers import ManualClock
from tests.rounds.helpers import PLATFORM, RecordingPresenter, at, daily, venue


@dataclass
class ChangingLibrary:
    """A schedule's round service over a library that can be swapped between runs."""

    libraries: list[Library]  # the newest last: what the bot would load now
    presenter: RecordingPresenter
    scheduler: Scheduler
    clock: ManualClock

    async def post_on(self, *days: int) -> None:
        for day in days:
            self.clock.now = at(2026, 1, day, 9, 0)
            await self.scheduler.tick()

    def walked(self) -> list[tuple[str, str]]:
        return [(a.pack.id, a.round.thread_id) for a in self.presenter.announced]


@asynccontextmanager
async def changing_library(location: Path | str, spec: ScheduleSpec) -> AsyncIterator[ChangingLibrary]:
    libraries = [load_library()]

    async def library_for(workspace_id: int) -> Library:
        return libraries[-1]

    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with Database.open(location) as database:
        rounds = RoundService(database, library_for, clock)
        presenter = RecordingPresenter()
        await rounds.set_schedule(venue(), spec, "admin")
        yield ChangingLibrary(libraries, presenter, Scheduler(rounds, presenter, PLATFORM), clock)


def renamed(pack: Pack, new_id: str) -> Pack:
    """The same debate under an id that sorts before every shipped one."""
    return Pack.model_validate({**pack.model_dump(mode="json"), "id": new_id})


async def test_a_debate_added_mid_way_does_not_move_the_schedule(database_at: Path | str) -> None:
    async with changing_library(database_at, daily(time(9, 0))) as schedule:  # the whole library
        await schedule.post_on(5, 6)
        first = schedule.presenter.announced[0].pack
        assert schedule.walked() == [(first.id, t.id) for t in first.all_threads()[:2]]

        # A debate arrives whose id sorts first: every later position in the rotation moves by
        # its thread count.
        shipped = schedule.libraries[0]
        added = renamed(shipped.get("voting-age-16"), "aaa-added-debate")
        schedule.libraries.append(Library({added.id: added, **shipped.packs}))
        await schedule.post_on(7, 8)

        assert schedule.walked() == [(first.id, t.id) for t in first.all_threads()[:4]]


async def test_a_removed_debate_falls_back_to_the_count(database_at: Path | str) -> None:
    chosen = ("school-phone-bans", "voting-age-16")
    async with changing_library(database_at, daily(time(9, 0), packs=chosen)) as schedule:
        await schedule.post_on(5)
        assert schedule.walked()[-1][0] == "school-phone-bans"

        shipped = schedule.libraries[0]
        without = {pack_id: pack for pack_id, pack in shipped.packs.items() if pack_id != "school-phone-bans"}
        schedule.libraries.append(Library(without))  # the thread it posted last is gone
        await schedule.post_on(6)

        voting = shipped.get("voting-age-16").all_threads()
        # One round posted: the count's place in the remaining rotation.
        assert schedule.walked()[-1] == ("voting-age-16", voting[1].id)
