"""The SQLite store: WAL, foreign keys, migrations, one writer, a few readers.

Theory of operation. One writer connection takes every write unit of work in a
``BEGIN IMMEDIATE`` transaction under an asyncio lock, so a command sees and leaves a
consistent game and a reply goes out only after ``COMMIT`` returned; ``BEGIN IMMEDIATE``
also serialises writers in other processes on the same file (they wait up to
``BUSY_TIMEOUT_MS``). Read units of work run on separate reader connections (a small pool,
``query_only``) in deferred transactions: under WAL each sees the snapshot committed when it
first reads, never another coroutine's uncommitted rows, and neither waits for the writer nor
makes it wait. WAL with ``synchronous=NORMAL``: a commit survives the process being killed
(SIGKILL included); an operating-system crash or power cut can lose the last moments of commits.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.store.records import BackupFailed
from bot.store.sqlite.migrations import MIGRATIONS
from bot.store.sqlite.statements import Statements
from bot.store.sqlite.unit_of_work import SqliteUnitOfWork

BUSY_TIMEOUT_MS = 5000
READERS = 2  # reads are short; two let a slow report run beside the hot path


async def _connect(path: str, *, reader: bool) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    try:
        connection.row_factory = aiosqlite.Row
        # Constant pragmas only: nothing from outside is ever formatted into SQL.
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if reader:
            await connection.execute("PRAGMA query_only = ON")
        else:
            await connection.execute("PRAGMA journal_mode = WAL")
            await connection.execute("PRAGMA synchronous = NORMAL")
            await connection.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        await connection.close()
        raise
    return connection


class SqliteStore:
    """Implements ``bot.store.interface.Store`` on one SQLite file."""

    def __init__(self, writer: aiosqlite.Connection, readers: list[aiosqlite.Connection]) -> None:
        self._writer = writer
        self._write_lock = asyncio.Lock()
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for reader in readers:
            self._readers.put_nowait(reader)
        self._shared_reads = not readers  # ":memory:" has no second connection to read from

    @classmethod
    @asynccontextmanager
    async def open(cls, path: Path | str, readers: int = READERS) -> AsyncIterator[SqliteStore]:
        """Open (creating and migrating if needed) the database at ``path``."""
        memory = str(path) == ":memory:"
        if not memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        opened = [await _connect(str(path), reader=False)]
        try:
            await migrate(opened[0])
            for _ in range(0 if memory else readers):
                opened.append(await _connect(str(path), reader=True))
            yield cls(opened[0], opened[1:])
        finally:
            for connection in reversed(opened):
                await connection.close()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqliteUnitOfWork]:
        """One atomic unit of work: committed if the block returns, rolled back if it raises."""
        async with self._write_lock:
            statements = Statements(self._writer)
            # BEGIN goes to the connection's thread with the unit of work's first statement, and
            # its last writes with the COMMIT: one trip each instead of one per statement.
            statements.later("BEGIN IMMEDIATE")
            try:
                yield SqliteUnitOfWork(statements)
                await statements.execute("COMMIT")
            except BaseException:
                statements.discard()
                await _rollback(self._writer)
                raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqliteUnitOfWork]:
        """A read-only snapshot of committed data, on a reader connection (no write lock)."""
        if self._shared_reads:
            async with self.write() as uow:
                yield uow
            return
        connection = await self._readers.get()
        try:
            try:
                statements = Statements(connection)
                statements.later("BEGIN DEFERRED")  # sent with the first read
                yield SqliteUnitOfWork(statements)
            finally:
                # Ends the snapshot however the block ended; a reader has nothing to keep.
                await _rollback(connection)
        finally:
            self._readers.put_nowait(connection)

    async def schema_version(self) -> int:
        return await schema_version(self._writer)

    async def backup(self, destination: Path) -> None:
        """Write a consistent copy of the whole database to ``destination`` (a new file) with
        SQLite's online backup API, while other connections and processes go on writing.

        Copying the file itself is not a backup: in WAL mode recent commits live in the
        ``-wal`` file beside it. The backup reads one snapshot of everything committed (on a
        reader connection, so writers are not held up), is written to a temporary file beside
        ``destination``, turned into a single self-contained file (rollback journal, not
        WAL), checked, and only then renamed into place; a failed backup leaves nothing."""
        if destination.exists():
            raise FileExistsError(f"{destination} already exists; choose a new name (a backup never overwrites)")
        partial = destination.with_name(f".{destination.name}.partial")
        partial.unlink(missing_ok=True)
        # The copy is written from the reader's thread (aiosqlite), so it may not be tied to ours.
        target = sqlite3.connect(partial, check_same_thread=False)
        try:
            async with self._reader() as source:
                await source.backup(target)
            await asyncio.to_thread(_seal, target)
        except sqlite3.Error as error:
            target.close()
            partial.unlink(missing_ok=True)
            raise BackupFailed(str(error)) from error
        except BaseException:
            target.close()
            partial.unlink(missing_ok=True)
            raise
        target.close()
        partial.replace(destination)

    @asynccontextmanager
    async def _reader(self) -> AsyncIterator[aiosqlite.Connection]:
        if self._shared_reads:
            async with self._write_lock:
                yield self._writer
            return
        connection = await self._readers.get()
        try:
            yield connection
        finally:
            self._readers.put_nowait(connection)


def _seal(copy: sqlite3.Connection) -> None:
    """Make a fresh copy one self-contained file, check it, and flush it to disk."""
    copy.execute("PRAGMA journal_mode = DELETE")
    problems = [row[0] for row in copy.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise BackupFailed(f"the copy failed its check: {'; '.join(problems[:3])}")
    copy.commit()


async def _rollback(connection: aiosqlite.Connection) -> None:
    """End whatever transaction the connection is in. A statement is queued on the connection's
    thread before its await can be cancelled, so a BEGIN whose caller was cancelled still runs;
    this ROLLBACK, queued after it, ends it before anyone else uses the connection."""
    with contextlib.suppress(sqlite3.OperationalError):  # no transaction was open (BEGIN failed)
        await connection.execute("ROLLBACK")


async def schema_version(connection: aiosqlite.Connection) -> int:
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(connection: aiosqlite.Connection) -> None:
    """Apply the migrations a file lacks, each with its version bump in one transaction."""
    version = await schema_version(connection)
    if version > len(MIGRATIONS):
        raise RuntimeError(
            f"the database is at schema version {version}, newer than this program "
            f"({len(MIGRATIONS)}); upgrade Rebuttal"
        )
    rewritten = 0
    for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        if isinstance(migration, str):
            # executescript commits on its own, so the version bump rides in the same script.
            await connection.executescript(f"BEGIN IMMEDIATE;\n{migration}\nPRAGMA user_version = {number};\nCOMMIT;")
            continue
        await connection.execute("BEGIN IMMEDIATE")
        try:
            rewritten += await migration(connection)
            await connection.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            await _rollback(connection)
            raise
        await connection.execute("COMMIT")
    if rewritten:
        # Rows rewritten smaller leave free pages the file keeps; give them back once (best
        # effort: another process holding the file open may make it busy, and then the free
        # pages are simply reused by new games).
        with contextlib.suppress(sqlite3.OperationalError):
            await connection.execute("VACUUM")
