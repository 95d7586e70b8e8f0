"""The parity driver for the terminal: ``rebuttal play`` with piped input.

The console has one player and its own host, so only the solo scenarios apply: the final
scoreboard's words, and nothing in the output that could ping.
"""

from __future__ import annotations

import io
from pathlib import Path

from adapters.console.play import PlayOptions, play
from bot.engine.script import build_script
from bot.engine.state import GameSettings
from tests.parity.solo import Choose
from tests.slack.harness import small_pack

SEED = 1234


class ConsolePlatform:
    name = "console"

    def __init__(self, database: Path | str) -> None:
        self.database = database
        self.output: list[str] = []

    async def play_solo(self, choose: Choose) -> str:
        """Play the whole debate, answering each question with ``choose(step)``; the player's name."""
        pack = small_pack()
        script = build_script(pack, SEED)  # the very script ``play`` builds from the same seed
        answers = [str(choose(step) + 1) for step in script.steps if step.kind.is_question]
        stdin = io.StringIO("\n".join(answers) + "\n")
        code = await play(PlayOptions(pack, self.database, SEED, GameSettings()), stdin=stdin, write=self.output.append)
        assert code == 0, "\n".join(self.output)
        return "You"

    def scoreboard_lines(self) -> list[str]:
        text = "\n".join(self.output)
        board = text.split("FINAL SCOREBOARD\n" + "=" * 78 + "\n", 1)[1]
        return board.split("\n\n", 1)[0].split("\nYour score", 1)[0].strip("\n").split("\n")

    def outgoing_texts(self) -> list[str]:
        return list(self.output)

    def mention_permissions(self) -> list[object]:
        return []
