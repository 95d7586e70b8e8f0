"""A results site on a real SQLite file and a real loopback server, with played games."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.games.service import GameService
from bot.signin import SignIn
from bot.store.database import Database
from bot.store.records import GameRef
from bot.web.app import build_site
from tests.engine.helpers import ManualClock
from tests.reports.classroom import play_classroom


@dataclass
class Site:
    database: Database
    signin: SignIn
    clock: ManualClock
    client: TestClient[web.Request, web.Application]
    game: GameRef  # the classroom game, in workspace ("test", "school")
    elsewhere: GameRef  # a game of another workspace

    async def link_path(self, workspace_id: int | None = None) -> str:
        """A sign-in link's path and query, as /debate results would send it."""
        link = await self.signin.link(self.game.workspace_id if workspace_id is None else workspace_id)
        assert link is not None
        return link.removeprefix(self.signin.base_url or "")

    async def sign_in(self) -> None:
        response = await self.client.get(await self.link_path(), allow_redirects=False)
        assert response.status == 303, await response.text()


@asynccontextmanager
async def running_site(folder: Path, *, base_url: str = "http://127.0.0.1") -> AsyncIterator[Site]:
    clock = ManualClock()
    async with Database.open(folder / "site.db") as database:
        games = GameService(database, clock)
        game = await play_classroom(games, clock)
        other = await _game_elsewhere(games, clock)
        signin = SignIn(database, base_url, clock, environ={})
        client = TestClient(TestServer(build_site(database, signin), host="127.0.0.1"))
        await client.start_server()
        try:
            yield Site(database, signin, clock, client, game, other)
        finally:
            await client.close()


async def _game_elsewhere(games: GameService, clock: ManualClock) -> GameRef:
    from bot.engine.state import GameSettings
    from bot.identity import Player, Venue
    from tests.engine.helpers import sample_pack

    ref, _ = await games.start_game(
        Venue("test", "other-school", "room-1"),
        Player("test", "other-school", "t"),
        "T",
        sample_pack(),
        GameSettings(),
        3,
    )
    return ref
