"""The one composition root: every service built from (database, library, clock, presenters).

Every entry point (``rebuttal run discord``, ``rebuttal run slack``, ``rebuttal play``) and
every test harness builds the core here, so the services and their wiring exist once; the
adapters add only their platform's presenters and routing.

Lifetime. ``start`` re-arms the timers of games an earlier process left running and starts
the daily-round scheduler; ``close`` stops, in order, the scheduler, the game timers and the
presenters (whose answer counters may hold pending redraws). All of them read the database,
so ``close`` runs before the database itself closes, never after.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from bot.content.library import Library
from bot.games.runner import GameRunner, Presenter
from bot.games.service import GameService, utc_now
from bot.rounds.leaderboards import LeaderboardService
from bot.rounds.scheduler import RoundPresenter, Scheduler
from bot.rounds.service import POST_LEASE, RoundService
from bot.signin import SignIn
from bot.store.interface import Store
from bot.workspaces import WorkspaceService

# How long a process's claim to post a daily round (or its summary) lasts before another
# process may take the post over; for tests that kill a claimer and cannot wait two minutes.
POST_LEASE_VARIABLE = "REBUTTAL_POST_LEASE_SECONDS"


def post_lease_from(environment: Mapping[str, str]) -> timedelta:
    """``$REBUTTAL_POST_LEASE_SECONDS`` if set, else ``POST_LEASE``; ValueError naming the
    variable if it is not a positive number of seconds."""
    raw = environment.get(POST_LEASE_VARIABLE, "").strip()
    if not raw:
        return POST_LEASE
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"{POST_LEASE_VARIABLE} must be a number of seconds above 0, not {raw!r}")
    return timedelta(seconds=seconds)


class Site(Protocol):
    """The results web site served beside a chat bot (``rebuttal run … --web-port``). The
    entry point makes it (only it imports ``bot.web``); the adapter serves it on the bot's
    database and event loop and passes ``url`` to ``build_core`` for the sign-in links."""

    @property
    def url(self) -> str | None: ...

    def serving(self, database: Store, signin: SignIn) -> AbstractAsyncContextManager[object]: ...


class GamePresenter(Presenter, Protocol):
    async def close(self) -> None:
        """Stop pending work (answer-count redraws); called before the database closes."""


P = TypeVar("P", bound=GamePresenter, covariant=True)  # Core[DiscordPresenter] is a Core[GamePresenter]


@dataclass(frozen=True)
class Core(Generic[P]):
    games: GameService
    workspaces: WorkspaceService
    runner: GameRunner
    presenter: P  # the platform's own type, so its adapter can use what only it has
    rounds: RoundService
    scheduler: Scheduler  # posts and closes daily rounds; tests poke() it after moving the clock
    leaderboards: LeaderboardService
    signin: SignIn  # private links to the results web site (``link`` is None when none is served)

    async def start(self) -> int:
        """Re-arm the timers of games left running, post any game's step a crash left unposted,
        and start the scheduler (its first tick posts the daily rounds a restart left
        unposted); returns how many games were resumed."""
        resumed = await self.runner.resume_all()
        await self.runner.post_unposted()
        self.runner.start_sweeping()  # deadlines another process on the database armed and died holding
        self.scheduler.start()  # after anything that can fail, so a failed start leaves no task behind
        return resumed

    async def close(self) -> None:
        await self.scheduler.close()
        await self.runner.close()
        await self.presenter.close()


def build_core(
    database: Store,
    library: Library,
    *,
    platform: str,
    game_presenter: Callable[[GameService], P],
    round_presenter: Callable[[RoundService], RoundPresenter],
    clock: Callable[[], datetime] = utc_now,
    web_url: str | None = None,
    post_lease: timedelta | None = None,
) -> Core[P]:
    """Every service on ``database``. Games and daily rounds share ``clock``, so a test moves
    both with one hand; the scheduler runs only ``platform``'s schedules (a bot of another
    platform on the same database posts its own). ``web_url`` is where the results web site
    is served: ``/debate results`` sends sign-in links to it (none when it is None).
    ``post_lease`` is how long a claim to post a round lasts (default: from the environment)."""
    games = GameService(database, clock)
    workspaces = WorkspaceService(database, library, clock)
    # Daily rounds use the workspace's library: shipped debates plus those imported there.
    lease = post_lease if post_lease is not None else post_lease_from(os.environ)
    rounds = RoundService(database, workspaces.library, clock, lease=lease)
    presenter = game_presenter(games)
    scheduler = Scheduler(rounds, round_presenter(rounds), platform)
    return Core(
        games=games,
        workspaces=workspaces,
        runner=GameRunner(games, presenter),
        presenter=presenter,
        rounds=rounds,
        scheduler=scheduler,
        leaderboards=LeaderboardService(database, clock),
        signin=SignIn(database, web_url, clock),
    )
