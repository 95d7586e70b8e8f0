"""Daily rounds on PostgreSQL: each is a self-paced game plus every player's place in it.

Inside a write, ``load_progress`` locks the round's game row first, so one player's two quick
clicks (or two players joining at once, who take join numbers) run one after the other
across processes, as SQLite's single writer runs them.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from bot.content.model import Pack
from bot.engine.engine import Transition
from bot.engine.script import Script
from bot.engine.solo import ROUND_SETTINGS, Progress, SoloTransition
from bot.engine.state import GameState, Phase, Status
from bot.identity import Venue
from bot.store.codec import aware
from bot.store.postgres.games import NEXT_JOIN, PostgresGames
from bot.store.postgres.round_results import RoundResults
from bot.store.records import SCHEDULER_HOST, GameKind, GameRef, Round, RoundPost, Schedule

_SELECT = """SELECT r.*, g.script, g.pack_id, g.pack_hash, w.platform, w.external_id AS workspace_ref,
                    c.external_id AS channel_ref
             FROM rounds r JOIN games g ON g.id = r.game_id JOIN workspaces w ON w.id = r.workspace_id
             JOIN channels c ON c.id = r.channel_id"""


def _round_of(row: asyncpg.Record, script: Script) -> Round:
    return Round(
        id=row["id"],
        game=GameRef(row["workspace_id"], row["game_id"]),
        schedule_id=row["schedule_id"],
        number=row["number"],
        pack_id=row["pack_id"],
        pack_hash=row["pack_hash"],
        thread_id=row["thread_id"],
        venue=Venue(row["platform"], row["workspace_ref"], row["channel_ref"]),
        ping_role=row["ping_role"],
        scheduled_for=row["scheduled_for"],
        closes_at=row["closes_at"],
        closed_at=row["closed_at"],
        announcement_ref=row["announcement_ref"],
        summary_ref=row["summary_ref"],
        script=script,
        announcement_lease_until=row["announcement_lease_until"],
        summary_lease_until=row["summary_lease_until"],
    )


class PostgresRounds(RoundResults):
    async def _round(self, row: asyncpg.Record) -> Round:
        return _round_of(row, await self.script(row["script"], row["pack_hash"]))

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
    ) -> int:
        """Store a new open round (its game included); it is announced once this commits."""
        state = GameState(
            game_id=0,
            host=SCHEDULER_HOST,
            settings=ROUND_SETTINGS,
            script=script,
            status=Status.RUNNING,
            step=0,
            phase=Phase.SHOWN,
            phase_started_at=at,
            asked=sum(1 for step in script.steps if step.kind.is_question),
        )
        game_id = await PostgresGames(self.db, writing=self.writing, turn=self.turn).insert(
            workspace_id=schedule.workspace_id,
            channel_id=schedule.channel_row,
            pack=pack,
            transition=Transition(state),
            at=at,
            kind=GameKind.ROUND,
        )
        await self.db.execute("UPDATE questions SET opened_at = $1 WHERE game_id = $2", aware(at), game_id)
        thread_id = next(s.opens_thread for s in script.steps if s.opens_thread)
        round_id = await self.db.fetchval(
            """INSERT INTO rounds (workspace_id, channel_id, schedule_id, game_id, number, thread_id, ping_role,
                                   scheduled_for, closes_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id""",
            schedule.workspace_id,
            schedule.channel_row,
            schedule.id,
            game_id,
            number,
            thread_id,
            schedule.spec.ping_role,
            aware(scheduled_for),
            aware(closes_at),
        )
        return int(round_id)

    async def by_id(self, workspace_id: int, round_id: int) -> Round | None:
        row = await self.one(f"{_SELECT} WHERE r.id = $1 AND r.workspace_id = $2", round_id, workspace_id)
        return await self._round(row) if row else None

    async def latest_in(self, workspace_id: int, channel_ref: str | None) -> Round | None:
        """The newest round anyone has played in this channel (or anywhere in the workspace, if None)."""
        row = await self.one(
            f"""{_SELECT} WHERE r.workspace_id = $1
                AND EXISTS (SELECT 1 FROM round_progress p WHERE p.round_id = r.id)
                AND ($2::text IS NULL OR c.external_id = $2)
                ORDER BY r.scheduled_for DESC, r.id DESC LIMIT 1""",
            workspace_id,
            channel_ref,
        )
        return await self._round(row) if row else None

    async def open_on(self, platform: str) -> list[Round]:
        rows = await self.all(f"{_SELECT} WHERE r.closed_at IS NULL AND w.platform = $1 ORDER BY r.closes_at", platform)
        return [await self._round(row) for row in rows]

    async def open_of(self, schedule_id: int) -> list[Round]:
        rows = await self.all(f"{_SELECT} WHERE r.schedule_id = $1 AND r.closed_at IS NULL ORDER BY r.id", schedule_id)
        return [await self._round(row) for row in rows]

    async def last_of(self, schedule_id: int) -> Round | None:
        row = await self.one(
            f"{_SELECT} WHERE r.schedule_id = $1 ORDER BY r.number DESC, r.id DESC LIMIT 1", schedule_id
        )
        return await self._round(row) if row else None

    async def close_by(self, schedule_id: int, moment: datetime, except_round: int) -> None:
        """Bring forward to ``moment`` the closing time of the schedule's other open rounds."""
        await self.db.execute(
            """UPDATE rounds SET closes_at = $1
               WHERE schedule_id = $2 AND id != $3 AND closed_at IS NULL AND closes_at > $1""",
            aware(moment),
            schedule_id,
            except_round,
        )

    async def unsummarised(self, platform: str, since: datetime) -> list[Round]:
        """Closed rounds whose summary was never posted (a crash between closing and posting)."""
        rows = await self.all(
            f"""{_SELECT} WHERE r.closed_at IS NOT NULL AND r.summary_ref IS NULL AND r.closed_at >= $1
                AND w.platform = $2 ORDER BY r.closed_at""",
            aware(since),
            platform,
        )
        return [await self._round(row) for row in rows]

    async def claim_post(self, round_id: int, post: RoundPost, holder: str, at: datetime, until: datetime) -> bool:
        """Claim the right to make the round's ``post`` until ``until``; False if it was made, or
        another holder's claim runs past ``at``. One conditional UPDATE: a second claimer waits
        for the first one's row lock, then re-reads the row and finds it taken."""
        column = post.value
        changed = await self.changed(
            f"""UPDATE rounds SET {column}_claimed_by = $1, {column}_lease_until = $2
                WHERE id = $3 AND {column}_ref IS NULL
                  AND ({column}_lease_until IS NULL OR {column}_lease_until <= $4 OR {column}_claimed_by = $1)""",
            holder,
            aware(until),
            round_id,
            aware(at),
        )
        return changed == 1

    async def set_announcement(self, round_id: int, message_ref: str) -> bool:
        """Record the posted announcement; False if one was recorded already (first one stays)."""
        changed = await self.changed(
            "UPDATE rounds SET announcement_ref = $1 WHERE id = $2 AND announcement_ref IS NULL", message_ref, round_id
        )
        return changed == 1

    async def set_summary(self, round_id: int, message_ref: str) -> bool:
        """Record the posted summary; False if one was recorded already (first one stays)."""
        changed = await self.changed(
            "UPDATE rounds SET summary_ref = $1 WHERE id = $2 AND summary_ref IS NULL", message_ref, round_id
        )
        return changed == 1

    async def close(self, round_: Round, at: datetime) -> bool:
        """Close an open round; False if it was already closed (by another process, say)."""
        closed = await self.changed(
            "UPDATE rounds SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL", aware(at), round_.id
        )
        if closed != 1:
            return False
        await self.db.execute(
            """UPDATE games SET status = 'ended', ended_at = $1, version = version + 1
               WHERE id = $2 AND workspace_id = $3""",
            aware(at),
            round_.game.game_id,
            round_.workspace_id,
        )
        await self.db.execute("UPDATE questions SET closed_at = $1 WHERE game_id = $2", aware(at), round_.game.game_id)
        return True

    async def load_progress(self, round_: Round, user_id: str) -> Progress | None:
        lock = await self.lock_game(round_.game.game_id)  # the save that follows is computed from this
        if lock:
            await self.db.execute(f"SELECT 1 FROM games WHERE id = $1{lock}", round_.game.game_id)
        row = await self.one(
            """SELECT p.user_id, g.display_name, p.step, p.phase, g.score, g.correct, g.answered, p.predicted,
                      p.chosen, p.earned
               FROM round_progress p JOIN game_players g ON g.game_id = $1 AND g.user_id = p.user_id
               WHERE p.round_id = $2 AND p.user_id = $3""",
            round_.game.game_id,
            round_.id,
            user_id,
        )
        if row is None:
            return None
        return Progress(
            player=row["user_id"],
            name=row["display_name"],
            step=row["step"],
            phase=Phase(row["phase"]),
            score=row["score"],
            correct=row["correct"],
            answered=row["answered"],
            predicted=row["predicted"],
            chosen=row["chosen"],
            earned=row["earned"],
        )

    async def save_progress(self, round_: Round, transition: SoloTransition, at: datetime) -> None:
        """Write a player's new place, totals and (if they answered) their answer."""
        progress = transition.progress
        game_id = round_.game.game_id
        finished = aware(at) if progress.finished_in(round_.script) else None
        await self.db.execute(
            """INSERT INTO round_progress (round_id, user_id, step, phase, predicted, chosen, earned, started_at,
                                           finished_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
               ON CONFLICT (round_id, user_id) DO UPDATE SET step = excluded.step, phase = excluded.phase,
                   predicted = excluded.predicted, chosen = excluded.chosen, earned = excluded.earned,
                   finished_at = excluded.finished_at""",
            round_.id,
            progress.player,
            progress.step,
            progress.phase.value,
            progress.predicted,
            progress.chosen,
            progress.earned,
            aware(at),
            finished,
        )
        await self.db.execute(
            f"""INSERT INTO game_players (game_id, user_id, display_name, score, streak, correct, answered, joined)
               VALUES ($1, $2, $3, $4, 0, $5, $6, {NEXT_JOIN})
               ON CONFLICT (game_id, user_id) DO UPDATE SET display_name = excluded.display_name,
                   score = excluded.score, correct = excluded.correct, answered = excluded.answered""",
            game_id,
            progress.player,
            progress.name,
            progress.score,
            progress.correct,
            progress.answered,
        )
        if transition.answered_step is not None and transition.option is not None:
            await self.db.execute(
                """INSERT INTO answers (game_id, step, user_id, option, answered_at, points)
                   VALUES ($1, $2, $3, $4, $5, $6)""",
                game_id,
                transition.answered_step.index,
                progress.player,
                transition.option,
                aware(at),
                transition.points,
            )
        await self.db.execute("UPDATE games SET version = version + 1 WHERE id = $1", game_id)
