"""Group commit: the game commands that arrive together are applied in one transaction.

Theory of operation. A command's cost was never the engine (microseconds) but its own
transaction: a claim, a load, four or five writes and a COMMIT, each statement a trip to the
database's thread or server, and on PostgreSQL a WAL flush per commit. So ``GroupCommit``
queues commands, and one drain task applies everything queued in one write unit of work:

1. each game the batch touches is loaded once (in id order, so two processes locking rows
   of the same games cannot deadlock);
2. the commands run through the pure engine in arrival order, each on the state the one
   before it left; a refused command (``IllegalCommand``) changes nothing and gets its
   reason, and the others go on (an event id twice in the batch runs once, and its second
   delivery gets the first one's reply);
3. each game's changes are written as a few bulk statements (one per run of commands on
   the same step: the game row, its changed answers, its changed players);
4. every platform event id is claimed with its reply in one statement, one row write per
   event. Redeliveries of events handled in an earlier batch are rare, so the batch first
   assumes there are none: if this claim finds one (claimed before, by this process or
   another), the transaction is rolled back and the batch run again claiming first (the
   redelivery then gets its first reply and does nothing), which costs a statement more;
5. the batch commits once, and only then are the outcomes handed back, so no reply goes out
   for a command that is not stored.

A failure the engine could not foresee (the database refusing a write) would otherwise undo
the whole batch: the batch is then retried one command per transaction, so each command
gets its own outcome or its own error and no command is lost because of another.

Bounds. A batch holds at most ``max_batch`` commands. A command never waits for a batch to
fill: the drain task takes whatever is queued the moment the previous batch committed, so a
lone click is applied at once, and under a burst a command waits at most for the batch in
flight (itself bounded by ``max_batch``) before its own.

A command whose caller gave up (cancelled, e.g. Slack's acknowledgement deadline passed)
before its batch holds its locks (SQLite's write lock, PostgreSQL's game row locks) is
dropped, never applied; one that gives up in the few milliseconds after that is committed
with the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.engine import engine
from bot.engine.commands import Command
from bot.engine.effects import Effect
from bot.engine.state import GameState
from bot.store.cache import StateCache
from bot.store.interface import Store, UnitOfWork
from bot.store.records import EventClaim, GameNotFound, GameRef

log = logging.getLogger(__name__)

MAX_BATCH = 256  # commands per transaction; a batch of this size commits in a few milliseconds


@dataclass(frozen=True)
class Outcome:
    """What a command did. ``reply`` goes privately to its sender; ``effects`` to everyone."""

    reply: str | None
    effects: tuple[Effect, ...] = ()
    state: GameState | None = None
    accepted: bool = True
    duplicate: bool = False


@dataclass
class _Queued:
    ref: GameRef
    command: Command
    event_id: str | None
    done: asyncio.Future[Outcome]


@dataclass
class _Segment:
    """Commands on one game that left its step unchanged, folded into one write; a command
    that moves the game to another step is a segment of its own (its answers are another
    step's rows)."""

    before: GameState
    after: GameState
    moved_step: bool = False
    scored: dict[int, dict[str, int]] = field(default_factory=dict)

    def absorb(self, transition: engine.Transition) -> None:
        self.after = transition.state
        for step, points in transition.scored.items():
            self.scored.setdefault(step, {}).update(points)

    def as_transition(self) -> engine.Transition:
        return engine.Transition(state=self.after, scored=self.scored)


class _ClaimedBefore(Exception):
    """The optimistic claim found an event handled before: the batch is run again, claiming first."""


class GroupCommit:
    """Applies game commands in batches, one transaction per batch (see the module's text)."""

    def __init__(
        self, database: Store, states: StateCache, clock: Callable[[], datetime], max_batch: int = MAX_BATCH
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.database = database
        self.states = states
        self.clock = clock
        self.max_batch = max_batch
        self._queue: list[_Queued] = []
        self._drainer: asyncio.Task[None] | None = None
        self.batches = 0  # committed batches and commands, for benchmarks and diagnostics
        self.commands = 0

    async def submit(self, ref: GameRef, command: Command, event_id: str | None = None) -> Outcome:
        """Queue ``command``; returns its outcome once its batch has committed."""
        done: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._queue.append(_Queued(ref, command, event_id, done))
        if self._drainer is None or self._drainer.done():
            # The task ends when the queue is empty, so an idle service holds no task.
            self._drainer = asyncio.create_task(self._drain(), name="group-commit")
        return await done

    async def _drain(self) -> None:
        while self._queue:
            batch = [q for q in self._queue[: self.max_batch] if not q.done.done()]
            del self._queue[: self.max_batch]
            if batch:
                await self._apply(batch)

    async def _apply(self, batch: list[_Queued]) -> None:
        try:
            try:
                outcomes = await self._in_one_transaction(batch, claim_first=False)
            except _ClaimedBefore:
                outcomes = await self._in_one_transaction(batch, claim_first=True)
        except asyncio.CancelledError:
            for queued in batch:
                queued.done.cancel()
            raise
        except Exception:
            log.warning("a batch of %d commands failed; applying them one at a time", len(batch), exc_info=True)
            for queued in batch:
                await self._alone(queued)
            return
        self.batches += 1
        self.commands += len(outcomes)
        for queued, outcome in outcomes:
            _settle(queued.done, outcome)

    async def _alone(self, queued: _Queued) -> None:
        try:
            outcomes = await self._in_one_transaction([queued], claim_first=True)
        except asyncio.CancelledError:
            queued.done.cancel()
            raise
        except Exception as error:
            _settle(queued.done, error)
        else:
            for _, outcome in outcomes:
                _settle(queued.done, outcome)

    async def _in_one_transaction(
        self, waiting: Sequence[_Queued], *, claim_first: bool
    ) -> list[tuple[_Queued, Outcome | Exception]]:
        """Apply and commit the commands whose callers still wait; returns their outcomes.
        Without ``claim_first`` the event ids are claimed with their replies after the commands
        ran, and ``_ClaimedBefore`` (the transaction rolled back) says one was a redelivery."""
        async with self.database.write() as uow:
            states = await self._load_games(uow, {queued.ref for queued in waiting if not queued.done.done()})
            # Taking the write lock (SQLite) or the games' row locks (PostgreSQL) can wait for
            # another process: a caller may have given up meanwhile and told its player so. Its
            # command is dropped here, before anything of it (its event id included) is written.
            batch = [queued for queued in waiting if not queued.done.done()]
            outcomes: list[Outcome | Exception | None] = [None] * len(batch)
            echoes: dict[int, int] = {}  # a second delivery in this batch -> the first one's index
            if claim_first:
                fresh = await self._claim_events(uow, batch, outcomes, echoes)
            else:
                fresh = _first_deliveries(batch, echoes)
            segments: dict[GameRef, list[_Segment]] = {}
            replies: dict[tuple[int, str], str | None] = {}
            for index in fresh:
                queued = batch[index]
                outcome = self._run(queued, states, segments)
                outcomes[index] = outcome
                if queued.event_id is not None:
                    replies[(queued.ref.workspace_id, queued.event_id)] = (
                        outcome.reply if isinstance(outcome, Outcome) else None
                    )
            versions: dict[GameRef, int] = {}
            for ref, runs in segments.items():
                for segment in runs:
                    versions[ref] = await uow.games.save_transition(ref, segment.before, segment.as_transition())
            if replies:
                rows = [(ws, event, reply) for (ws, event), reply in replies.items()]
                if claim_first:
                    await uow.events.record_replies(rows)
                elif await uow.events.claim_with_replies(rows, self.clock()):
                    raise _ClaimedBefore
        for ref, version in versions.items():  # only once committed
            state = states[ref]
            if isinstance(state, GameState):
                self.states.put(ref, version, state)
        for index, first in echoes.items():
            earlier = outcomes[first]
            reply = earlier.reply if isinstance(earlier, Outcome) else None
            outcomes[index] = Outcome(reply, accepted=False, duplicate=True)
        return [
            (queued, outcome if outcome is not None else RuntimeError("not applied"))
            for queued, outcome in zip(batch, outcomes, strict=True)
        ]

    async def _claim_events(
        self,
        uow: UnitOfWork,
        batch: Sequence[_Queued],
        outcomes: list[Outcome | Exception | None],
        echoes: dict[int, int],
    ) -> list[int]:
        """Claim the batch's event ids; fills in the outcome of every redelivery and returns
        the indexes of the commands to run."""
        first = _first_deliveries(batch, echoes)
        to_claim = [key for index in first if (key := _event_key(batch[index])) is not None]
        claims: dict[tuple[int, str], EventClaim] = (
            await uow.events.claim_many(to_claim, self.clock()) if to_claim else {}
        )
        fresh: list[int] = []
        for index in first:
            key = _event_key(batch[index])
            claim = claims[key] if key is not None else None
            if claim is None or claim.is_new:
                fresh.append(index)
            else:
                outcomes[index] = Outcome(claim.earlier_reply, accepted=False, duplicate=True)
        return fresh

    async def _load_games(self, uow: UnitOfWork, refs: set[GameRef]) -> dict[GameRef, GameState | GameNotFound]:
        """Each game once, in id order: two processes taking row locks on the same games take
        them in the same order, so neither waits for the other in a cycle."""
        states: dict[GameRef, GameState | GameNotFound] = {}
        for ref in sorted(refs, key=lambda r: (r.game_id, r.workspace_id)):
            try:
                states[ref] = await uow.games.load(ref, self.states)
            except GameNotFound as missing:
                states[ref] = missing
        return states

    def _run(
        self, queued: _Queued, states: dict[GameRef, GameState | GameNotFound], segments: dict[GameRef, list[_Segment]]
    ) -> Outcome | Exception:
        state = states[queued.ref]
        if isinstance(state, GameNotFound):
            return state
        try:
            transition = engine.apply(state, queued.command)
        except engine.IllegalCommand as refusal:
            return Outcome(refusal.reason, state=state, accepted=False)
        except Exception as error:  # a fault in one command must not take the batch with it
            log.exception("command %r failed in the engine", queued.command)
            return error
        runs = segments.setdefault(queued.ref, [])
        moved_step = transition.state.step != state.step
        if runs and not moved_step and not runs[-1].moved_step:
            runs[-1].absorb(transition)
        else:
            segment = _Segment(before=state, after=state, moved_step=moved_step)
            segment.absorb(transition)
            runs.append(segment)
        states[queued.ref] = transition.state
        return Outcome(transition.reply, transition.effects, transition.state)


def _event_key(queued: _Queued) -> tuple[int, str] | None:
    return None if queued.event_id is None else (queued.ref.workspace_id, queued.event_id)


def _first_deliveries(batch: Sequence[_Queued], echoes: dict[int, int]) -> list[int]:
    """The indexes of the commands to run, in order: all but an event id's later deliveries in
    this batch, which go into ``echoes`` (later index -> first index) to get the first's reply."""
    first_of: dict[tuple[int, str], int] = {}
    first: list[int] = []
    for index, queued in enumerate(batch):
        key = _event_key(queued)
        if key is None:
            first.append(index)
        elif key in first_of:
            echoes[index] = first_of[key]
        else:
            first_of[key] = index
            first.append(index)
    return first


def _settle(done: asyncio.Future[Outcome], result: Outcome | Exception) -> None:
    if done.done():  # its caller gave up while the batch ran; the command is stored anyway
        return
    if isinstance(result, Exception):
        done.set_exception(result)
    else:
        done.set_result(result)
