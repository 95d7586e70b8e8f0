"""A schedule keeps its place in the rotation when the library changes under it.

The rotation is rebuilt from the library at every run. Counting rounds into the rebuilt list
used to move a whole-library schedule to another debate mid-way when a debate was added
(a shipped one in an upgrade, or one a server imported), skipping threads and repeating others.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path

from bot.content.library import Library, load_library
from bot.content.model import Pack
from bot.rounds.scheduler import Scheduler
from bot.rounds.service import RoundService
from bot.store.database import Database
from tests.engine.helpers import ManualClock
from tests.rounds.helpers import PLATFORM, RecordingPresenter, at, daily, venue


def renamed(pack: Pack, new_id: str) -> Pack:
    """The same debate under an id that sorts before every shipped one."""
    return Pack.model_validate({**pack.model_dump(mode="json"), "id": new_id})


async def test_a_debate_added_mid_way_does_not_move_the_schedule(database_at: Path | str) -> None:
    shipped = load_library()
    libraries = [shipped]  # the newest last: what the bot would load now

    async def library_for(workspace_id: int) -> Library:
        return libraries[-1]

    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with Database.open(database_at) as database:
        rounds = RoundService(database, library_for, clock)
        presenter = RecordingPresenter()
        scheduler = Scheduler(rounds, presenter, PLATFORM)
        await rounds.set_schedule(venue(), daily(time(9, 0)), "admin")  # the whole library
        for day in (5, 6):
            clock.now = at(2026, 1, day, 9, 0)
            await scheduler.tick()
        first = presenter.announced[0].pack
        walked = [(a.pack.id, a.round.thread_id) for a in presenter.announced]
        assert walked == [(first.id, t.id) for t in first.all_threads()[:2]]

        # A debate arrives whose id sorts first: every later position in the rotation moves by
        # its thread count.
        added = renamed(shipped.get("voting-age-16"), "aaa-added-debate")
        libraries.append(Library({added.id: added, **shipped.packs}))
        for day in (7, 8):
            clock.now = at(2026, 1, day, 9, 0)
            await scheduler.tick()

        walked = [(a.pack.id, a.round.thread_id) for a in presenter.announced]
        assert walked == [(first.id, t.id) for t in first.all_threads()[:4]]


async def test_a_removed_debate_falls_back_to_the_count(database_at: Path | str) -> None:
    shipped = load_library()
    chosen = ("school-phone-bans", "voting-age-16")
    libraries = [shipped]  # the newest last: what the bot would load now

    async def library_for(workspace_id: int) -> Library:
        return libraries[-1]

    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with Database.open(database_at) as database:
        rounds = RoundService(database, library_for, clock)
        presenter = RecordingPresenter()
        scheduler = Scheduler(rounds, presenter, PLATFORM)
        await rounds.set_schedule(venue(), daily(time(9, 0), packs=chosen), "admin")
        clock.now = at(2026, 1, 5, 9, 0)
        await scheduler.tick()
        assert presenter.announced[-1].pack.id == "school-phone-bans"

        without = {pack_id: pack for pack_id, pack in shipped.packs.items() if pack_id != "school-phone-bans"}
        libraries.append(Library(without))  # the thread it posted last is gone
        clock.now = at(2026, 1, 6, 9, 0)
        await scheduler.tick()
        voting = shipped.get("voting-age-16").all_threads()
        assert (presenter.announced[-1].pack.id, presenter.announced[-1].round.thread_id) == (
            "voting-age-16",
            voting[1].id,  # one round posted: the count's place in the remaining rotation
        )
