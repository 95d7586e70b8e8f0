"""Server-side render time of the results site's game page for a big game, against a bare
aiohttp handler returning a static page of the same size, both over loopback in the same run.

    .venv/bin/python benchmarks/web_game_page.py --players 500 --repeats 30

The game is played through the real service on a real SQLite file (every student answers
every question; stances and predictions vary), then the page is fetched ``--repeats`` times
with a signed-in session. Target: median under 300 ms for 500 players.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.engine.commands import Advanced, PlayerAnswered
from bot.engine.script import StepKind
from bot.engine.state import GameSettings, Phase, Status
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.signin import SignIn
from bot.store.database import Database
from bot.store.records import GameRef
from bot.web.app import build_site
from tests.engine.helpers import ManualClock, sample_pack


async def play_big_game(service: GameService, clock: ManualClock, players: int) -> GameRef:
    ref, _ = await service.start_game(
        Venue("bench", "school", "hall"),
        Player("bench", "school", "teacher"),
        "Teacher",
        sample_pack(),
        GameSettings(),
        7,
        channel_name="assembly-hall",
    )
    while (state := await service.load(ref)).status is not Status.ENDED:
        step = state.current
        if state.phase is Phase.OPEN:
            for number in range(players):
                if step.kind is StepKind.PREDICT:
                    right = step.correct_option or 0
                    option = right if number % 3 else (right + 1 + number % 2) % len(step.options)
                else:
                    option = (number + step.index) % len(step.options)
                answer = PlayerAnswered(
                    f"u{number:04d}", f"Student name {number}", step.index, option, clock.tick(0.01)
                )
                await service.handle(ref, answer)
        await service.handle(ref, Advanced("teacher", False, clock.tick()))
    return ref


async def timed_gets(client: TestClient, path: str, repeats: int) -> tuple[list[float], int]:
    times, size = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        response = await client.get(path)
        body = await response.read()
        times.append(time.perf_counter() - started)
        assert response.status == 200, (path, response.status)
        size = len(body)
    return times, size


async def main(players: int, repeats: int, kept: Path | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = ManualClock()
        path = kept or Path(folder) / "bench.db"
        reuse = path.exists()
        async with Database.open(path) as database:
            started = time.perf_counter()
            if reuse:  # a game an earlier run played (--keep): the newest
                async with database.read() as uow:
                    workspace = await uow.games.find_workspace("bench", "school")
                    assert workspace is not None, f"{path} holds no benchmark game"
                    ref = (await uow.web.games(workspace))[0].ref
            else:
                ref = await play_big_game(GameService(database, clock), clock, players)
                print(f"played a {players}-player game in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            signin = SignIn(database, "http://127.0.0.1", clock, environ={})
            site = TestClient(TestServer(build_site(database, signin), host="127.0.0.1"))
            await site.start_server()
            try:
                link = await signin.link(ref.workspace_id)
                assert link is not None
                await site.get(link.removeprefix("http://127.0.0.1"), allow_redirects=False)
                path = f"/games/{ref.game_id}"
                await timed_gets(site, path, 2)  # warm-up: templates compiled, packs cached
                page_times, size = await timed_gets(site, path, repeats)
            finally:
                await site.close()

    static_body = b"x" * size

    async def bare(request: web.Request) -> web.Response:
        return web.Response(body=static_body, content_type="text/html")

    bare_app = web.Application()
    bare_app.router.add_get("/", bare)
    baseline = TestClient(TestServer(bare_app, host="127.0.0.1"))
    await baseline.start_server()
    try:
        await timed_gets(baseline, "/", 2)
        bare_times, _ = await timed_gets(baseline, "/", repeats)
    finally:
        await baseline.close()

    page, plain = statistics.median(page_times), statistics.median(bare_times)
    print(f"game page, {players} players: {size / 1024:.0f} KiB")
    print(f"game page median {page * 1000:.1f} ms (p90 {sorted(page_times)[int(0.9 * repeats)] * 1000:.1f} ms)")
    print(f"bare static page of the same size median {plain * 1000:.2f} ms")
    print(f"ratio page/bare {page / plain:.0f}x; target: median < 300 ms -> {'met' if page < 0.3 else 'NOT met'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="keep the played game in this file (reused when it exists)")
    options = parser.parse_args()
    asyncio.run(main(options.players, options.repeats, options.keep))
