"""The game runner: hands effects to a presenter and arms timers for deadlines.

Deadlines are stored as absolute times with the game; timers here are only reminders to
look at the database when one falls due, so after a restart ``resume_all`` re-arms them
from what is stored. A timer that fires late (or twice) is harmless: the engine refuses a
stale deadline. A step committed but never posted (the process died in between) is posted
at start or by the next sweep of any process (``post_unposted``).

Several processes on one database. Every process that knows a game's deadline arms a timer
for it; when it falls due each one submits it, and the first to take the game's row lock (on
SQLite: the single writer) moves the game on while the others are refused as stale and show
nothing, so a deadline fires exactly once. The process that moved the game on arms the next
deadline; the others learn of it by re-reading the running games every ``SWEEP_SECONDS``
(``start_sweeping``), so if that process dies a survivor fires the deadline, at most that
much late.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.engine.commands import Command, DeadlinePassed
from bot.engine.effects import CancelDeadline, Effect, ScheduleDeadline, ShowStep, UpdateAnswerCount
from bot.engine.script import StepKind
from bot.engine.state import GameState, Phase, Status
from bot.games.group_commit import Outcome
from bot.games.service import GameService
from bot.store.records import GameRef

log = logging.getLogger(__name__)

SWEEP_SECONDS = 15.0  # how often the running games' deadlines are re-read (another process may have died)
# A step younger than this may still be being posted by the process that committed it.
UNPOSTED_GRACE = timedelta(seconds=30)
# A post that failed (the thread deleted, a permission taken away) is tried again after this,
# doubling each time up to an hour, rather than at every sweep with a traceback in the log.
UNPOSTED_RETRY = timedelta(seconds=SWEEP_SECONDS)
UNPOSTED_RETRY_LONGEST = timedelta(hours=1)


class Presenter(Protocol):
    async def present(self, ref: GameRef, state: GameState, effects: Sequence[Effect]) -> None:
        """Show ``effects`` to the players of game ``ref`` (never ``UpdateAnswerCount``)."""

    async def answered(self, ref: GameRef, step: int) -> None:
        """A new answer to open question ``step``: redraw its "N answered" when the platform
        allows (``AnsweredCounter``), or nothing where there is no count to show."""


class GameRunner:
    def __init__(self, service: GameService, presenter: Presenter) -> None:
        self.service = service
        self.presenter = presenter
        self._timers: dict[GameRef, asyncio.Task[None]] = {}
        self._armed: dict[GameRef, tuple[datetime, int, Phase]] = {}  # what each timer waits for
        self._alive: set[asyncio.Task[None]] = set()  # every timer task not yet done, armed or fired
        self._unposted_failures: dict[GameRef, tuple[int, datetime]] = {}  # (tries, next try) per game
        self._sweeping: asyncio.Task[None] | None = None
        self._closed = False

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
        shown = [e for e in outcome.effects if not isinstance(e, ScheduleDeadline | CancelDeadline | UpdateAnswerCount)]
        if shown and outcome.state is not None:
            await self.presenter.present(ref, outcome.state, shown)
        # Most clicks are answers, whose only effect is a new count: the counter reads what a
        # redraw needs when (and if) it redraws, so an answer reads nothing more here.
        for effect in outcome.effects:
            if isinstance(effect, UpdateAnswerCount):
                await self.presenter.answered(ref, effect.step)

    async def resume_all(self) -> int:
        """Arm a timer for every running game's stored deadline that has none armed for it;
        returns how many games are running."""
        running = await self.service.running_games()
        for game in running:
            if game.deadline is None:
                continue
            wanted = (game.deadline, game.step, game.phase)
            timer = self._timers.get(game.ref)
            if timer is None or timer.done() or self._armed.get(game.ref) != wanted:
                self._arm(game.ref, *wanted)
        return len(running)

    async def post_unposted(self) -> int:
        """Post the current step of every running game that has had no message for it for
        ``UNPOSTED_GRACE``, and return how many. The process that moved the game there died
        between the commit and the post (or the record of the post): without this, a question
        nobody saw would wait for its timer or the host, and its reveal would be all the players
        got. The step before, if a question, has its reveal drawn again: the same crash cut that
        off too. Run at start and in every sweep, so a survivor posts what a dead process left.
        The grace keeps a post still in flight in another process from being made twice; if it
        is anyway (a post slower than the grace), the second one recorded is deleted
        (``bot.games.step_messages``)."""
        posted, now = 0, self.service.clock()
        unposted = await self.service.unposted_steps(now - UNPOSTED_GRACE)
        # Forget the failures of games no longer waiting (ended, or posted by another process).
        waiting = set(unposted)
        self._unposted_failures = {ref: v for ref, v in self._unposted_failures.items() if ref in waiting}
        for ref in unposted:
            failed = self._unposted_failures.get(ref)
            if failed is not None and now < failed[1]:
                continue
            try:
                state = await self.service.load(ref)
                if state.status is Status.ENDED or state.script.steps[state.step].kind is StepKind.SCOREBOARD:
                    continue  # ended since the query, or at the scoreboard, which GameOver draws
                before = await self.service.reveal_of(ref, state.step - 1) if state.step > 0 else None
                effects: list[Effect] = [before] if before is not None else []
                await self.presenter.present(ref, state, [*effects, ShowStep(state.step)])
            except Exception as error:  # one game's platform error must not keep the others unposted
                tries = failed[0] + 1 if failed is not None else 1
                wait = min(UNPOSTED_RETRY * 2 ** (tries - 1), UNPOSTED_RETRY_LONGEST)
                self._unposted_failures[ref] = (tries, now + wait)
                log.warning(
                    "posting the step of game %s left unposted failed (%s: %s); trying again in %d s",
                    ref.game_id,
                    type(error).__name__,
                    error,
                    wait.total_seconds(),
                    exc_info=tries == 1,  # the traceback once, not at every retry
                )
                continue
            self._unposted_failures.pop(ref, None)
            posted += 1
        return posted

    def start_sweeping(self, every: float = SWEEP_SECONDS) -> None:
        """Re-read the running games' deadlines every ``every`` seconds: a deadline another
        process armed (and then died holding) is fired here."""
        # Once closed it stays closed, as the scheduler does: a late "connected" event during
        # shutdown must not start a sweep that reads a closed database.
        if self._sweeping is None and not self._closed:
            self._sweeping = asyncio.create_task(self._sweep(every), name="rebuttal-deadline-sweep")

    async def _sweep(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.resume_all()
                await self.post_unposted()
            except Exception:  # a database hiccup must not stop the sweeping
                log.exception("re-reading the running games' deadlines failed; trying again in %s s", every)

    def pending_timers(self) -> int:
        return sum(1 for task in self._timers.values() if not task.done())

    async def close(self) -> None:
        self._closed = True
        if self._sweeping is not None:
            self._sweeping.cancel()
            await asyncio.gather(self._sweeping, return_exceptions=True)
            self._sweeping = None
        # A timer that has fired is no longer armed, but may still be drawing its effects: it
        # is stopped too, before the database closes under it (a step it did not post is posted
        # by the next start, ``post_unposted``).
        timers = list(self._alive)
        self._timers.clear()
        self._armed.clear()
        for task in timers:
            task.cancel()
        await asyncio.gather(*timers, return_exceptions=True)

    def _arm(self, ref: GameRef, at: datetime, step: int, phase: Phase) -> None:
        self._disarm(ref)
        task = asyncio.create_task(self._fire(ref, at, step, phase), name=f"deadline-{ref.game_id}-{step}")
        task.add_done_callback(_log_failure)
        task.add_done_callback(self._alive.discard)
        self._alive.add(task)
        self._timers[ref] = task
        self._armed[ref] = (at, step, phase)

    def _disarm(self, ref: GameRef) -> None:
        task = self._timers.pop(ref, None)
        self._armed.pop(ref, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    async def _fire(self, ref: GameRef, at: datetime, step: int, phase: Phase) -> None:
        delay = (at - self.service.clock()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
        if self._timers.get(ref) is asyncio.current_task():
            del self._timers[ref]
            self._armed.pop(ref, None)
        await self.submit(ref, DeadlinePassed(step, phase, max(at, self.service.clock())))


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("a game timer failed", exc_info=task.exception())
