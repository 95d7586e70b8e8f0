"""Reading and writing games. Every query names its workspace: a game id alone opens nothing."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import aiosqlite
from pydantic import TypeAdapter

from bot.content.model import Pack
from bot.engine.engine import Transition
from bot.engine.script import Script
from bot.engine.state import AnswerRecord, GameSettings, GameState, Phase, PlayerRecord, Status
from bot.store.database import Database

_SCRIPT = TypeAdapter(Script)
_SETTINGS = TypeAdapter(GameSettings)


class GameNotFound(LookupError):
    pass


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


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def _one(db: aiosqlite.Connection, sql: str, parameters: tuple[object, ...]) -> aiosqlite.Row | None:
    async with db.execute(sql, parameters) as cursor:
        return await cursor.fetchone()


async def ensure_workspace(db: aiosqlite.Connection, platform: str, external_id: str) -> int:
    await db.execute(
        "INSERT INTO workspaces (platform, external_id) VALUES (?, ?) ON CONFLICT DO NOTHING", (platform, external_id)
    )
    row = await _one(db, "SELECT id FROM workspaces WHERE platform = ? AND external_id = ?", (platform, external_id))
    assert row is not None
    return int(row["id"])


async def find_workspace(db: aiosqlite.Connection, platform: str, external_id: str) -> int | None:
    """The workspace's row id, if it has been seen (a read: no write lock on the hot path)."""
    row = await _one(db, "SELECT id FROM workspaces WHERE platform = ? AND external_id = ?", (platform, external_id))
    return int(row["id"]) if row else None


async def ensure_channel(db: aiosqlite.Connection, workspace_id: int, external_id: str) -> int:
    await db.execute(
        "INSERT INTO channels (workspace_id, external_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (workspace_id, external_id),
    )
    row = await _one(
        db, "SELECT id FROM channels WHERE workspace_id = ? AND external_id = ?", (workspace_id, external_id)
    )
    assert row is not None
    return int(row["id"])


async def insert_game(
    db: aiosqlite.Connection,
    *,
    workspace_id: int,
    channel_id: int,
    pack: Pack,
    transition: Transition,
    at: datetime,
) -> int:
    """Store a new game with a copy of its pack, so later pack edits never change it."""
    body = pack.model_dump_json()
    pack_hash = hashlib.sha256(body.encode()).hexdigest()
    await db.execute(
        "INSERT INTO pack_snapshots (hash, pack_id, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (pack_hash, pack.id, body),
    )
    state = transition.state
    cursor = await db.execute(
        """INSERT INTO games (workspace_id, channel_id, pack_hash, pack_id, seed, settings, script, host,
                              status, step, phase, phase_started_at, deadline, asked, started_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            workspace_id,
            channel_id,
            pack_hash,
            pack.id,
            state.script.seed,
            _SETTINGS.dump_json(state.settings).decode(),
            _SCRIPT.dump_json(state.script).decode(),
            state.host,
            state.status.value,
            state.step,
            state.phase.value,
            state.phase_started_at.isoformat(),
            state.deadline.isoformat() if state.deadline else None,
            state.asked,
            at.isoformat(),
        ),
    )
    game_id = int(cursor.lastrowid or 0)
    await db.executemany(
        """INSERT INTO questions (game_id, step, kind, thread_id, opens_thread, closes_thread,
                                  correct_option, option_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (
                game_id,
                s.index,
                s.kind.value,
                s.thread_id,
                s.opens_thread,
                s.closes_thread,
                s.correct_option,
                len(s.options),
            )
            for s in state.script.steps
            if s.kind.is_question
        ],
    )
    return game_id


class PackSnapshots:
    """The stored copies of debates, by hash, each read and parsed once: a copy never changes,
    and presenters ask for a game's pack on every step."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._packs: dict[str, Pack] = {}

    async def get(self, digest: str) -> Pack:
        if digest not in self._packs:
            (body,) = await self.database.read("SELECT body FROM pack_snapshots WHERE hash = ?", (digest,))
            assert hashlib.sha256(body["body"].encode()).hexdigest() == digest
            self._packs[digest] = Pack.model_validate_json(body["body"])
        return self._packs[digest]


@lru_cache(maxsize=512)
def parse_script(text: str) -> Script:
    # Scripts never change after a game starts, so parsing each stored text once is safe.
    return _SCRIPT.validate_json(text)


class StateCache:
    """Recently used game states, each tagged with the database version it was read at.

    The database stays the source of truth: a cached state is used only when the game's
    ``version`` column still matches, which costs one indexed row read instead of reading
    every player and answer of the game again.
    """

    def __init__(self, capacity: int = 2048) -> None:
        self.capacity = capacity
        self._states: OrderedDict[GameRef, tuple[int, GameState]] = OrderedDict()

    def get(self, ref: GameRef, version: int) -> GameState | None:
        entry = self._states.get(ref)
        if entry is None or entry[0] != version:
            return None
        self._states.move_to_end(ref)
        return entry[1]

    def put(self, ref: GameRef, version: int, state: GameState) -> None:
        self._states[ref] = (version, state)
        self._states.move_to_end(ref)
        while len(self._states) > self.capacity:
            self._states.popitem(last=False)


async def load_game(db: aiosqlite.Connection, ref: GameRef, cache: StateCache | None = None) -> GameState:
    if cache is not None:
        version_row = await _one(
            db, "SELECT version FROM games WHERE id = ? AND workspace_id = ?", (ref.game_id, ref.workspace_id)
        )
        if version_row is None:
            raise GameNotFound(f"no game {ref.game_id} in this workspace")
        cached = cache.get(ref, version_row["version"])
        if cached is not None:
            return cached
    row = await _one(db, "SELECT * FROM games WHERE id = ? AND workspace_id = ?", (ref.game_id, ref.workspace_id))
    if row is None:
        raise GameNotFound(f"no game {ref.game_id} in this workspace")
    async with db.execute(
        "SELECT user_id, option, answered_at FROM answers WHERE game_id = ? AND step = ?", (ref.game_id, row["step"])
    ) as cursor:
        answers = {
            r["user_id"]: AnswerRecord(r["user_id"], r["option"], datetime.fromisoformat(r["answered_at"]))
            async for r in cursor
        }
    async with db.execute(
        "SELECT user_id, display_name, score, streak, correct, answered FROM game_players WHERE game_id = ?",
        (ref.game_id,),
    ) as cursor:
        players = {r["user_id"]: PlayerRecord(*r) async for r in cursor}
    state = GameState(
        game_id=ref.game_id,
        host=row["host"],
        settings=_SETTINGS.validate_json(row["settings"]),
        script=parse_script(row["script"]),
        status=Status(row["status"]),
        step=row["step"],
        phase=Phase(row["phase"]),
        phase_started_at=datetime.fromisoformat(row["phase_started_at"]),
        deadline=_time(row["deadline"]),
        paused_remaining=row["paused_remaining"],
        asked=row["asked"],
        answers=answers,
        players=players,
    )
    if cache is not None:
        cache.put(ref, row["version"], state)
    return state


async def save_transition(db: aiosqlite.Connection, ref: GameRef, before: GameState, transition: Transition) -> int:
    """Write what ``transition`` changed (the game row, changed answers and players, points);
    returns the game's new version, to cache the new state under once committed."""
    after = transition.state
    cursor = await db.execute(
        """UPDATE games SET status = ?, step = ?, phase = ?, phase_started_at = ?, deadline = ?,
                            paused_remaining = ?, asked = ?, ended_at = ?, version = version + 1
           WHERE id = ? AND workspace_id = ?
           RETURNING version""",
        (
            after.status.value,
            after.step,
            after.phase.value,
            after.phase_started_at.isoformat(),
            after.deadline.isoformat() if after.deadline else None,
            after.paused_remaining,
            after.asked,
            after.phase_started_at.isoformat() if after.status is Status.ENDED else None,
            ref.game_id,
            ref.workspace_id,
        ),
    )
    version_row = await cursor.fetchone()
    await cursor.close()
    if version_row is None:
        raise GameNotFound(f"no game {ref.game_id} in this workspace")
    if after.step == before.step:
        changed = [a for key, a in after.answers.items() if before.answers.get(key) != a]
        await db.executemany(
            """INSERT INTO answers (game_id, step, user_id, option, answered_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (game_id, step, user_id) DO UPDATE SET option = excluded.option,
                   answered_at = excluded.answered_at""",
            [(ref.game_id, after.step, a.player, a.option, a.answered_at.isoformat()) for a in changed],
        )
    await _save_players(db, ref, before.players, after.players)
    await _save_points(db, ref, transition.scored)
    await _stamp_questions(db, ref, before, after)
    return int(version_row[0])


async def _save_players(
    db: aiosqlite.Connection, ref: GameRef, before: Mapping[str, PlayerRecord], after: Mapping[str, PlayerRecord]
) -> None:
    changed = [p for key, p in after.items() if before.get(key) != p]
    await db.executemany(
        """INSERT INTO game_players (game_id, user_id, display_name, score, streak, correct, answered)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (game_id, user_id) DO UPDATE SET display_name = excluded.display_name,
               score = excluded.score, streak = excluded.streak, correct = excluded.correct,
               answered = excluded.answered""",
        [(ref.game_id, p.player, p.name, p.score, p.streak, p.correct, p.answered) for p in changed],
    )


async def _save_points(db: aiosqlite.Connection, ref: GameRef, scored: Mapping[int, Mapping[str, int]]) -> None:
    for step, points in scored.items():
        await db.executemany(
            "UPDATE answers SET points = ? WHERE game_id = ? AND step = ? AND user_id = ?",
            [(value, ref.game_id, step, player) for player, value in points.items()],
        )


async def _stamp_questions(db: aiosqlite.Connection, ref: GameRef, before: GameState, after: GameState) -> None:
    """Record when questions opened and closed, for reports."""
    if after.phase is Phase.OPEN and (before.step, before.phase) != (after.step, after.phase):
        await db.execute(
            "UPDATE questions SET opened_at = ? WHERE game_id = ? AND step = ?",
            (after.phase_started_at.isoformat(), ref.game_id, after.step),
        )
    if before.phase is Phase.OPEN and (before.step, before.phase) != (after.step, after.phase):
        await db.execute(
            "UPDATE questions SET closed_at = ? WHERE game_id = ? AND step = ?",
            (after.phase_started_at.isoformat(), ref.game_id, before.step),
        )


async def stance_pairs(db: aiosqlite.Connection, ref: GameRef) -> dict[str, dict[str, tuple[int, int]]]:
    """Per thread, each player's (before, after) stance option, for those who gave both."""
    async with db.execute(
        """SELECT b.opens_thread AS thread, b.user_id, b.option AS before, a.option AS after
           FROM stances b JOIN stances a
             ON a.game_id = b.game_id AND a.user_id = b.user_id AND a.closes_thread = b.opens_thread
           JOIN games g ON g.id = b.game_id
           WHERE b.game_id = ? AND g.workspace_id = ?""",
        (ref.game_id, ref.workspace_id),
    ) as cursor:
        pairs: dict[str, dict[str, tuple[int, int]]] = {}
        async for row in cursor:
            pairs.setdefault(row["thread"], {})[row["user_id"]] = (row["before"], row["after"])
    return pairs


async def running_games(db: aiosqlite.Connection) -> list[RunningGame]:
    """Every live game not yet ended, across workspaces: what a restart must resume (daily
    rounds have no timers of their own; the scheduler resumes them)."""
    async with db.execute(
        """SELECT id, workspace_id, deadline, step, phase FROM games
           WHERE status != 'ended' AND id NOT IN (SELECT game_id FROM rounds) ORDER BY id"""
    ) as cursor:
        return [
            RunningGame(GameRef(r["workspace_id"], r["id"]), _time(r["deadline"]), r["step"], Phase(r["phase"]))
            async for r in cursor
        ]


@dataclass(frozen=True)
class EventClaim:
    is_new: bool
    earlier_reply: str | None = None


async def claim_event(db: aiosqlite.Connection, workspace_id: int, event_id: str, at: datetime) -> EventClaim:
    """Claim a platform event id; a second claim returns the reply the first one got."""
    cursor = await db.execute(
        "INSERT INTO processed_events (workspace_id, event_id, handled_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (workspace_id, event_id, at.isoformat()),
    )
    if cursor.rowcount == 1:
        return EventClaim(is_new=True)
    row = await _one(
        db, "SELECT reply FROM processed_events WHERE workspace_id = ? AND event_id = ?", (workspace_id, event_id)
    )
    return EventClaim(is_new=False, earlier_reply=row["reply"] if row else None)


async def record_event_reply(db: aiosqlite.Connection, workspace_id: int, event_id: str, reply: str | None) -> None:
    await db.execute(
        "UPDATE processed_events SET reply = ? WHERE workspace_id = ? AND event_id = ?", (reply, workspace_id, event_id)
    )
