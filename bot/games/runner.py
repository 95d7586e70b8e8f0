"""The game runner: hands effects to a presenter and arms timers for deadlines.

Deadlines are stored as absolute times with the game; timers here are only reminders to
look at the database when one falls due, so after a restart ``resume_all`` re-arms them
from what is stored. A timer that fires late (or twice) is harmless: the engine refuses a
stale deadline.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.engine.commands import Command, DeadlinePassed
from bot.engine.effects import CancelDeadline, Effect, ScheduleDeadline
from bot.engine.state import GameState, Phase
from bot.games.group_commit import Outcome
from bot.games.service import GameService
from bot.store.records import GameRef

log = logging.getLogger(__name__)


class Presenter(Protocol):
    async def present(self, ref: GameRef, state: GameState, effects: Sequence[Effect]) -> None:
        """Show ``effects`` to the players of game ``ref``."""


class GameRunner:
    def __init__(self, service: GameService, presenter: Presenter) -> None:
        self.service = service
        self.presenter = presenter
        self._timers: dict[GameRef, asyncio.Task[None]] = {}

    async def submit(self, ref: GameRef, command: Command, event_id: str | None = None) -> Outcome:
        """Handle ``command`` and present its effects; the caller sends ``outcome.reply``."""
        outcome = await self.service.handle(ref, command, event_id)
        await self.present(ref, outcome)
        return outcome

    async def present(self, ref: GameRef, outcome: Outcome) -> None:
        for effect in outcome.effects:
            if isinstance(effect, ScheduleDeadline):
                self._arm(ref, effect.at, effect.step, Phase(effect.phase))
            elif isinstance(effect, CancelDeadline):
                self._disarm(ref)
        shown = [e for e in outcome.effects if not isinstance(e, ScheduleDeadline | CancelDeadline)]
        if shown and outcome.state is not None:
            await self.presenter.present(ref, outcome.state, shown)

    async def resume_all(self) -> int:
        """Re-arm the timers of every running game from the database; returns how many games."""
        running = await self.service.running_games()
        for game in running:
            if game.deadline is not None:
                self._arm(game.ref, game.deadline, game.step, game.phase)
        return len(running)

    def pending_timers(self) -> int:
        return sum(1 for task in self._timers.values() if not task.done())

    async def close(self) -> None:
        timers = list(self._timers.values())
        self._timers.clear()
        for task in timers:
            task.cancel()
        await asyncio.gather(*timers, return_exceptions=True)

    def _arm(self, ref: GameRef, at: datetime, step: int, phase: Phase) -> None:
        self._disarm(ref)
        task = asyncio.create_task(self._fire(ref, at, step, phase), name=f"deadline-{ref.game_id}-{step}")
        task.add_done_callback(_log_failure)
        self._timers[ref] = task

    def _disarm(self, ref: GameRef) -> None:
        task = self._timers.pop(ref, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    async def _fire(self, ref: GameRef, at: datetime, step: int, phase: Phase) -> None:
        delay = (at - self.service.clock()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
        if self._timers.get(ref) is asyncio.current_task():
            del self._timers[ref]
        await self.submit(ref, DeadlinePassed(step, phase, max(at, self.service.clock())))


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("a game timer failed", exc_info=task.exception())
