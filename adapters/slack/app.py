"""Building the Slack bot in one place, for ``entry.run`` and for tests over both transports.

``build_app`` returns the bolt ``AsyncApp`` with every listener registered, plus the
services behind it. The same app serves HTTP (``entry.serve_http``: each request checked,
parsed once and dispatched; bolt's middleware checks the signature again) and Socket Mode
(``AsyncSocketModeHandler``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.composition import build_core
from bot.content.library import Library, load_library
from bot.games.service import utc_now
from bot.store.interface import Store

from . import commands, importing, interactions, results, round_interactions
from .context import PLATFORM, SlackGames, random_seed, stamp_arrival
from .presenter import SlackPresenter
from .round_presenter import SlackRoundPresenter

log = logging.getLogger(__name__)


@dataclass
class SlackBot:
    app: AsyncApp
    games: SlackGames

    async def resume(self) -> int:
        """Re-arm running games' timers and start the daily rounds (``Core.start``)."""
        return await self.games.core.start()

    async def finish_in_flight(self, timeout: float) -> int:
        """Let listener work under way finish (at most ``timeout`` s); how many did not."""
        return await self.games.in_flight.finish(timeout)

    async def close(self) -> None:
        """Stop the scheduler, timers and redraws; the caller closes the database next."""
        await self.games.core.close()


def build_app(
    database: Store,
    client: AsyncWebClient,
    *,
    signing_secret: str = "",
    shipped: Library | None = None,
    count_interval: float = 2.0,
    seed: Callable[[], int] = random_seed,
    clock: Callable[[], datetime] = utc_now,
    web_url: str | None = None,
) -> SlackBot:
    """The bot, talking to Slack through ``client`` and keeping everything in ``database``.

    ``signing_secret`` verifies HTTP requests; Socket Mode needs none (bolt skips the check).
    """
    core = build_core(
        database,
        shipped if shipped is not None else load_library(),
        platform=PLATFORM,
        game_presenter=lambda games: SlackPresenter(games, client, count_interval),
        round_presenter=lambda rounds: SlackRoundPresenter(rounds, client),
        clock=clock,
        web_url=web_url,
    )
    games = SlackGames(core=core, client=client, seed=seed)
    app = AsyncApp(client=client, signing_secret=signing_secret)
    app.middleware(stamp_arrival)
    commands.register(app, games)
    interactions.register(app, games)
    importing.register(app, games)
    results.register(app, games)
    round_interactions.register(app, games)

    @app.error
    async def log_failure(error: Exception, body: dict[str, Any]) -> None:
        # The request was acknowledged already; the failure is logged with what was asked.
        log.error("handling a Slack request failed (type %s)", body.get("type") or body.get("command"), exc_info=error)

    return SlackBot(app, games)
