"""The game service: load a game, apply a command, commit, and only then return effects.

This is the async layer between adapters and the pure engine. It owns no game state of its
own: every call reads the database and writes it back in one transaction, so a restarted
process carries on from exactly what players were told.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.content.model import Pack
from bot.engine import engine
from bot.engine.commands import Command
from bot.engine.effects import RevealStep
from bot.engine.script import build_script
from bot.engine.state import GameSettings, GameState, Phase
from bot.games.group_commit import GroupCommit, Outcome
from bot.identity import Player, Venue
from bot.store.cache import PackSnapshots, StateCache
from bot.store.interface import Store, UnitOfWork
from bot.store.records import GameRef, RunningGame


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RecordedMessage:
    """What recording a step's posted message found."""

    kept: bool  # False: another message was recorded for the step first; this one is extra
    reveal: RevealStep | None = None  # the question closed meanwhile: draw its reveal on the message


class GameService:
    def __init__(self, database: Store, clock: Callable[[], datetime] = utc_now) -> None:
        self.database = database
        self.clock = clock
        self._packs = PackSnapshots(database)
        self._states = StateCache()
        self.commands = GroupCommit(database, self._states, clock)
        self._workspaces: dict[tuple[str, str], int] = {}

    async def workspace_id(self, platform: str, external_id: str) -> int:
        """The workspace's row id, created on first sight. Every click asks, so it is remembered:
        a workspace's row is never deleted nor renumbered, so a remembered id cannot go stale
        (measured: under 100 Slack clicks/s the lookup, queued for a reader connection behind
        the redraws, was most of a click's time before its acknowledgement)."""
        key = (platform, external_id)
        known = self._workspaces.get(key)
        if known is not None:
            return known
        async with self.database.read() as uow:
            found = await uow.games.find_workspace(platform, external_id)
        if found is None:
            async with self.database.write() as uow:
                found = await uow.games.ensure_workspace(platform, external_id)
        self._workspaces[key] = found
        return found

    async def start_game(
        self,
        venue: Venue,
        host: Player,
        host_name: str,
        pack: Pack,
        settings: GameSettings,
        seed: int,
        channel_name: str | None = None,
    ) -> tuple[GameRef, Outcome]:
        """Create a game in ``venue`` and show its first step. Raises ``ChannelBusy`` (and stores
        nothing) if a live game already runs in the channel: the store's constraint decides,
        inside this transaction, so two processes starting at once get one game. ``channel_name``
        (what the platform shows now) is recorded, so teachers find their games by name."""
        at = self.clock()
        # Choosing decoys against the audit's shortcuts takes ~100-200 ms of CPU per game: done
        # in a worker thread (the function is pure), so other players' clicks are not held up.
        script = await asyncio.to_thread(build_script, pack, seed)
        async with self.database.write() as uow:
            workspace = await uow.games.ensure_workspace(venue.platform, venue.workspace_id)
            channel = await uow.games.ensure_channel(workspace, venue.channel_id, channel_name)
            transition = engine.start(0, host.key, host_name, settings, script, at)
            game_id = await uow.games.insert(
                workspace_id=workspace, channel_id=channel, pack=pack, transition=transition, at=at
            )
            ref = GameRef(workspace, game_id)
            state = transition.state.evolve(game_id=game_id)
            await uow.games.save_transition(ref, state.evolve(players={}, step=-1), transition)
        return ref, Outcome(transition.reply, transition.effects, state)

    async def handle(self, ref: GameRef, command: Command, event_id: str | None = None) -> Outcome:
        """Apply ``command``, returning once it is committed (with the commands that arrived
        beside it: ``bot.games.group_commit``); a repeated ``event_id`` gets its first reply and
        no effects. Raises ``GameNotFound`` if the game is not in this workspace."""
        return await self.commands.submit(ref, command, event_id)

    async def claim_event(self, workspace_id: int, event_id: str) -> bool:
        """True the first time ``event_id`` is claimed in this workspace; a redelivery gets False."""
        key = (workspace_id, event_id)
        async with self.database.write() as uow:
            claims = await uow.events.claim_many([key], self.clock())
        return claims[key].is_new

    async def load(self, ref: GameRef) -> GameState:
        async with self.database.read() as uow:
            return await uow.games.load(ref, self._states)

    async def pack_of(self, ref: GameRef) -> Pack:
        """The copy of the pack the game was started with (cached: copies never change)."""
        async with self.database.read() as uow:
            digest = await uow.games.pack_hash(ref)
        return await self._packs.get(digest)

    async def find_game(self, workspace_id: int, game_id: int) -> GameRef | None:
        """Game ``game_id`` if it belongs to this workspace (another workspace's game is not found)."""
        async with self.database.read() as uow:
            return await uow.games.find(workspace_id, game_id)

    async def newest_game_at(self, workspace_id: int, place: str) -> GameRef | None:
        """The newest game, running or ended, whose thread is ``place`` or started in channel ``place``."""
        async with self.database.read() as uow:
            return await uow.games.newest_at(workspace_id, place)

    async def newest_game_in(self, workspace_id: int, channel: str) -> GameRef | None:
        """The newest game, running or ended, started in ``channel``."""
        async with self.database.read() as uow:
            return await uow.games.newest_in_channel(workspace_id, channel)

    async def set_thread(self, ref: GameRef, thread_ref: str) -> None:
        async with self.database.write() as uow:
            await uow.places.set_thread(ref, thread_ref)

    async def thread_of(self, ref: GameRef) -> str | None:
        async with self.database.read() as uow:
            return await uow.places.thread_of(ref)

    async def live_game_at(self, workspace_id: int, place: str) -> GameRef | None:
        """The running game in thread (or channel) ``place`` of this workspace, if any."""
        async with self.database.read() as uow:
            return await uow.places.live_game_at(workspace_id, place)

    async def record_message(self, ref: GameRef, step: int, message_ref: str) -> RecordedMessage:
        """Record the message step ``step`` was posted as (``bot.games.step_messages`` says who
        calls this, and why). The first message recorded for a step stays the step's message;
        a later one is not ``kept``, and its poster deletes it. A kept message comes with the
        step's reveal if it is a question that closed meanwhile, for the caller to draw on the
        message it just posted: another process closed it between this process's post and this
        record. No reveal for an open question or a step that is not a question.

        The game is loaded first in this write, which locks its row (on SQLite, the single
        writer takes the whole database): a close either commits before this record and is
        seen here, or after it, and then the closing process, which looks for the message only
        after its commit, finds this one."""
        async with self.database.write() as uow:
            state = await uow.games.load(ref, self._states)
            if await uow.places.record_message(ref, step, message_ref) != message_ref:
                return RecordedMessage(kept=False)
            return RecordedMessage(kept=True, reveal=await _reveal_if_closed(uow, ref, state, step))

    async def message_of(self, ref: GameRef, step: int) -> str | None:
        async with self.database.read() as uow:
            return await uow.places.message_of(ref, step)

    async def unposted_steps(self, phase_began_before: datetime) -> list[GameRef]:
        """Running games whose current step has no message recorded (see ``GameRunner.post_unposted``)."""
        async with self.database.read() as uow:
            return await uow.places.unposted_steps(phase_began_before)

    async def running_games(self) -> list[RunningGame]:
        async with self.database.read() as uow:
            return await uow.games.running()

    async def reveal_of(self, ref: GameRef, step: int) -> RevealStep | None:
        """Question ``step``'s reveal as the engine made it when the question closed (its tally
        read from the stored answers, which cannot change once it closed); None while it is
        still open, was never reached, or is not a question. For drawing a reveal again."""
        async with self.database.read() as uow:
            return await _reveal_if_closed(uow, ref, await uow.games.load(ref, self._states), step)

    async def stance_pairs(self, ref: GameRef) -> dict[str, dict[str, tuple[int, int]]]:
        """Per thread, each player's (before, after) stance option, for those who gave both."""
        async with self.database.read() as uow:
            return await uow.games.stance_pairs(ref)


async def _reveal_if_closed(uow: UnitOfWork, ref: GameRef, state: GameState, step: int) -> RevealStep | None:
    """Question ``step``'s reveal if ``state`` is past its close; None for a step not a question."""
    if not (state.step > step or (state.step == step and state.phase is Phase.REVEALED)):
        return None
    question = state.script.steps[step]
    if not question.kind.is_question:
        return None  # an information step is never revealed: moving past it changes nothing on it
    counts = await uow.games.answer_counts(ref, step)
    tally = tuple(counts.get(option, 0) for option in range(len(question.options)))
    return RevealStep(step, tally, question.correct_option)
