"""Leaderboards of daily rounds, seasons and opting out of them: one transaction per call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.games.service import utc_now
from bot.rounds.summary import Period, week_start
from bot.store import leaderboards, rounds, schedules
from bot.store.database import Database
from bot.store.leaderboards import Season, Standing
from bot.store.rounds import Round


@dataclass(frozen=True)
class Leaderboard:
    period: Period
    standings: list[Standing]
    season: Season
    since: datetime | None
    round: Round | None = None


class LeaderboardService:
    def __init__(self, database: Database, clock: Callable[[], datetime] = utc_now) -> None:
        self.database = database
        self.clock = clock

    async def leaderboard(self, workspace_id: int, period: Period, channel_ref: str | None) -> Leaderboard:
        """Standings for ``period``, as seen from a channel (its schedule's zone sets the week)."""
        now = self.clock()
        async with self.database.transaction() as db:
            season = await leaderboards.current_season(db, workspace_id)
            here = await schedules.schedule_in(db, workspace_id, channel_ref) if channel_ref else None
            zone = here.spec.timing.zone if here else "UTC"
            if period is Period.ROUND:
                latest = await rounds.latest_round_in(db, workspace_id, channel_ref if here else None)
                rows = await leaderboards.standings(db, workspace_id, round_id=latest.id) if latest else []
                return Leaderboard(period, rows, season, latest.scheduled_for if latest else None, latest)
            since = {Period.WEEK: week_start(now, zone), Period.SEASON: season.started_at, Period.ALL: None}[period]
            rows = await leaderboards.standings(db, workspace_id, since=since)
        return Leaderboard(period, rows, season, since)

    async def set_opted_out(self, workspace_id: int, user_id: str, opted_out: bool) -> None:
        async with self.database.transaction() as db:
            await leaderboards.set_opted_out(db, workspace_id, user_id, opted_out, self.clock())

    async def new_season(self, workspace_id: int, by: str) -> Season:
        async with self.database.transaction() as db:
            return await leaderboards.start_season(db, workspace_id, by, self.clock())
