"""The game service: load a game, apply a command, commit, and only then return effects.

This is the async layer between adapters and the pure engine. It owns no game state of its
own: every call reads the database and writes it back in one transaction, so a restarted
process carries on from exactly what players were told.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.content.model import Pack
from bot.engine import engine
from bot.engine.commands import Command
from bot.engine.effects import Effect
from bot.engine.script import build_script
from bot.engine.state import GameSettings, GameState
from bot.identity import Player, Venue
from bot.store import games, places
from bot.store.database import Database
from bot.store.games import GameRef, RunningGame


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Outcome:
    """What a command did. ``reply`` goes privately to its sender; ``effects`` to everyone."""

    reply: str | None
    effects: tuple[Effect, ...] = ()
    state: GameState | None = None
    accepted: bool = True
    duplicate: bool = False


class GameService:
    def __init__(self, database: Database, clock: Callable[[], datetime] = utc_now) -> None:
        self.database = database
        self.clock = clock
        self._packs = games.PackSnapshots(database)
        self._states = games.StateCache()

    async def workspace_id(self, platform: str, external_id: str) -> int:
        """The workspace's row id, created on first sight. Every click asks, so the common case
        is a plain read that takes no write lock."""
        rows = await self.database.read(
            "SELECT id FROM workspaces WHERE platform = ? AND external_id = ?", (platform, external_id)
        )
        if rows:
            return int(rows[0]["id"])
        async with self.database.transaction() as db:
            return await games.ensure_workspace(db, platform, external_id)

    async def start_game(
        self,
        venue: Venue,
        host: Player,
        host_name: str,
        pack: Pack,
        settings: GameSettings,
        seed: int,
    ) -> tuple[GameRef, Outcome]:
        """Create a game in ``venue`` and show its first step."""
        at = self.clock()
        script = build_script(pack, seed)
        async with self.database.transaction() as db:
            workspace = await games.ensure_workspace(db, venue.platform, venue.workspace_id)
            channel = await games.ensure_channel(db, workspace, venue.channel_id)
            transition = engine.start(0, host.key, host_name, settings, script, at)
            game_id = await games.insert_game(
                db, workspace_id=workspace, channel_id=channel, pack=pack, transition=transition, at=at
            )
            ref = GameRef(workspace, game_id)
            state = transition.state.evolve(game_id=game_id)
            await games.save_transition(db, ref, state.evolve(players={}, step=-1), transition)
        return ref, Outcome(transition.reply, transition.effects, state)

    async def handle(self, ref: GameRef, command: Command, event_id: str | None = None) -> Outcome:
        """Apply ``command``; a repeated ``event_id`` gets its first reply and no effects."""
        async with self.database.transaction() as db:
            if event_id is not None:
                claim = await games.claim_event(db, ref.workspace_id, event_id, self.clock())
                if not claim.is_new:
                    return Outcome(claim.earlier_reply, accepted=False, duplicate=True)
            state = await games.load_game(db, ref, self._states)
            try:
                transition = engine.apply(state, command)
            except engine.IllegalCommand as refusal:
                if event_id is not None:
                    await games.record_event_reply(db, ref.workspace_id, event_id, refusal.reason)
                return Outcome(refusal.reason, state=state, accepted=False)
            version = await games.save_transition(db, ref, state, transition)
            if event_id is not None:
                await games.record_event_reply(db, ref.workspace_id, event_id, transition.reply)
        self._states.put(ref, version, transition.state)  # only once committed
        return Outcome(transition.reply, transition.effects, transition.state)

    async def load(self, ref: GameRef) -> GameState:
        async with self.database.transaction() as db:
            return await games.load_game(db, ref, self._states)

    async def pack_of(self, ref: GameRef) -> Pack:
        """The copy of the pack the game was started with (cached: copies never change)."""
        rows = await self.database.read(
            "SELECT pack_hash FROM games WHERE id = ? AND workspace_id = ?", (ref.game_id, ref.workspace_id)
        )
        if not rows:
            raise games.GameNotFound(f"no game {ref.game_id} in this workspace")
        return await self._packs.get(rows[0]["pack_hash"])

    async def set_thread(self, ref: GameRef, thread_ref: str) -> None:
        async with self.database.transaction() as db:
            await places.set_thread(db, ref, thread_ref)

    async def thread_of(self, ref: GameRef) -> str | None:
        async with self.database.transaction() as db:
            return await places.thread_of(db, ref)

    async def live_game_at(self, workspace_id: int, place: str) -> GameRef | None:
        """The running game in thread (or channel) ``place`` of this workspace, if any."""
        async with self.database.transaction() as db:
            return await places.live_game_at(db, workspace_id, place)

    async def record_message(self, ref: GameRef, step: int, message_ref: str) -> None:
        async with self.database.transaction() as db:
            await places.record_message(db, ref, step, message_ref)

    async def message_of(self, ref: GameRef, step: int) -> str | None:
        async with self.database.transaction() as db:
            return await places.message_of(db, ref, step)

    async def running_games(self) -> list[RunningGame]:
        async with self.database.transaction() as db:
            return await games.running_games(db)

    async def stance_pairs(self, ref: GameRef) -> dict[str, dict[str, tuple[int, int]]]:
        """Per thread, each player's (before, after) stance option, for those who gave both."""
        async with self.database.transaction() as db:
            return await games.stance_pairs(db, ref)
