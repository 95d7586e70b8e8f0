"""A SQLite unit of work: the repositories, all acting on one connection's open transaction."""

from __future__ import annotations

from bot.store.sqlite.games import SqliteGames
from bot.store.sqlite.heartbeats import SqliteHeartbeats
from bot.store.sqlite.leaderboards import SqliteLeaderboards
from bot.store.sqlite.places import SqliteEvents, SqlitePlaces
from bot.store.sqlite.reports import SqliteReports
from bot.store.sqlite.rounds import SqliteRounds
from bot.store.sqlite.schedules import SqliteSchedules
from bot.store.sqlite.statements import Statements
from bot.store.sqlite.web import SqliteWeb
from bot.store.sqlite.workspaces import SqliteWorkspaces


class SqliteUnitOfWork:
    """Implements ``bot.store.interface.UnitOfWork``; the store begins and ends the transaction."""

    def __init__(self, db: Statements) -> None:
        self.games = SqliteGames(db)
        self.places = SqlitePlaces(db)
        self.events = SqliteEvents(db)
        self.rounds = SqliteRounds(db)
        self.schedules = SqliteSchedules(db)
        self.leaderboards = SqliteLeaderboards(db)
        self.workspaces = SqliteWorkspaces(db)
        self.reports = SqliteReports(db)
        self.heartbeats = SqliteHeartbeats(db)
        self.web = SqliteWeb(db)
