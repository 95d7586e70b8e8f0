"""Opening the store: one factory for every entry point, which picks the engine.

``open_store(location)`` opens PostgreSQL for a ``postgresql://`` (or ``postgres://``) URL and
the SQLite file at any other location (a path, or ``:memory:``); either way it migrates the
schema and yields a ``bot.store.interface.Store``. ``bot.store.location.database_location``
says which location a command means (``--database-url``, ``$REBUTTAL_DATABASE_URL``, ``--db``,
``$REBUTTAL_DB``, the user data directory).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.store.interface import Store
from bot.store.location import is_database_url


@asynccontextmanager
async def open_store(location: Path | str) -> AsyncIterator[Store]:
    """The store at ``location``, migrated, open for the block."""
    if isinstance(location, str) and is_database_url(location):
        # Imported here: a SQLite deployment never loads the PostgreSQL driver.
        from bot.store.postgres.store import PostgresStore

        async with PostgresStore.open(location) as postgres:
            yield postgres
    else:
        from bot.store.sqlite.store import SqliteStore

        async with SqliteStore.open(location) as sqlite:
            yield sqlite


class Database:
    """``Database.open(location)``: the name entry points and tests used before PostgreSQL;
    the same factory as ``open_store``."""

    open = staticmethod(open_store)


__all__ = ["Database", "Store", "open_store"]
