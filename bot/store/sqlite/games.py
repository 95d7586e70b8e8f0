"""Reading and writing games. Every query names its workspace: a game id alone opens nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Mapping
from datetime import datetime

from pydantic import TypeAdapter

from bot.content.model import Pack
from bot.engine.engine import Transition
from bot.engine.state import AnswerRecord, GameSettings, GameState, Phase, PlayerRecord, Status
from bot.store.cache import StateCache
from bot.store.changes import changed_values
from bot.store.codec import instant, maybe_instant, maybe_parse_instant, parse_instant
from bot.store.records import ChannelBusy, GameKind, GameNotFound, GameRef, RunningGame
from bot.store.scripts import stored_script
from bot.store.sqlite.rows import Repository
from bot.store.sqlite.statements import Statements

_SETTINGS = TypeAdapter(GameSettings)
ONE_LIVE_GAME_INDEX = "games.workspace_id, games.channel_id"  # as SQLite names the index's columns
# A new player's join number: one more than the game's last (indexed by game_players_by_join).
NEXT_JOIN = "(SELECT COALESCE(MAX(joined), 0) + 1 FROM game_players WHERE game_id = ?)"


class StaleGame(RuntimeError):
    """A game's version moved between its load and its save in one unit of work (a bug)."""


class SqliteGames(Repository):
    def __init__(self, db: Statements) -> None:
        super().__init__(db)
        # The version each game had when this unit of work loaded it. Under the write lock
        # nothing else can move it, so a save can write version + 1 without reading it back,
        # and its statements can wait for the batch's next trip (``Statements.later``).
        self._versions: dict[GameRef, int] = {}

    async def ensure_workspace(self, platform: str, external_id: str) -> int:
        await self.db.execute(
            "INSERT INTO workspaces (platform, external_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (platform, external_id),
        )
        found = await self.find_workspace(platform, external_id)
        assert found is not None
        return found

    async def find_workspace(self, platform: str, external_id: str) -> int | None:
        row = await self.one(
            "SELECT id FROM workspaces WHERE platform = ? AND external_id = ?", (platform, external_id)
        )
        return int(row["id"]) if row else None

    async def ensure_channel(self, workspace_id: int, external_id: str, name: str | None = None) -> int:
        """The channel's row, created on first sight; ``name`` (as the platform shows it now)
        replaces the one kept, so a renamed channel shows its new name from its next game on."""
        await self.db.execute(
            """INSERT INTO channels (workspace_id, external_id, name) VALUES (?, ?, ?)
               ON CONFLICT (workspace_id, external_id) DO UPDATE SET name = COALESCE(excluded.name, channels.name)""",
            (workspace_id, external_id, name),
        )
        row = await self.one(
            "SELECT id FROM channels WHERE workspace_id = ? AND external_id = ?", (workspace_id, external_id)
        )
        assert row is not None
        return int(row["id"])

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
        """Store a new game with a copy of its pack, so later pack edits never change it. The
        partial unique index ``one_live_game_per_channel`` refuses a second live game."""
        body = pack.model_dump_json()
        pack_hash = hashlib.sha256(body.encode()).hexdigest()
        await self.db.execute(
            "INSERT INTO pack_snapshots (hash, pack_id, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (pack_hash, pack.id, body),
        )
        state = transition.state
        try:
            cursor = await self.db.execute(
                """INSERT INTO games (workspace_id, channel_id, pack_hash, pack_id, seed, settings, script, host,
                                      status, step, phase, phase_started_at, deadline, asked, started_at, kind)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    workspace_id,
                    channel_id,
                    pack_hash,
                    pack.id,
                    state.script.seed,
                    _SETTINGS.dump_json(state.settings).decode(),
                    stored_script(state.script, pack),
                    state.host,
                    state.status.value,
                    state.step,
                    state.phase.value,
                    instant(state.phase_started_at),
                    maybe_instant(state.deadline),
                    state.asked,
                    instant(at),
                    kind.value,
                ),
            )
        except sqlite3.IntegrityError as error:
            if ONE_LIVE_GAME_INDEX in str(error):
                raise ChannelBusy("a debate is already running in this channel") from error
            raise
        game_id = int(cursor.lastrowid or 0)
        await self.db.executemany(
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

    async def load(self, ref: GameRef, cache: StateCache | None = None) -> GameState:
        if cache is not None:
            version_row = await self.one(
                "SELECT version FROM games WHERE id = ? AND workspace_id = ?", (ref.game_id, ref.workspace_id)
            )
            if version_row is None:
                raise GameNotFound(f"no game {ref.game_id} in this workspace")
            cached = cache.get(ref, version_row["version"])
            if cached is not None:
                self._versions[ref] = version_row["version"]
                return cached
        row = await self.one("SELECT * FROM games WHERE id = ? AND workspace_id = ?", (ref.game_id, ref.workspace_id))
        if row is None:
            raise GameNotFound(f"no game {ref.game_id} in this workspace")
        answers = {
            r["user_id"]: AnswerRecord(r["user_id"], r["option"], parse_instant(r["answered_at"]))
            for r in await self.all(
                "SELECT user_id, option, answered_at FROM answers WHERE game_id = ? AND step = ?",
                (ref.game_id, row["step"]),
            )
        }
        players = {
            r["user_id"]: PlayerRecord(*r)
            for r in await self.all(
                "SELECT user_id, display_name, score, streak, correct, answered FROM game_players WHERE game_id = ?",
                (ref.game_id,),
            )
        }
        state = GameState(
            game_id=ref.game_id,
            host=row["host"],
            settings=_SETTINGS.validate_json(row["settings"]),
            script=await self.script(row["script"], row["pack_hash"]),
            status=Status(row["status"]),
            step=row["step"],
            phase=Phase(row["phase"]),
            phase_started_at=parse_instant(row["phase_started_at"]),
            deadline=maybe_parse_instant(row["deadline"]),
            paused_remaining=row["paused_remaining"],
            asked=row["asked"],
            answers=answers,
            players=players,
        )
        if cache is not None:
            cache.put(ref, row["version"], state)
        self._versions[ref] = row["version"]
        return state

    async def save_transition(self, ref: GameRef, before: GameState, transition: Transition) -> int:
        """Write what ``transition`` changed (the game row, changed answers and players, points);
        returns the game's new version, to cache the new state under once committed.

        For a game this unit of work loaded, nothing is awaited: the writes are queued and go
        to the database with the batch's next statement (its event claim, or COMMIT)."""
        after = transition.state
        row = (
            after.status.value,
            after.step,
            after.phase.value,
            instant(after.phase_started_at),
            maybe_instant(after.deadline),
            after.paused_remaining,
            after.asked,
            instant(after.phase_started_at) if after.status is Status.ENDED else None,
        )
        loaded = self._versions.get(ref)
        if loaded is None:
            version_row = await self.one(
                """UPDATE games SET status = ?, step = ?, phase = ?, phase_started_at = ?, deadline = ?,
                                    paused_remaining = ?, asked = ?, ended_at = ?, version = version + 1
                   WHERE id = ? AND workspace_id = ?
                   RETURNING version""",
                (*row, ref.game_id, ref.workspace_id),
            )
            if version_row is None:
                raise GameNotFound(f"no game {ref.game_id} in this workspace")
            version = int(version_row[0])
        else:
            version = loaded + 1
            parameters = (*row, version, ref.game_id, ref.workspace_id, loaded)

            def update_game(db: sqlite3.Connection) -> None:
                updated = db.execute(
                    """UPDATE games SET status = ?, step = ?, phase = ?, phase_started_at = ?, deadline = ?,
                                        paused_remaining = ?, asked = ?, ended_at = ?, version = ?
                       WHERE id = ? AND workspace_id = ? AND version = ?""",
                    parameters,
                )
                if updated.rowcount != 1:  # something in this unit of work moved it: never write a stale state
                    raise StaleGame(f"game {ref.game_id} changed in this unit of work after it was loaded")

            self.db.later_call(update_game)
        self._versions[ref] = version
        if after.step == before.step:
            self.db.later_many(
                """INSERT INTO answers (game_id, step, user_id, option, answered_at) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (game_id, step, user_id) DO UPDATE SET option = excluded.option,
                       answered_at = excluded.answered_at""",
                [
                    (ref.game_id, after.step, a.player, a.option, instant(a.answered_at))
                    for a in changed_values(before.answers, after.answers)
                ],
            )
        self._save_players(ref, before.players, after.players)
        for step, points in transition.scored.items():
            self.db.later_many(
                "UPDATE answers SET points = ? WHERE game_id = ? AND step = ? AND user_id = ?",
                [(value, ref.game_id, step, player) for player, value in points.items()],
            )
        self._stamp_questions(ref, before, after)
        return version

    def _save_players(
        self, ref: GameRef, before: Mapping[str, PlayerRecord], after: Mapping[str, PlayerRecord]
    ) -> None:
        changed = changed_values(before, after)
        if not changed:
            return
        known = [
            (p.name, p.score, p.streak, p.correct, p.answered, ref.game_id, p.player)
            for p in changed
            if p.player in before
        ]
        new = [p for p in changed if p.player not in before]

        def upsert(db: sqlite3.Connection, players: list[PlayerRecord]) -> None:
            db.executemany(
                f"""INSERT INTO game_players (game_id, user_id, display_name, score, streak, correct, answered, joined)
                   VALUES (?, ?, ?, ?, ?, ?, ?, {NEXT_JOIN})
                   ON CONFLICT (game_id, user_id) DO UPDATE SET display_name = excluded.display_name,
                       score = excluded.score, streak = excluded.streak, correct = excluded.correct,
                       answered = excluded.answered""",
                [
                    (ref.game_id, p.player, p.name, p.score, p.streak, p.correct, p.answered, ref.game_id)
                    for p in players
                ],
            )

        def write(db: sqlite3.Connection) -> None:
            # A question's close rescores every player: plain updates, without the join-number
            # subquery the insert evaluates for every row (measured: half the write's time). If a
            # player the state knew has no row, every changed player is upserted instead.
            if known:
                updated = db.executemany(
                    """UPDATE game_players SET display_name = ?, score = ?, streak = ?, correct = ?, answered = ?
                       WHERE game_id = ? AND user_id = ?""",
                    known,
                )
                if updated.rowcount != len(known):
                    upsert(db, changed)
                    return
            if new:
                upsert(db, new)

        self.db.later_call(write)

    def _stamp_questions(self, ref: GameRef, before: GameState, after: GameState) -> None:
        """Record when questions opened and closed, for reports."""
        moved = (before.step, before.phase) != (after.step, after.phase)
        if after.phase is Phase.OPEN and moved:
            self.db.later(
                "UPDATE questions SET opened_at = ? WHERE game_id = ? AND step = ?",
                (instant(after.phase_started_at), ref.game_id, after.step),
            )
        if before.phase is Phase.OPEN and moved:
            self.db.later(
                "UPDATE questions SET closed_at = ? WHERE game_id = ? AND step = ?",
                (instant(after.phase_started_at), ref.game_id, before.step),
            )

    async def pack_hash(self, ref: GameRef) -> str:
        row = await self.one(
            "SELECT pack_hash FROM games WHERE id = ? AND workspace_id = ?", (ref.game_id, ref.workspace_id)
        )
        if row is None:
            raise GameNotFound(f"no game {ref.game_id} in this workspace")
        return str(row["pack_hash"])

    async def pack_body(self, digest: str) -> str:
        row = await self.one("SELECT body FROM pack_snapshots WHERE hash = ?", (digest,))
        if row is None:
            raise LookupError(f"no stored debate {digest}")
        return str(row["body"])

    async def answer_counts(self, ref: GameRef, step: int) -> dict[int, int]:
        """How many players chose each option of question ``step`` (options nobody chose absent)."""
        rows = await self.all(
            """SELECT a.option, COUNT(*) AS chosen FROM answers a JOIN games g ON g.id = a.game_id
               WHERE a.game_id = ? AND g.workspace_id = ? AND a.step = ? GROUP BY a.option""",
            (ref.game_id, ref.workspace_id, step),
        )
        return {int(row["option"]): int(row["chosen"]) for row in rows}

    async def stance_pairs(self, ref: GameRef) -> dict[str, dict[str, tuple[int, int]]]:
        """Per thread, each player's (before, after) stance option, for those who gave both."""
        pairs: dict[str, dict[str, tuple[int, int]]] = {}
        for row in await self.all(
            """SELECT b.opens_thread AS thread, b.user_id, b.option AS before, a.option AS after
               FROM stances b JOIN stances a
                 ON a.game_id = b.game_id AND a.user_id = b.user_id AND a.closes_thread = b.opens_thread
               JOIN games g ON g.id = b.game_id
               WHERE b.game_id = ? AND g.workspace_id = ?""",
            (ref.game_id, ref.workspace_id),
        ):
            pairs.setdefault(row["thread"], {})[row["user_id"]] = (row["before"], row["after"])
        return pairs

    async def running(self) -> list[RunningGame]:
        """Every live game not yet ended, across workspaces: what a restart must resume (daily
        rounds have no timers of their own; the scheduler resumes them)."""
        return [
            RunningGame(
                GameRef(r["workspace_id"], r["id"]), maybe_parse_instant(r["deadline"]), r["step"], Phase(r["phase"])
            )
            for r in await self.all(
                "SELECT id, workspace_id, deadline, step, phase FROM games "
                "WHERE status != 'ended' AND kind = 'live' ORDER BY id"
            )
        ]

    async def find(self, workspace_id: int, game_id: int) -> GameRef | None:
        """Game ``game_id`` if it belongs to this workspace (another workspace's game is not found)."""
        row = await self.one("SELECT id FROM games WHERE id = ? AND workspace_id = ?", (game_id, workspace_id))
        return GameRef(workspace_id, game_id) if row else None

    async def newest_at(self, workspace_id: int, place: str) -> GameRef | None:
        """The newest game, running or ended, whose thread is ``place`` or started in channel ``place``."""
        row = await self.one(
            """SELECT g.id FROM games g JOIN channels c ON c.id = g.channel_id
               WHERE g.workspace_id = ? AND (g.thread_ref = ? OR c.external_id = ?)
               ORDER BY g.id DESC LIMIT 1""",
            (workspace_id, place, place),
        )
        return GameRef(workspace_id, int(row["id"])) if row else None

    async def newest_in_channel(self, workspace_id: int, channel: str) -> GameRef | None:
        """The newest game, running or ended, started in ``channel``."""
        row = await self.one(
            """SELECT g.id FROM games g JOIN channels c ON c.id = g.channel_id
               WHERE g.workspace_id = ? AND c.external_id = ?
               ORDER BY g.started_at DESC, g.id DESC LIMIT 1""",
            (workspace_id, channel),
        )
        return GameRef(workspace_id, int(row["id"])) if row else None
