"""The store's interface: what a database engine implements for the services.

A service opens a unit of work and calls repositories on it::

    async with store.write() as uow:    # one atomic transaction: committed when the block
        ...                             # returns, rolled back if it raises
    async with store.read() as uow:     # a read-only snapshot of committed data that never
        ...                             # waits for, or blocks, a writer

Repositories return the frozen records of ``bot.store.records``; no SQL, row or connection
crosses this line. SQLite (``bot.store.sqlite``) is the embedded engine; PostgreSQL
(``bot.store.postgres``) implements the same Protocols. Invariants that must hold across processes (one
live game per channel, an event handled once, a round closed once) are the engine's
constraints and conditional writes, never a lock in this process.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from typing import Protocol

from bot.content.model import Pack
from bot.engine.engine import Transition
from bot.engine.script import Script
from bot.engine.solo import Progress, SoloTransition
from bot.engine.state import GameState
from bot.store.cache import StateCache
from bot.store.records import (
    EventClaim,
    GameKind,
    GameListing,
    GameNote,
    GameRecord,
    GameRef,
    PlayerResult,
    QuestionResult,
    Round,
    RoundPost,
    RunningGame,
    Schedule,
    ScheduleSpec,
    Season,
    Standing,
    TeacherSettings,
    Vote,
)


class GamesRepository(Protocol):
    async def ensure_workspace(self, platform: str, external_id: str) -> int: ...
    async def find_workspace(self, platform: str, external_id: str) -> int | None: ...
    async def ensure_channel(self, workspace_id: int, external_id: str, name: str | None = None) -> int: ...
    async def insert(
        self,
        *,
        workspace_id: int,
        channel_id: int,
        pack: Pack,
        transition: Transition,
        at: datetime,
        kind: GameKind = GameKind.LIVE,
    ) -> int:
        """Store a new game; a live one raises ``ChannelBusy`` if the channel has one already."""
        ...

    async def load(self, ref: GameRef, cache: StateCache | None = None) -> GameState: ...
    async def save_transition(self, ref: GameRef, before: GameState, transition: Transition) -> int:
        """Write what changed; returns the game's new version (to cache the state under)."""
        ...

    async def pack_hash(self, ref: GameRef) -> str: ...
    async def pack_body(self, digest: str) -> str: ...
    async def stance_pairs(self, ref: GameRef) -> dict[str, dict[str, tuple[int, int]]]: ...
    async def answer_counts(self, ref: GameRef, step: int) -> dict[int, int]:
        """How many players chose each option of question ``step`` (options nobody chose absent)."""
        ...

    async def running(self) -> list[RunningGame]: ...
    async def find(self, workspace_id: int, game_id: int) -> GameRef | None: ...
    async def newest_at(self, workspace_id: int, place: str) -> GameRef | None: ...
    async def newest_in_channel(self, workspace_id: int, channel: str) -> GameRef | None: ...


class PlacesRepository(Protocol):
    async def set_thread(self, ref: GameRef, thread_ref: str) -> None: ...
    async def thread_of(self, ref: GameRef) -> str | None: ...
    async def live_game_at(self, workspace_id: int, place: str) -> GameRef | None: ...
    async def record_message(self, ref: GameRef, step: int, message_ref: str) -> str | None:
        """Record ``message_ref`` as step ``step``'s message unless one was recorded before:
        the first recorded stays. Returns the step's message (None if there is no such game)."""

    async def message_of(self, ref: GameRef, step: int) -> str | None: ...
    async def unposted_steps(self, phase_began_before: datetime) -> list[GameRef]:
        """Running live games with a thread whose current step has no message recorded, and
        whose current phase began before ``phase_began_before``."""


class EventsRepository(Protocol):
    async def claim_many(self, events: Sequence[tuple[int, str]], at: datetime) -> dict[tuple[int, str], EventClaim]:
        """Claim each (workspace id, event id) at once; an event claimed before (by any process)
        gets the reply recorded for it. The ids must be distinct."""
        ...

    async def record_replies(self, replies: Sequence[tuple[int, str, str | None]]) -> None:
        """Record (workspace id, event id, reply) for events this unit of work claimed."""
        ...

    async def claim_with_replies(
        self, events: Sequence[tuple[int, str, str | None]], at: datetime
    ) -> set[tuple[int, str]]:
        """Claim each (workspace id, event id, reply) in one write per event, reply included;
        returns the (workspace id, event id) claimed before (by any process, committed or
        racing), whose rows this call left as they were. The ids must be distinct."""
        ...


class RoundsRepository(Protocol):
    async def insert(
        self,
        *,
        schedule: Schedule,
        pack: Pack,
        script: Script,
        number: int,
        scheduled_for: datetime,
        closes_at: datetime,
        at: datetime,
    ) -> int: ...
    async def by_id(self, workspace_id: int, round_id: int) -> Round | None: ...
    async def latest_in(self, workspace_id: int, channel_ref: str | None) -> Round | None: ...
    async def open_on(self, platform: str) -> list[Round]: ...
    async def open_of(self, schedule_id: int) -> list[Round]: ...
    async def last_of(self, schedule_id: int) -> Round | None:
        """The schedule's most recently opened round, open or closed."""
        ...

    async def close_by(self, schedule_id: int, moment: datetime, except_round: int) -> None: ...
    async def unsummarised(self, platform: str, since: datetime) -> list[Round]: ...
    async def claim_post(self, round_id: int, post: RoundPost, holder: str, at: datetime, until: datetime) -> bool:
        """Claim the right to make the round's ``post`` until ``until``: True if it is not made yet
        and no other holder's claim runs past ``at`` (none was taken, or its holder died and the
        lease ran out), or ``holder`` holds it already. Across processes exactly one claimer wins."""
        ...

    async def set_announcement(self, round_id: int, message_ref: str) -> bool:
        """Record the posted announcement; False if one was recorded already (the first stays)."""
        ...

    async def set_summary(self, round_id: int, message_ref: str) -> bool:
        """Record the posted summary; False if one was recorded already (the first stays)."""
        ...

    async def close(self, round_: Round, at: datetime) -> bool: ...
    async def load_progress(self, round_: Round, user_id: str) -> Progress | None: ...
    async def save_progress(self, round_: Round, transition: SoloTransition, at: datetime) -> None: ...
    async def player_results(self, round_: Round) -> list[PlayerResult]: ...
    async def prediction_results(self, round_: Round) -> list[QuestionResult]: ...
    async def finished_rounds(
        self, schedule_id: int, up_to: int, user_id: str | None = None
    ) -> dict[str, set[int]]: ...


class SchedulesRepository(Protocol):
    async def save(
        self, workspace_id: int, channel_row: int, spec: ScheduleSpec, next_run_at: datetime, by: str, at: datetime
    ) -> int: ...
    async def in_channel(self, workspace_id: int, channel_ref: str) -> Schedule | None: ...
    async def by_id(self, schedule_id: int) -> Schedule | None: ...
    async def of_workspace(self, workspace_id: int) -> list[Schedule]: ...
    async def active(self, platform: str) -> list[Schedule]: ...
    async def set_paused(self, schedule_id: int, paused: bool, next_run_at: datetime) -> None: ...
    async def set_next_run(self, schedule_id: int, next_run_at: datetime, rounds_posted: int) -> None: ...
    async def advance(self, schedule_id: int, due: datetime, next_run_at: datetime, rounds_posted: int) -> bool:
        """Claim the schedule's run ``due``: move it on to ``next_run_at`` if it is unpaused and
        still waits for that run. Across processes exactly one claimer of a run wins."""
        ...

    async def remove(self, schedule_id: int) -> None: ...


class LeaderboardsRepository(Protocol):
    async def standings(
        self, workspace_id: int, *, since: datetime | None = None, round_id: int | None = None, limit: int = 10
    ) -> list[Standing]: ...
    async def current_season(self, workspace_id: int) -> Season: ...
    async def start_season(self, workspace_id: int, by: str, at: datetime) -> Season: ...
    async def set_opted_out(self, workspace_id: int, user_id: str, opted_out: bool, at: datetime) -> None: ...
    async def opted_out(self, workspace_id: int) -> set[str]: ...


class WorkspacesRepository(Protocol):
    async def teacher_settings(self, workspace_id: int) -> TeacherSettings: ...
    async def save_teacher_settings(self, workspace_id: int, settings: TeacherSettings) -> None: ...
    async def add_pack(self, workspace_id: int, pack: Pack, added_by: str, at: datetime) -> None: ...
    async def packs(self, workspace_id: int) -> list[Pack]: ...
    async def forget_player(self, workspace_id: int, user_id: str) -> int: ...


class ReportsRepository(Protocol):
    async def game_record(self, ref: GameRef) -> GameRecord: ...
    async def listings(
        self,
        *,
        channel: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        workspace_id: int | None = None,
    ) -> list[GameListing]: ...
    async def workspace_students(self, workspace_id: int) -> list[str]:
        """Every student of the workspace, in order of first joining one of its games (the
        host of a game is not its student): stable pseudonyms are numbered by this."""
        ...

    async def find(self, game_id: int) -> GameRef | None:
        """A game by id across workspaces: for the administrator's command line only."""
        ...

    async def students(self, ref: GameRef) -> list[str]:
        """The game's players but its host, in joining order."""
        ...

    async def stronger_votes(self, workspace_id: int, pack_id: str) -> list[Vote]: ...
    async def claim_share(self, ref: GameRef, results_version: int, at: datetime) -> str | None:
        """None if this is the first claim to share the game's summary at ``results_version``
        (questions closed); else what the earlier claim recorded."""
        ...

    async def finish_share(self, ref: GameRef, results_version: int, note: str | None) -> None:
        """Mark a claimed share posted (``note``), or release it (None) after a failed post."""
        ...

    async def purge(self, older_than: datetime) -> int: ...


class WebRepository(Protocol):
    """What the results web site reads and writes; every game query names its workspace."""

    async def signing_secret(self, candidate: str, at: datetime) -> str:
        """The database's key for signing links and sessions: ``candidate`` becomes it if there is
        none yet (so two processes starting at once agree on one). A write."""
        ...

    async def access_generation(self, workspace_id: int) -> int:
        """The generation of the workspace's sign-in links: links and sessions of an older one
        were revoked."""
        ...

    async def revoke_links(self, workspace_id: int, at: datetime) -> int:
        """Revoke every link and session of the workspace; returns the new generation."""
        ...

    async def workspace_ref(self, workspace_id: int) -> tuple[str, str] | None:
        """(platform, the platform's own workspace id), or None if there is no such workspace."""
        ...

    async def games(
        self,
        workspace_id: int,
        *,
        channel: str | None = None,
        pack_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[GameListing]:
        """The workspace's games, newest first; ``channel`` is a channel's name or platform id."""
        ...

    async def channels(self, workspace_id: int) -> list[tuple[str, str | None]]:
        """(platform id, name) of the workspace's channels that have had a game."""
        ...

    async def channel_name(self, workspace_id: int, external_id: str) -> str | None: ...
    async def notes(self, ref: GameRef) -> list[GameNote]: ...
    async def add_note(self, ref: GameRef, body: str, at: datetime) -> int: ...
    async def round_ids(self, workspace_id: int, limit: int) -> list[int]:
        """The workspace's daily rounds, newest first."""
        ...


class HeartbeatsRepository(Protocol):
    async def beat(self, platform: str, at: datetime) -> None: ...
    async def last_beat(self, platform: str) -> datetime | None: ...


class UnitOfWork(Protocol):
    """One transaction and the repositories that act in it."""

    @property
    def games(self) -> GamesRepository: ...
    @property
    def places(self) -> PlacesRepository: ...
    @property
    def events(self) -> EventsRepository: ...
    @property
    def rounds(self) -> RoundsRepository: ...
    @property
    def schedules(self) -> SchedulesRepository: ...
    @property
    def leaderboards(self) -> LeaderboardsRepository: ...
    @property
    def workspaces(self) -> WorkspacesRepository: ...
    @property
    def reports(self) -> ReportsRepository: ...
    @property
    def heartbeats(self) -> HeartbeatsRepository: ...
    @property
    def web(self) -> WebRepository: ...


class Store(Protocol):
    def write(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """One atomic read-write transaction, serialised with every other writer."""
        ...

    def read(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """A read-only snapshot of committed data; writing in it is an error."""
        ...

    async def schema_version(self) -> int: ...
    async def backup(self, destination: Path) -> None:
        """A consistent copy of everything committed, written to the new file ``destination``
        while the bot runs (``FileExistsError`` if it exists). An engine with its own tools for
        this (PostgreSQL: ``pg_dump``) raises ``BackupFailed`` naming them."""
        ...
