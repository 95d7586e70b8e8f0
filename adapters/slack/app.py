"""Building the Slack bot in one place, for ``entry.run`` and for tests over both transports.

``build_app`` returns the bolt ``AsyncApp`` with every listener registered, plus the
services behind it. The same app serves HTTP (``app.web_app()``, requests verified with the
signing secret by bolt's middleware) and Socket Mode (``AsyncSocketModeHandler``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.content.library import Library, load_library
from bot.games.runner import GameRunner
from bot.games.service import GameService, utc_now
from bot.rounds.leaderboards import LeaderboardService
from bot.rounds.scheduler import Scheduler
from bot.rounds.service import RoundService
from bot.store.database import Database
from bot.workspaces import WorkspaceService

from . import commands, importing, interactions, results, round_interactions
from .context import PLATFORM, SlackGames, random_seed
from .presenter import SlackPresenter
from .round_presenter import SlackRoundPresenter

log = logging.getLogger(__name__)


@dataclass
class SlackBot:
    app: AsyncApp
    games: SlackGames

    async def resume(self) -> int:
        """Re-arm the timers of games left running by an earlier process and start the daily
        rounds' scheduler (its first tick posts what a restart left unposted); returns how
        many games."""
        resumed = await self.games.runner.resume_all()
        self.games.scheduler.start()  # after anything that can fail, so a failed start leaves no task behind
        return resumed

    async def close(self) -> None:
        # The scheduler first: its tick uses the database, which the caller closes next.
        await self.games.scheduler.close()
        await self.games.runner.close()
        await self.games.presenter.close()


def build_app(
    database: Database,
    client: AsyncWebClient,
    *,
    signing_secret: str = "",
    shipped: Library | None = None,
    count_interval: float = 2.0,
    seed: Callable[[], int] = random_seed,
    clock: Callable[[], datetime] = utc_now,
) -> SlackBot:
    """The bot, talking to Slack through ``client`` and keeping everything in ``database``.

    ``signing_secret`` verifies HTTP requests; Socket Mode needs none (bolt skips the check).
    """
    service = GameService(database, clock)
    presenter = SlackPresenter(service, client, count_interval)
    workspaces = WorkspaceService(database, shipped if shipped is not None else load_library(), clock)
    # Daily rounds use the same clock as games, and the workspace's library (shipped plus imported).
    rounds = RoundService(database, workspaces.library, clock)
    games = SlackGames(
        service=service,
        workspaces=workspaces,
        runner=GameRunner(service, presenter),
        presenter=presenter,
        client=client,
        rounds=rounds,
        scheduler=Scheduler(rounds, SlackRoundPresenter(rounds, client), PLATFORM),
        leaderboards=LeaderboardService(database, clock),
        seed=seed,
    )
    app = AsyncApp(client=client, signing_secret=signing_secret)
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
