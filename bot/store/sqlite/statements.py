"""A unit of work's statements, sent to the connection's thread in as few trips as possible.

Theory of operation. aiosqlite runs every call on the connection's own thread: the statement
is queued to that thread, and the event loop learns of its result on a later turn. SQLite
runs a hot-path statement in a few microseconds, but under a burst each trip costs far more
than that: the thread waits for the GIL while the loop runs other clicks' Python, and the
result waits for a turn of the busy loop (measured in a Discord burst: 0.17 ms a trip at the
median, 1 ms at p90, against 0.04 ms of SQL). A group-commit batch was seven trips.

So a write whose result nobody needs (``later``) is not sent on its own: it is queued here
and goes to the thread with the next statement that must answer (a read, a ``RETURNING``, a
row count, ``COMMIT``), all in one trip, in the order they were issued. Every statement of a
unit of work goes through this object, so that order is the order SQLite runs them in; a
failure in any of them fails the trip that carried it, and the unit of work is rolled back
as before. A queued write that has not been sent when the unit of work ends in error is
simply dropped with it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import aiosqlite

Parameters = Sequence[object]
Result = TypeVar("Result")


@dataclass(frozen=True)
class Executed:
    """What a statement that returns no rows reports back."""

    rowcount: int
    lastrowid: int | None


class Statements:
    """One connection's statements (the subset of aiosqlite's ``Connection`` the repositories
    use), each awaited call carrying the writes queued before it in the same trip."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        self._queued: list[Callable[[sqlite3.Connection], object]] = []

    def later(self, sql: str, parameters: Parameters = ()) -> None:
        """Queue a write whose result is not needed; it runs before the next awaited statement."""
        self._queued.append(lambda db: db.execute(sql, parameters))

    def later_many(self, sql: str, rows: Iterable[Parameters]) -> None:
        rows = list(rows)
        if rows:  # an empty executemany does nothing; don't queue it
            self._queued.append(lambda db: db.executemany(sql, rows))

    def later_call(self, work: Callable[[sqlite3.Connection], object]) -> None:
        """Queue a few statements whose choice depends on each other's results (run on the
        connection's thread, with the sqlite3 connection); keep ``work`` to SQL and arithmetic."""
        self._queued.append(work)

    async def execute(self, sql: str, parameters: Parameters = ()) -> Executed:
        def run(db: sqlite3.Connection) -> Executed:
            cursor = db.execute(sql, parameters)
            return Executed(cursor.rowcount, cursor.lastrowid)

        return await self.call(run)

    async def executemany(self, sql: str, rows: Iterable[Parameters]) -> Executed:
        rows = list(rows)

        def run(db: sqlite3.Connection) -> Executed:
            cursor = db.executemany(sql, rows)
            return Executed(cursor.rowcount, cursor.lastrowid)

        return await self.call(run)

    async def execute_fetchall(self, sql: str, parameters: Parameters = ()) -> list[sqlite3.Row]:
        return await self.call(lambda db: db.execute(sql, parameters).fetchall())

    def discard(self) -> None:
        """Drop the writes not yet sent (their unit of work is being rolled back)."""
        self._queued.clear()

    async def call(self, work: Callable[[sqlite3.Connection], Result]) -> Result:
        """Run the queued writes and then ``work``, in one trip to the connection's thread."""
        queued, self._queued = self._queued, []

        def trip(db: sqlite3.Connection) -> Result:
            for write in queued:
                write(db)
            return work(db)

        return await _on_connection_thread(self.connection, trip)


async def _on_connection_thread(
    connection: aiosqlite.Connection, work: Callable[[sqlite3.Connection], Result]
) -> Result:
    # aiosqlite has no public call that runs several statements in one trip. ``_execute`` is
    # the method every one of its public calls goes through (queue the function to the
    # connection's thread, await its result); ``_conn`` is the sqlite3 connection that thread
    # owns, only ever used inside ``work``, on that thread. tests/store/test_statements.py
    # fails if an aiosqlite release changes either.
    database: Any = connection
    result: Result = await database._execute(work, database._conn)
    return result
