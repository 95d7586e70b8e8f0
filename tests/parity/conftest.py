"""The ``platform`` fixture: each parity scenario runs once per platform it applies to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.parity.discord_platform import DiscordPlatform, discord_platform
from tests.parity.drivers import Platform
from tests.parity.slack_platform import SlackPlatform, slack_platform
from tests.standins.slack_fixtures import slack_no_resource_warnings  # noqa: F401  (autouse here)

CHAT_PLATFORMS = ("discord", "slack")


@pytest_asyncio.fixture(params=CHAT_PLATFORMS)
async def platform(request: pytest.FixtureRequest, database_at: Path | str) -> AsyncIterator[Platform]:
    """The real bot of one chat platform, running against that platform's stand-in."""
    chosen: DiscordPlatform | SlackPlatform
    if request.param == "discord":
        async with discord_platform(database_at) as chosen:
            yield chosen
    else:
        async with slack_platform(database_at) as chosen:
            yield chosen


SLOW_COUNTER = 1.0  # seconds between two "N answered" redraws: wide enough that a burst is folded


@pytest_asyncio.fixture(params=CHAT_PLATFORMS)
async def slow_counter_platform(request: pytest.FixtureRequest, database_at: Path | str) -> AsyncIterator[Platform]:
    """As ``platform``, with answers within a second folded into one later redraw."""
    chosen: DiscordPlatform | SlackPlatform
    if request.param == "discord":
        async with discord_platform(database_at, counter_interval=SLOW_COUNTER) as chosen:
            yield chosen
    else:
        async with slack_platform(database_at, counter_interval=SLOW_COUNTER) as chosen:
            yield chosen
