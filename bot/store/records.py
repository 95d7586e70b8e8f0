"""What the store hands back: frozen records and the store's errors, independent of any engine.

Services and adapters import these; only the engines (``bot.store.sqlite``, ``bot.store.postgres``) build
them from rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from enum import Enum

from bot.engine.script import Script
from bot.engine.state import Phase
from bot.identity import Venue
from bot.rounds.timing import Timing

SCHEDULER_HOST = "rebuttal:daily-round"  # the "host" of a round game: no person controls it


class GameNotFound(LookupError):
    pass


class ChannelBusy(Exception):
    """A live game already runs in this channel: the store refused a second one."""


class BackupFailed(Exception):
    """The database could not be copied; nothing was written at the destination."""


class RoundPost(Enum):
    """A round's two public posts, each claimed by one process before it is made."""

    ANNOUNCEMENT = "announcement"
    SUMMARY = "summary"


class GameKind(Enum):
    """A live game (a host runs it) or the game behind a daily round (self-paced)."""

    LIVE = "live"
    ROUND = "round"


@dataclass(frozen=True)
class GameRef:
    """A game as adapters address it: its workspace row and its id."""

    workspace_id: int
    game_id: int


@dataclass(frozen=True)
class RunningGame:
    ref: GameRef
    deadline: datetime | None
    step: int
    phase: Phase


@dataclass(frozen=True)
class EventClaim:
    is_new: bool
    earlier_reply: str | None = None


@dataclass(frozen=True)
class TeacherSettings:
    """Who may start and control games, beyond what the platform's own roles allow."""

    teacher_role: str | None = None
    teacher_users: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ScheduleSpec:
    """What an admin chooses for a channel's daily round."""

    timing: Timing
    close_time: time | None = None  # None: a round closes when the next one posts
    ping_role: str | None = None
    packs: tuple[str, ...] = ()  # empty: the whole library, in order


@dataclass(frozen=True)
class Schedule:
    id: int
    workspace_id: int
    channel_row: int
    venue: Venue  # where rounds post: the platform's own workspace and channel ids
    spec: ScheduleSpec
    paused: bool
    next_run_at: datetime
    rounds_posted: int
    created_by: str


@dataclass(frozen=True)
class Round:
    id: int
    game: GameRef
    schedule_id: int | None
    number: int
    pack_id: str
    pack_hash: str  # the snapshot of the debate the round was opened with
    thread_id: str
    venue: Venue
    ping_role: str | None
    scheduled_for: datetime
    closes_at: datetime
    closed_at: datetime | None
    announcement_ref: str | None
    summary_ref: str | None
    script: Script
    # Until when a process holds the claim to post the announcement (the summary); None if no
    # process ever claimed it. A claim that has run out may be taken over (its holder died).
    announcement_lease_until: datetime | None = None
    summary_lease_until: datetime | None = None

    @property
    def workspace_id(self) -> int:
        return self.game.workspace_id

    def is_open_at(self, moment: datetime) -> bool:
        return self.closed_at is None and moment < self.closes_at


@dataclass(frozen=True)
class PlayerResult:
    """One player's totals in a closed round."""

    user_id: str
    name: str
    score: int
    correct: int
    predicted: int
    finished: bool


@dataclass(frozen=True)
class QuestionResult:
    """One prediction of a round: how many answered it and how many were right."""

    step: int
    answered: int
    correct: int


@dataclass(frozen=True)
class Standing:
    user_id: str
    name: str
    points: int
    correct: int
    predicted: int  # predictions answered: accuracy is correct / predicted
    rounds: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None


@dataclass(frozen=True)
class Season:
    number: int
    started_at: datetime | None  # None: season 1, which began with the first round


@dataclass(frozen=True)
class GameListing:
    ref: GameRef
    pack_id: str
    platform: str
    channel: str
    started_at: datetime
    players: int  # students, the host not counted
    status: str
    round_number: int | None = None  # set for a daily round
    channel_name: str | None = None  # as the platform showed it when a game last started there
    question: str | None = None  # the debate's question, from the game's own copy of the debate


@dataclass(frozen=True)
class GameNote:
    """A teacher's note on a game, written on the results site."""

    id: int
    body: str
    written_at: datetime


@dataclass(frozen=True)
class RosterEntry:
    """A player of a game, in joining order."""

    user_id: str
    name: str
    score: int
    correct: int
    answered: int


@dataclass(frozen=True)
class GameRecord:
    """Everything a teacher's report of one game is computed from."""

    ref: GameRef
    script: Script
    asked: int
    host: str
    channel: str
    started_at: datetime
    status: str
    answers: tuple[tuple[int, str, int], ...]  # (step, user id, option), by step
    closed_steps: frozenset[int]
    roster: tuple[RosterEntry, ...]  # joining order, host included


@dataclass(frozen=True)
class Vote:
    """A stronger-point vote: the option chosen at a step of a game's script."""

    script: Script
    step: int
    option: int
