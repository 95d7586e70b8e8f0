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
from bot.store.postgres.turns import Turn
from bot.store.postgres.web import PostgresWeb
from bot.store.postgres.workspaces import PostgresWorkspaces


class PostgresUnitOfWork:
    """Implements ``bot.store.interface.UnitOfWork``; the store begins and ends the transaction."""

    def __init__(self, db: Connection, *, writing: bool, turn: Turn | None = None) -> None:
        self.games = PostgresGames(db, writing=writing, turn=turn)
        self.places = PostgresPlaces(db, writing=writing, turn=turn)
        self.events = PostgresEvents(db, writing=writing, turn=turn)
        self.rounds = PostgresRounds(db, writing=writing, turn=turn)
        self.schedules = PostgresSchedules(db, writing=writing, turn=turn)
        self.leaderboards = PostgresLeaderboards(db, writing=writing, turn=turn)
        self.workspaces = PostgresWorkspaces(db, writing=writing, turn=turn)
        self.reports = PostgresReports(db, writing=writing, turn=turn)
        self.heartbeats = PostgresHeartbeats(db, writing=writing, turn=turn)
        self.web = PostgresWeb(db, writing=writing, turn=turn)
