"""A PostgreSQL unit of work: the repositories, all acting in one connection's open transaction."""

from __future__ import annotations

from bot.store.postgres.games import PostgresGames
from bot.store.postgres.heartbeats import PostgresHeartbeats
from bot.store.postgres.leaderboards import PostgresLeaderboards
from bot.store.postgres.places import PostgresEvents, PostgresPlaces
from bot.store.postgres.reports import PostgresReports
from bot.store.postgres.rounds import PostgresRounds
from bot.store.postgres.rows import Connection
from bot.store.postgres.schedules import PostgresSchedules
from bot.store.postgres.workspaces import PostgresWorkspaces


class PostgresUnitOfWork:
    """Implements ``bot.store.interface.UnitOfWork``; the store begins and ends the transaction."""

    def __init__(self, db: Connection, *, writing: bool) -> None:
        self.games = PostgresGames(db, writing=writing)
        self.places = PostgresPlaces(db, writing=writing)
        self.events = PostgresEvents(db, writing=writing)
        self.rounds = PostgresRounds(db, writing=writing)
        self.schedules = PostgresSchedules(db, writing=writing)
        self.leaderboards = PostgresLeaderboards(db, writing=writing)
        self.workspaces = PostgresWorkspaces(db, writing=writing)
        self.reports = PostgresReports(db, writing=writing)
        self.heartbeats = PostgresHeartbeats(db, writing=writing)
