"""Fixtures for the Discord adapter's end-to-end tests (this folder only).

The stand-in's fixtures fail a test on errors logged by ``discord``; the adapter's own
background work (answer-count edits, game timers) logs under ``adapters.discord`` and
``bot``, so those loggers are watched the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.standins.discord_fixtures import (  # noqa: F401  (pytest fixtures)
    DiscordErrorCollector,
    discord_errors,
    discord_standin,
)


@pytest.fixture(autouse=True)
def adapter_errors() -> Iterator[DiscordErrorCollector]:
    collector = DiscordErrorCollector()
    loggers = [logging.getLogger(name) for name in ("adapters.discord", "bot")]
    for logger in loggers:
        logger.addHandler(collector)
    try:
        yield collector
    finally:
        for logger in loggers:
            logger.removeHandler(collector)
    collector.check()
