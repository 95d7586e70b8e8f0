"""Solo play through the UI of a chat platform: one student answers every question, the host moves on."""

from __future__ import annotations

from collections.abc import Callable

from bot.engine.script import Step
from bot.engine.state import Phase, Status
from tests.parity.drivers import Platform, until

Choose = Callable[[Step], int]


async def play_through(
    platform: Platform, players: tuple[str, ...], choose: Callable[[str, Step], int], host_answers: Choose | None = None
) -> None:
    """Every player (and, if ``host_answers``, the host) answers every question; the host presses Next
    until the game is over. Waits on the stored state after each press."""
    while (state := await platform.state()).status is not Status.ENDED:
        step = state.current
        if state.phase is Phase.OPEN:
            for player in players:
                await platform.answer(player, choose(player, step))
            if host_answers is not None:
                await platform.answer(platform.host, host_answers(step))
        before = (state.step, state.phase)
        await platform.press(platform.host, "next")

        async def moved() -> bool:
            now = await platform.state()
            return now.status is Status.ENDED or (now.step, now.phase) != before  # noqa: B023 (awaited at once)

        await until(moved)
    await platform.settle()
