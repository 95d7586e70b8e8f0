"""The core's share rule: a game's summary is posted once as it stands, across presses,
processes and restarts; a failed post can be retried; newer results can be shared."""

import asyncio
from pathlib import Path

from bot.engine.commands import Advanced
from bot.engine.state import GameSettings, Phase
from bot.games.results import SHARED, ShareFailed, share_once
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.store.database import Database
from bot.store.records import GameRef
from tests.engine.helpers import ManualClock, sample_pack
from tests.reports.classroom import play_classroom


async def test_a_summary_is_posted_once_even_after_a_restart(tmp_path: Path) -> None:
    posts: list[str] = []

    async def post() -> None:
        posts.append("summary")

    clock = ManualClock()
    async with Database.open(tmp_path / "db.sqlite3") as db:
        service = GameService(db, clock)
        ref = await play_classroom(service, clock)
        assert await share_once(service, ref, post) == SHARED.format(game=ref.game_id)
        second = await share_once(service, ref, post)
    assert posts == ["summary"]
    assert "already shared (posted " in second and "again once more questions" not in second  # the game ended
    async with Database.open(tmp_path / "db.sqlite3") as db:  # another process, after a restart
        assert "already shared" in await share_once(GameService(db, clock), ref, post)
    assert posts == ["summary"]


async def test_a_failed_post_releases_the_claim(tmp_path: Path) -> None:
    attempts: list[int] = []

    async def refused() -> None:
        attempts.append(1)
        raise ShareFailed("Invite me first.")

    async def works() -> None:
        attempts.append(2)

    clock = ManualClock()
    async with Database.open(tmp_path / "db.sqlite3") as db:
        service = GameService(db, clock)
        ref = await play_classroom(service, clock)
        assert await share_once(service, ref, refused) == "Invite me first."
        assert await share_once(service, ref, works) == SHARED.format(game=ref.game_id)
    assert attempts == [1, 2]


async def test_two_presses_at_once_post_once_and_newer_results_can_be_shared(tmp_path: Path) -> None:
    started = asyncio.Event()
    release = asyncio.Event()
    posts: list[int] = []

    async def slow() -> None:
        started.set()
        await release.wait()
        posts.append(1)

    clock = ManualClock()
    async with Database.open(tmp_path / "db.sqlite3") as db:
        service = GameService(db, clock)
        ref, _ = await service.start_game(
            Venue("test", "school", "room-7"),
            Player("test", "school", "teacher"),
            "Teacher",
            sample_pack(),
            GameSettings(),
            5,
        )
        await advance_until_closed(service, ref, 1)
        first = asyncio.create_task(share_once(service, ref, slow))
        await started.wait()
        assert "being posted right now" in await share_once(service, ref, slow)
        release.set()
        assert (await first).startswith("Shared")
        assert "again once more questions have closed" in await share_once(service, ref, slow)
        await advance_until_closed(service, ref, 2)  # another question closed: a newer summary
        assert (await share_once(service, ref, slow)).startswith("Shared")
    assert posts == [1, 1]


async def advance_until_closed(service: GameService, ref: GameRef, asked: int) -> None:
    """The teacher presses Next until ``asked`` questions have closed and none is open."""
    while True:
        state = await service.load(ref)
        if state.asked >= asked and state.phase is not Phase.OPEN:
            return
        await service.handle(ref, Advanced("teacher", False, service.clock()))
