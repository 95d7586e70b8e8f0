"""The ``platform`` fixture: each parity scenario runs once per platform it applies to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.parity.console_platform import ConsolePlatform
from tests.parity.discord_platform import DiscordPlatform, discord_platform
from tests.parity.drivers import Platform
from tests.parity.slack_platform import SlackPlatform, slack_platform
from tests.standins.slack_fixtures import slack_no_resource_warnings  # noqa: F401  (autouse here)

CHAT_PLATFORMS = ("discord", "slack")


@pytest_asyncio.fixture(params=CHAT_PLATFORMS)
async def platform(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Platform]:
    """The real bot of one chat platform, running against that platform's stand-in."""
    chosen: DiscordPlatform | SlackPlatform
    if request.param == "discord":
        async with discord_platform(tmp_path / "game.db") as chosen:
            yield chosen
    else:
        async with slack_platform(tmp_path / "game.db") as chosen:
            yield chosen


@pytest.fixture(params=("console", *CHAT_PLATFORMS))
def platform_name(request: pytest.FixtureRequest) -> str:
    """For the solo scenarios, which also run in the terminal."""
    name: str = request.param
    return name


def console(tmp_path: Path) -> ConsolePlatform:
    return ConsolePlatform(tmp_path / "game.db")
