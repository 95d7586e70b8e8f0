"""A round service on a real database file, a clock moved by hand, and a presenter that
records what a platform would have been asked to post."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path

from bot.content.library import Library, load_library
from bot.identity import Player, Venue
from bot.rounds.scheduler import Scheduler
from bot.rounds.service import Announcement, ClosedRound, RoundService
from bot.rounds.timing import Timing
from bot.store.database import Database
from bot.store.records import ScheduleSpec
from tests.engine.helpers import ManualClock

PLATFORM = "test"
WORKSPACE = "W1"
EVERY_DAY = frozenset(range(7))


def venue(channel: str = "C1") -> Venue:
    return Venue(PLATFORM, WORKSPACE, channel)


def player(user: str) -> Player:
    return Player(PLATFORM, WORKSPACE, user)


def daily(at: time, zone: str = "UTC", **options: object) -> ScheduleSpec:
    return ScheduleSpec(Timing(at, zone, EVERY_DAY), **options)  # type: ignore[arg-type]


@dataclass
class RecordingPresenter:
    """Stands in for a chat platform: remembers every post, and can be told to fail."""

    announced: list[Announcement] = field(default_factory=list)
    summaries: list[ClosedRound] = field(default_factory=list)
    failing: bool = False

    async def announce(self, announcement: Announcement) -> str:
        if self.failing:
            raise ConnectionError("the platform is unreachable")
        self.announced.append(announcement)
        return f"msg-{len(self.announced)}"

    async def post_summary(self, closed: ClosedRound) -> str:
        if self.failing:
            raise ConnectionError("the platform is unreachable")
        self.summaries.append(closed)
        return f"summary-{len(self.summaries)}"


@asynccontextmanager
async def round_service(path: Path | str, clock: ManualClock) -> AsyncIterator[RoundService]:
    shipped = load_library()

    async def library_for(workspace_id: int) -> Library:
        return shipped

    async with Database.open(path) as database:
        yield RoundService(database, library_for, clock)


@asynccontextmanager
async def scheduled(
    path: Path | str, clock: ManualClock, spec: ScheduleSpec | None = None
) -> AsyncIterator[tuple[RoundService, Scheduler, RecordingPresenter]]:
    """A round service with a daily 09:00 UTC schedule (or ``spec``) in channel C1, and its scheduler."""
    async with round_service(path, clock) as rounds:
        presenter = RecordingPresenter()
        await rounds.set_schedule(venue(), spec or daily(time(9, 0)), "admin")
        yield rounds, Scheduler(rounds, presenter, PLATFORM), presenter


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
