"""Both store engines for the tests: a SQLite file, or a fresh PostgreSQL database.

PostgreSQL comes from ``$REBUTTAL_TEST_DATABASE_URL`` when set (a role that may CREATE
DATABASE), else from the ``pgserver`` package: real PostgreSQL binaries from PyPI, started
once per test session in a temporary directory (as root it runs the server as a system user
``pgserver``, which it creates). Each test gets its own database, copied from a migrated
template (``CREATE DATABASE … TEMPLATE`` copies files: far faster than migrating each time).
The admin work runs on a private event loop in a thread, so synchronous fixtures can use it
beside the tests' own loops.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import tempfile
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import asyncpg

from bot.store.postgres.store import PostgresStore

ENGINES = ("sqlite", "postgresql")
TEST_DATABASE_URL_VARIABLE = "REBUTTAL_TEST_DATABASE_URL"
T = TypeVar("T")


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` instead (host, port, user and options kept)."""
    return urlsplit(url)._replace(path=f"/{name}").geturl()


class PostgresForTests:
    """Creates and drops the tests' databases on one server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self._prefix = f"rebuttal_test_{os.getpid()}"
        self._numbers = itertools.count(1)
        self._template: str | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="postgres-admin", daemon=True)
        self._thread.start()

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=120)

    async def _admin(self, *statements: str) -> None:
        connection = await asyncpg.connect(self.admin_url)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    async def _make_template(self) -> str:
        name = f"{self._prefix}_template"
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
        async with PostgresStore.open(with_database(self.admin_url, name), pool_size=1):
            pass  # migrated
        return name

    def skip_flushes(self) -> None:
        """A throwaway server needs no durability: commits stop waiting for the disk (they were
        most of the PostgreSQL tests' time on a busy machine). Only for our own pgserver."""
        self._run(
            self._admin(
                "ALTER SYSTEM SET fsync = off",
                "ALTER SYSTEM SET synchronous_commit = off",
                "ALTER SYSTEM SET full_page_writes = off",
                "SELECT pg_reload_conf()",
            )
        )

    def create(self) -> str:
        """A new, migrated, empty database; returns its URL."""
        if self._template is None:
            self._template = self._run(self._make_template())
        name = f"{self._prefix}_{next(self._numbers)}"
        self._run(self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"'))
        return with_database(self.admin_url, name)

    def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        self._run(self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        if self._template is not None:
            self._run(self._admin(f'DROP DATABASE IF EXISTS "{self._template}" WITH (FORCE)'))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@contextmanager
def postgres_for_tests() -> Iterator[PostgresForTests]:
    """The session's PostgreSQL: ``$REBUTTAL_TEST_DATABASE_URL``, or a pgserver of our own."""
    url = os.environ.get(TEST_DATABASE_URL_VARIABLE, "").strip()
    if url:
        server = PostgresForTests(url)
        try:
            yield server
        finally:
            server.close()
        return
    from pgserver.postgres_server import get_server  # a dev dependency: PostgreSQL in a wheel

    data = Path(tempfile.mkdtemp(prefix="rebuttal-pg-"))
    postgres = get_server(data, cleanup_mode="stop")
    server = PostgresForTests(postgres.get_uri())
    try:
        server.skip_flushes()
        yield server
    finally:
        server.close()
        postgres.cleanup()
        shutil.rmtree(data, ignore_errors=True)


def database_option(location: Path | str) -> list[str]:
    """The command-line option that names ``location``: ``--database-url`` or ``--db``."""
    return ["--database-url", location] if isinstance(location, str) else ["--db", str(location)]
