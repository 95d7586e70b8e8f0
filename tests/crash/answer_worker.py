"""A process that records a burst of answers and prints ``ack <player>`` after each commit,
as a bot would tell a player "locked in". The crash test kills it with SIGKILL mid-burst."""

import asyncio
import sys
from pathlib import Path

from bot.engine.commands import PlayerAnswered
from bot.engine.state import GameSettings
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.store.database import Database
from tests.engine.helpers import sample_pack


async def main(path: Path, players: int) -> None:
    async with Database.open(path) as database:
        service = GameService(database)
        running = await service.running_games()
        if running:
            ref = running[0].ref
        else:
            ref, _ = await service.start_game(
                Venue("crash", "w", "c"), Player("crash", "w", "host"), "Host", sample_pack(), GameSettings(), seed=1
            )
        print(f"game {ref.workspace_id} {ref.game_id}", flush=True)

        async def answer(number: int) -> None:
            player = f"p{number}"
            outcome = await service.handle(
                ref, PlayerAnswered(player, player, 0, number % 5, service.clock()), event_id=f"click-{player}"
            )
            if outcome.accepted:
                print(f"ack {player}", flush=True)  # only after COMMIT returned

        await asyncio.gather(*(answer(n) for n in range(players)))
        print("done", flush=True)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
