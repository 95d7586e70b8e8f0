"""Fixtures shared by every test folder."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engines import ENGINES, PostgresForTests, postgres_for_tests
from tests.log_capture import all_logs  # noqa: F401  (pytest finds fixtures by name)


@pytest.fixture(autouse=True)
def root_logging_restored() -> Iterator[None]:
    """Each test leaves the root logger as it found it. Entry points run in-process call
    ``logging.basicConfig``, which binds a handler to the ``sys.stderr`` of that moment: pytest's
    capture of that one test. Left in place, every later log line went to a closed file
    ("--- Logging error --- ValueError: I/O operation on closed file" at the end of a run)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresForTests]:
    """One PostgreSQL server for the whole session, started on first use."""
    with postgres_for_tests() as server:
        yield server


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each test that asks for a database runs once per store engine."""
    return str(request.param)


@pytest.fixture
def database_at(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path | str]:
    """Where the test's database lives, for ``open_store``: a new SQLite file, or the URL of a
    new PostgreSQL database (dropped afterwards). Opening it twice gives two stores on one
    database, as two processes have."""
    if engine == "sqlite":
        yield tmp_path / "game.db"
        return
    server: PostgresForTests = request.getfixturevalue("postgres_server")
    url = server.create()
    yield url
    server.drop(url)
