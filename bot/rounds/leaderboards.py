"""Leaderboards of daily rounds, seasons and opting out of them: one transaction per call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.games.service import utc_now
from bot.rounds.summary import Period, week_start
from bot.store.interface import Store
from bot.store.records import Round, Season, Standing


@dataclass(frozen=True)
class Leaderboard:
    period: Period
    standings: list[Standing]
    season: Season
    since: datetime | None
    round: Round | None = None


class LeaderboardService:
    def __init__(self, database: Store, clock: Callable[[], datetime] = utc_now) -> None:
        self.database = database
        self.clock = clock

    async def leaderboard(self, workspace_id: int, period: Period, channel_ref: str | None) -> Leaderboard:
        """Standings for ``period``, as seen from a channel (its schedule's zone sets the week)."""
        now = self.clock()
        async with self.database.read() as uow:
            season = await uow.leaderboards.current_season(workspace_id)
            here = await uow.schedules.in_channel(workspace_id, channel_ref) if channel_ref else None
            zone = here.spec.timing.zone if here else "UTC"
            if period is Period.ROUND:
                latest = await uow.rounds.latest_in(workspace_id, channel_ref if here else None)
                rows = await uow.leaderboards.standings(workspace_id, round_id=latest.id) if latest else []
                return Leaderboard(period, rows, season, latest.scheduled_for if latest else None, latest)
            since = {Period.WEEK: week_start(now, zone), Period.SEASON: season.started_at, Period.ALL: None}[period]
            rows = await uow.leaderboards.standings(workspace_id, since=since)
        return Leaderboard(period, rows, season, since)

    async def set_opted_out(self, workspace_id: int, user_id: str, opted_out: bool) -> None:
        async with self.database.write() as uow:
            await uow.leaderboards.set_opted_out(workspace_id, user_id, opted_out, self.clock())

    async def new_season(self, workspace_id: int, by: str) -> Season:
        async with self.database.write() as uow:
            return await uow.leaderboards.start_season(workspace_id, by, self.clock())
