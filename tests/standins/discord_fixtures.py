"""pytest fixtures for the Discord stand-in.

Import them into a test module (they are not registered globally)::

    from tests.standins.discord_fixtures import discord_errors, discord_standin  # noqa: F401

``discord_errors`` fails the test if anything logged ERROR (or worse) on the ``discord``
logger: discord.py only *logs* exceptions raised in app commands, views, modals and event
handlers, so without it a crashing callback merely looks like a missing reply.
``discord_standin`` yields a started :class:`DiscordStandIn` and, on teardown, fails on calls
to routes the stand-in does not implement (clear ``unknown_requests`` if you expect some).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from .discord_server import DiscordStandIn


class DiscordErrorCollector(logging.Handler):
    """Collects ERROR+ records of the ``discord`` logger; ``allow()`` expected ones."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._allowed: list[re.Pattern[str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def allow(self, pattern: str) -> None:
        """Don't fail on errors whose message or traceback matches ``pattern`` (regex)."""
        self._allowed.append(re.compile(pattern))

    @staticmethod
    def describe(record: logging.LogRecord) -> str:
        text = f"{record.name}: {record.getMessage()}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        return text

    @property
    def unexpected(self) -> list[logging.LogRecord]:
        return [r for r in self.records if not any(p.search(self.describe(r)) for p in self._allowed)]

    def check(self) -> None:
        if self.unexpected:
            details = "\n\n".join(self.describe(r) for r in self.unexpected)
            pytest.fail(f"discord.py logged {len(self.unexpected)} error(s):\n{details}", pytrace=False)


@pytest.fixture
def discord_errors() -> Iterator[DiscordErrorCollector]:
    collector = DiscordErrorCollector()
    logger = logging.getLogger("discord")
    logger.addHandler(collector)
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
    collector.check()


@pytest_asyncio.fixture
async def discord_standin(discord_errors: DiscordErrorCollector) -> AsyncIterator[DiscordStandIn]:
    async with DiscordStandIn() as standin:
        yield standin
    standin.assert_no_unknown_routes()
