"""Daily rounds in the terminal: what a chat server would post in the channel, printed."""

from __future__ import annotations

from collections.abc import Callable

from adapters.console.presenter import WIDTH, wrap
from bot.rounds.presentation import announcement_lines, summary_lines
from bot.rounds.service import Announcement, ClosedRound


class ConsoleRoundPresenter:
    """Prints what a chat server would show in the channel."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write

    async def announce(self, announcement: Announcement) -> str:
        self._box(*announcement_lines(announcement))
        return "terminal"

    async def post_summary(self, closed: ClosedRound) -> str:
        self._box(*summary_lines(closed))
        return "terminal"

    def _box(self, title: str, lines: list[str]) -> None:
        self.write("\n".join(["", "#" * WIDTH, wrap(title), "#" * WIDTH, *(wrap(line, "  ") for line in lines)]))
