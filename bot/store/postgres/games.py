"""Reading and writing games on PostgreSQL. Every query names its workspace.

Inside a write, ``load`` locks the game's row (``FOR UPDATE``) before reading it: the command
that follows computes from that state and ``save_transition`` writes the result, so a second
command for the same game, in this process or another, waits until the first committed and
then reads what it wrote (SQLite gets the same from its single writer).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime

import asyncpg
from pydantic import TypeAdapter

from bot.content.model import Pack
from bot.engine.engine import Transition
from bot.engine.state import AnswerRecord, GameSettings, GameState, Phase, PlayerRecord, Status
from bot.store.cache import StateCache
from bot.store.changes import changed_values
from bot.store.codec import aware, maybe_aware
from bot.store.postgres.rows import Repository
from bot.store.records import ChannelBusy, GameKind, GameNotFound, GameRef, RunningGame
from bot.store.scripts import stored_script

_SETTINGS = TypeAdapter(GameSettings)
ONE_LIVE_GAME_INDEX = "one_live_game_per_channel"
# A new player's join number: one more than the game's last (the game's row lock orders joins).
NEXT_JOIN = "(SELECT COALESCE(MAX(joined), 0) + 1 FROM game_players WHERE game_id = $1)"


class PostgresGames(Repository):
    async def ensure_workspace(self, platform: str, external_id: str) -> int:
        await self.db.execute(
            "INSERT INTO workspaces (platform, external_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            platform,
            external_id,
        )
        found = await self.find_workspace(platform, external_id)
        assert found is not None
        return found

    async def find_workspace(self, platform: str, external_id: str) -> int | None:
        row = await self.one(
            "SELECT id FROM workspaces WHERE platform = $1 AND external_id = $2", platform, external_id
        )
        return int(row["id"]) if row else None

    async def ensure_channel(self, workspace_id: int, external_id: str, name: str | None = None) -> int:
        """The channel's row, created on first sight; ``name`` (as the platform shows it now)
        replaces the one kept, so a renamed channel shows its new name from its next game on."""
        await self.db.execute(
            """INSERT INTO channels (workspace_id, external_id, name) VALUES ($1, $2, $3)
               ON CONFLICT (workspace_id, external_id) DO UPDATE SET name = COALESCE(excluded.name, channels.name)""",
            workspace_id,
            external_id,
            name,
        )
        row = await self.one(
            "SELECT id FROM channels WHERE workspace_id = $1 AND external_id = $2", workspace_id, external_id
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
        """Store a new game with a copy of its pack. The partial unique index
        ``one_live_game_per_channel`` refuses a second live game, recognised by its name."""
        body = pack.model_dump_json()
        pack_hash = hashlib.sha256(body.encode()).hexdigest()
        await self.db.execute(
            "INSERT INTO pack_snapshots (hash, pack_id, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            pack_hash,
            pack.id,
            body,
        )
        state = transition.state
        try:
            game_id = await self.db.fetchval(
                """INSERT INTO games (workspace_id, channel_id, pack_hash, pack_id, seed, settings, script, host,
                                      status, step, phase, phase_started_at, deadline, asked, started_at, kind)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                   RETURNING id""",
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
                aware(state.phase_started_at),
                maybe_aware(state.deadline),
                state.asked,
                aware(at),
                kind.value,
            )
        except asyncpg.UniqueViolationError as error:
            if error.constraint_name == ONE_LIVE_GAME_INDEX:
                raise ChannelBusy("a debate is already running in this channel") from error
            raise
        await self.db.executemany(
            """INSERT INTO questions (game_id, step, kind, thread_id, opens_thread, closes_thread,
                                      correct_option, option_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
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
        return int(game_id)

    async def load(self, ref: GameRef, cache: StateCache | None = None) -> GameState:
        lock = await self.lock_game(ref.game_id)
        if cache is not None:
            version_row = await self.one(
                f"SELECT version FROM games WHERE id = $1 AND workspace_id = $2{lock}", ref.game_id, ref.workspace_id
            )
            if version_row is None:
                raise GameNotFound(f"no game {ref.game_id} in this workspace")
            cached = cache.get(ref, version_row["version"])
            if cached is not None:
                return cached
        row = await self.one(
            f"SELECT * FROM games WHERE id = $1 AND workspace_id = $2{lock}", ref.game_id, ref.workspace_id
        )
        if row is None:
            raise GameNotFound(f"no game {ref.game_id} in this workspace")
        answers = {
            r["user_id"]: AnswerRecord(r["user_id"], r["option"], r["answered_at"])
            for r in await self.all(
                "SELECT user_id, option, answered_at FROM answers WHERE game_id = $1 AND step = $2",
                ref.game_id,
                row["step"],
            )
        }
        players = {
            r["user_id"]: PlayerRecord(*r)
            for r in await self.all(
                "SELECT user_id, display_name, score, streak, correct, answered FROM game_players WHERE game_id = $1",
                ref.game_id,
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
            phase_started_at=row["phase_started_at"],
            deadline=row["deadline"],
            paused_remaining=row["paused_remaining"],
            asked=row["asked"],
            answers=answers,
            players=players,
        )
        if cache is not None:
            cache.put(ref, row["version"], state)
        return state

    async def save_transition(self, ref: GameRef, before: GameState, transition: Transition) -> int:
        """Write what ``transition`` changed; returns the game's new version."""
        after = transition.state
        version = await self.db.fetchval(
            """UPDATE games SET status = $1, step = $2, phase = $3, phase_started_at = $4, deadline = $5,
                                paused_remaining = $6, asked = $7, ended_at = $8, version = version + 1
               WHERE id = $9 AND workspace_id = $10
               RETURNING version""",
            after.status.value,
            after.step,
            after.phase.value,
            aware(after.phase_started_at),
            maybe_aware(after.deadline),
            after.paused_remaining,
            after.asked,
            aware(after.phase_started_at) if after.status is Status.ENDED else None,
            ref.game_id,
            ref.workspace_id,
        )
        if version is None:
            raise GameNotFound(f"no game {ref.game_id} in this workspace")
        if after.step == before.step:
            changed = changed_values(before.answers, after.answers)
            if changed:
                await self.db.executemany(
                    """INSERT INTO answers (game_id, step, user_id, option, answered_at) VALUES ($1, $2, $3, $4, $5)
                       ON CONFLICT (game_id, step, user_id) DO UPDATE SET option = excluded.option,
                           answered_at = excluded.answered_at""",
                    [(ref.game_id, after.step, a.player, a.option, aware(a.answered_at)) for a in changed],
                )
        await self._save_players(ref, before.players, after.players)
        await self._save_points(ref, transition.scored)
        await self._stamp_questions(ref, before, after)
        return int(version)

    async def _save_players(
        self, ref: GameRef, before: Mapping[str, PlayerRecord], after: Mapping[str, PlayerRecord]
    ) -> None:
        changed = changed_values(before, after)
        known = [p for p in changed if p.player in before]
        if known:
            # A question's close rescores every player: one plain update, without the
            # join-number subquery the insert evaluates for every row.
            updated = await self.changed(
                """UPDATE game_players g SET display_name = b.n, score = b.s, streak = b.k, correct = b.c,
                                              answered = b.a
                   FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[])
                       AS b (u, n, s, k, c, a)
                   WHERE g.game_id = $1 AND g.user_id = b.u""",
                ref.game_id,
                [p.player for p in known],
                [p.name for p in known],
                [p.score for p in known],
                [p.streak for p in known],
                [p.correct for p in known],
                [p.answered for p in known],
            )
            if updated == len(known):
                changed = [p for p in changed if p.player not in before]
        if not changed:
            return
        await self.db.executemany(
            f"""INSERT INTO game_players (game_id, user_id, display_name, score, streak, correct, answered, joined)
               VALUES ($1, $2, $3, $4, $5, $6, $7, {NEXT_JOIN})
               ON CONFLICT (game_id, user_id) DO UPDATE SET display_name = excluded.display_name,
                   score = excluded.score, streak = excluded.streak, correct = excluded.correct,
                   answered = excluded.answered""",
            [(ref.game_id, p.player, p.name, p.score, p.streak, p.correct, p.answered) for p in changed],
        )

    async def _save_points(self, ref: GameRef, scored: Mapping[int, Mapping[str, int]]) -> None:
        for step, points in scored.items():
            if points:
                await self.db.executemany(
                    "UPDATE answers SET points = $1 WHERE game_id = $2 AND step = $3 AND user_id = $4",
                    [(value, ref.game_id, step, player) for player, value in points.items()],
                )

    async def _stamp_questions(self, ref: GameRef, before: GameState, after: GameState) -> None:
        """Record when questions opened and closed, for reports."""
        moved = (before.step, before.phase) != (after.step, after.phase)
        if after.phase is Phase.OPEN and moved:
            await self.db.execute(
                "UPDATE questions SET opened_at = $1 WHERE game_id = $2 AND step = $3",
                aware(after.phase_started_at),
                ref.game_id,
                after.step,
            )
        if before.phase is Phase.OPEN and moved:
            await self.db.execute(
                "UPDATE questions SET closed_at = $1 WHERE game_id = $2 AND step = $3",
                aware(after.phase_started_at),
                ref.game_id,
                before.step,
            )

    async def pack_hash(self, ref: GameRef) -> str:
        row = await self.one(
            "SELECT pack_hash FROM games WHERE id = $1 AND workspace_id = $2", ref.game_id, ref.workspace_id
        )
        if row is None:
            raise GameNotFound(f"no game {ref.game_id} in this workspace")
        return str(row["pack_hash"])

    async def pack_body(self, digest: str) -> str:
        row = await self.one("SELECT body FROM pack_snapshots WHERE hash = $1", digest)
        if row is None:
            raise LookupError(f"no stored debate {digest}")
        return str(row["body"])

    async def answer_counts(self, ref: GameRef, step: int) -> dict[int, int]:
        """How many players chose each option of question ``step`` (options nobody chose absent)."""
        rows = await self.all(
            """SELECT a.option, COUNT(*) AS chosen FROM answers a JOIN games g ON g.id = a.game_id
               WHERE a.game_id = $1 AND g.workspace_id = $2 AND a.step = $3 GROUP BY a.option""",
            ref.game_id,
            ref.workspace_id,
            step,
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
               WHERE b.game_id = $1 AND g.workspace_id = $2""",
            ref.game_id,
            ref.workspace_id,
        ):
            pairs.setdefault(row["thread"], {})[row["user_id"]] = (row["before"], row["after"])
        return pairs

    async def running(self) -> list[RunningGame]:
        """Every live game not yet ended, across workspaces: what a restart must resume."""
        return [
            RunningGame(GameRef(r["workspace_id"], r["id"]), r["deadline"], r["step"], Phase(r["phase"]))
            for r in await self.all(
                "SELECT id, workspace_id, deadline, step, phase FROM games "
                "WHERE status != 'ended' AND kind = 'live' ORDER BY id"
            )
        ]

    async def find(self, workspace_id: int, game_id: int) -> GameRef | None:
        row = await self.one("SELECT id FROM games WHERE id = $1 AND workspace_id = $2", game_id, workspace_id)
        return GameRef(workspace_id, game_id) if row else None

    async def newest_at(self, workspace_id: int, place: str) -> GameRef | None:
        row = await self.one(
            """SELECT g.id FROM games g JOIN channels c ON c.id = g.channel_id
               WHERE g.workspace_id = $1 AND (g.thread_ref = $2 OR c.external_id = $2)
               ORDER BY g.id DESC LIMIT 1""",
            workspace_id,
            place,
        )
        return GameRef(workspace_id, int(row["id"])) if row else None

    async def newest_in_channel(self, workspace_id: int, channel: str) -> GameRef | None:
        row = await self.one(
            """SELECT g.id FROM games g JOIN channels c ON c.id = g.channel_id
               WHERE g.workspace_id = $1 AND c.external_id = $2
               ORDER BY g.started_at DESC, g.id DESC LIMIT 1""",
            workspace_id,
            channel,
        )
        return GameRef(workspace_id, int(row["id"])) if row else None
