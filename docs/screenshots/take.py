"""Screenshots of the results site's main pages for the README, taken in real Chromium.

    .venv/bin/python docs/screenshots/take.py

Plays two made-up classroom games (16 students with invented names, seeded choices) into a
temporary database, serves the site on loopback, signs in with a link and saves PNGs here.
Needs Debian's chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from bot.content.library import load_library  # noqa: E402
from bot.engine.commands import Advanced, PlayerAnswered  # noqa: E402
from bot.engine.script import StepKind  # noqa: E402
from bot.engine.state import GameSettings, Phase, Status  # noqa: E402
from bot.games.service import GameService  # noqa: E402
from bot.identity import Player, Venue  # noqa: E402
from bot.signin import SignIn  # noqa: E402
from bot.store.database import Database  # noqa: E402
from bot.store.records import GameRef  # noqa: E402
from bot.web.app import serving_site  # noqa: E402
from tests.engine.helpers import ManualClock  # noqa: E402
from tests.web.browser import chromium  # noqa: E402

NAMES = [
    "Amara", "Ben", "Chloé", "Dev", "Elif", "Finn", "Grace", "Hugo",
    "Ines", "Jamal", "Kai", "Lena", "Mateo", "Nia", "Omar", "Priya",
]  # fmt: skip
PORT = 8765


async def play(service: GameService, clock: ManualClock, debate: str, seed: int) -> GameRef:
    chance = random.Random(seed)
    venue = Venue("slack", "T-SCHOOL", "C-CIVICS")
    teacher = Player("slack", "T-SCHOOL", "U-TEACHER")
    pack = load_library().get(debate)
    ref, _ = await service.start_game(venue, teacher, "Ms Rivera", pack, GameSettings(), seed, channel_name="civics-3b")
    skill = {name: chance.uniform(0.3, 0.9) for name in NAMES}
    leaning = {name: chance.randrange(5) for name in NAMES}
    while (state := await service.load(ref)).status is not Status.ENDED:
        step = state.current
        if state.phase is Phase.OPEN:
            for name in NAMES:
                if step.kind is StepKind.PREDICT:
                    right = step.correct_option or 0
                    others = [o for o in range(len(step.options)) if o != right]
                    option = right if chance.random() < skill[name] else chance.choice(others)
                elif step.kind is StepKind.STANCE:
                    leaning[name] = max(0, min(4, leaning[name] + chance.choice((-1, 0, 0, 1))))
                    option = leaning[name]
                else:
                    option = chance.randrange(len(step.options))
                await service.handle(ref, PlayerAnswered(f"U-{name.upper()}", name, step.index, option, clock.tick()))
        await service.handle(ref, Advanced("U-TEACHER", False, clock.tick()))
    clock.tick(7 * 24 * 3600)
    return ref


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = ManualClock()
        async with Database.open(Path(folder) / "screens.db") as database:
            service = GameService(database, clock)
            await play(service, clock, "voting-age-16", 11)
            ref = await play(service, clock, "us-russia-normalization", 4)
            signin = SignIn(database, f"http://127.0.0.1:{PORT}", clock, environ={})
            link = await signin.link(ref.workspace_id)
            assert link is not None
            async with serving_site(database, signin, "127.0.0.1", PORT), chromium() as browser:
                page = await browser.new_page(viewport={"width": 1200, "height": 900})
                await page.goto(link)
                shots = {
                    "games": "/games",
                    "game": f"/games/{ref.game_id}",
                    "question": f"/games/{ref.game_id}/questions/2",
                    "students": f"/games/{ref.game_id}/students",
                    "class": "/class?channel=C-CIVICS",
                }
                for name, path in shots.items():
                    await page.goto(f"http://127.0.0.1:{PORT}{path}")
                    await page.screenshot(path=str(HERE / f"{name}.png"), full_page=name in ("games", "question"))
                    print(f"wrote docs/screenshots/{name}.png")


if __name__ == "__main__":
    asyncio.run(main())
