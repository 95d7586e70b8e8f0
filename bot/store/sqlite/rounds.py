"""Daily rounds: each is a self-paced game plus every player's place in it.

A round's questions, answers and per-player totals live in the ordinary game tables
(``games`` with kind 'round', ``questions``, ``answers``, ``game_players``), so reports,
forget-me and purge treat a round like any game; ``rounds`` adds when it runs and where it
was posted, and ``round_progress`` where each player is in it.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.content.model import Pack
from bot.engine.engine import Transition
from bot.engine.script import Script
from bot.engine.solo import ROUND_SETTINGS, Progress, SoloTransition
from bot.engine.state import GameState, Phase, Status
from bot.identity import Venue
from bot.store.codec import instant, maybe_parse_instant, parse_instant
from bot.store.records import SCHEDULER_HOST, GameKind, GameRef, Round, RoundPost, Schedule
from bot.store.sqlite.games import NEXT_JOIN, SqliteGames
from bot.store.sqlite.round_results import RoundResults

_SELECT = """SELECT r.*, g.script, g.pack_id, g.pack_hash, w.platform, w.external_id AS workspace_ref,
                    c.external_id AS channel_ref
             FROM rounds r JOIN games g ON g.id = r.game_id JOIN workspaces w ON w.id = r.workspace_id
             JOIN channels c ON c.id = r.channel_id"""


def _round_of(row: aiosqlite.Row, script: Script) -> Round:
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
        scheduled_for=parse_instant(row["scheduled_for"]),
        closes_at=parse_instant(row["closes_at"]),
        closed_at=maybe_parse_instant(row["closed_at"]),
        announcement_ref=row["announcement_ref"],
        summary_ref=row["summary_ref"],
        script=script,
        announcement_lease_until=maybe_parse_instant(row["announcement_lease_until"]),
        summary_lease_until=maybe_parse_instant(row["summary_lease_until"]),
    )


class SqliteRounds(RoundResults):
    async def _round(self, row: aiosqlite.Row) -> Round:
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
            asked=sum(1 for step in script.steps if step.kind.is_question),  # all asked to everyone at once
        )
        game_id = await SqliteGames(self.db).insert(
            workspace_id=schedule.workspace_id,
            channel_id=schedule.channel_row,
            pack=pack,
            transition=Transition(state),
            at=at,
            kind=GameKind.ROUND,
        )
        # Every question of a round is open to everyone from the start.
        await self.db.execute("UPDATE questions SET opened_at = ? WHERE game_id = ?", (instant(at), game_id))
        thread_id = next(s.opens_thread for s in script.steps if s.opens_thread)
        cursor = await self.db.execute(
            """INSERT INTO rounds (workspace_id, channel_id, schedule_id, game_id, number, thread_id, ping_role,
                                   scheduled_for, closes_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                schedule.workspace_id,
                schedule.channel_row,
                schedule.id,
                game_id,
                number,
                thread_id,
                schedule.spec.ping_role,
                instant(scheduled_for),
                instant(closes_at),
            ),
        )
        return int(cursor.lastrowid or 0)

    async def by_id(self, workspace_id: int, round_id: int) -> Round | None:
        row = await self.one(f"{_SELECT} WHERE r.id = ? AND r.workspace_id = ?", (round_id, workspace_id))
        return await self._round(row) if row else None

    async def latest_in(self, workspace_id: int, channel_ref: str | None) -> Round | None:
        """The newest round anyone has played in this channel (or anywhere in the workspace, if None)."""
        row = await self.one(
            f"""{_SELECT} WHERE r.workspace_id = ? AND EXISTS (SELECT 1 FROM round_progress p WHERE p.round_id = r.id)
                AND (? IS NULL OR c.external_id = ?)
                ORDER BY r.scheduled_for DESC, r.id DESC LIMIT 1""",
            (workspace_id, channel_ref, channel_ref),
        )
        return await self._round(row) if row else None

    async def open_on(self, platform: str) -> list[Round]:
        rows = await self.all(
            f"{_SELECT} WHERE r.closed_at IS NULL AND w.platform = ? ORDER BY r.closes_at", (platform,)
        )
        return [await self._round(row) for row in rows]

    async def open_of(self, schedule_id: int) -> list[Round]:
        rows = await self.all(
            f"{_SELECT} WHERE r.schedule_id = ? AND r.closed_at IS NULL ORDER BY r.id", (schedule_id,)
        )
        return [await self._round(row) for row in rows]

    async def last_of(self, schedule_id: int) -> Round | None:
        row = await self.one(
            f"{_SELECT} WHERE r.schedule_id = ? ORDER BY r.number DESC, r.id DESC LIMIT 1", (schedule_id,)
        )
        return await self._round(row) if row else None

    async def close_by(self, schedule_id: int, moment: datetime, except_round: int) -> None:
        """Bring forward to ``moment`` the closing time of the schedule's other open rounds."""
        await self.db.execute(
            """UPDATE rounds SET closes_at = ?
               WHERE schedule_id = ? AND id != ? AND closed_at IS NULL AND closes_at > ?""",
            (instant(moment), schedule_id, except_round, instant(moment)),
        )

    async def unsummarised(self, platform: str, since: datetime) -> list[Round]:
        """Closed rounds whose summary was never posted (a crash between closing and posting)."""
        rows = await self.all(
            f"""{_SELECT} WHERE r.closed_at IS NOT NULL AND r.summary_ref IS NULL AND r.closed_at >= ?
                AND w.platform = ? ORDER BY r.closed_at""",
            (instant(since), platform),
        )
        return [await self._round(row) for row in rows]

    async def claim_post(self, round_id: int, post: RoundPost, holder: str, at: datetime, until: datetime) -> bool:
        """Claim the right to make the round's ``post`` until ``until``; False if it was made, or
        another holder's claim runs past ``at``. One conditional UPDATE inside the single writer's
        transaction, so two processes on one file cannot both win."""
        column = post.value
        cursor = await self.db.execute(
            f"""UPDATE rounds SET {column}_claimed_by = ?, {column}_lease_until = ?
                WHERE id = ? AND {column}_ref IS NULL
                  AND ({column}_lease_until IS NULL OR {column}_lease_until <= ? OR {column}_claimed_by = ?)""",
            (holder, instant(until), round_id, instant(at), holder),
        )
        return cursor.rowcount == 1

    async def set_announcement(self, round_id: int, message_ref: str) -> bool:
        """Record the posted announcement; False if one was recorded already (first one stays)."""
        cursor = await self.db.execute(
            "UPDATE rounds SET announcement_ref = ? WHERE id = ? AND announcement_ref IS NULL", (message_ref, round_id)
        )
        return cursor.rowcount == 1

    async def set_summary(self, round_id: int, message_ref: str) -> bool:
        """Record the posted summary; False if one was recorded already (first one stays)."""
        cursor = await self.db.execute(
            "UPDATE rounds SET summary_ref = ? WHERE id = ? AND summary_ref IS NULL", (message_ref, round_id)
        )
        return cursor.rowcount == 1

    async def close(self, round_: Round, at: datetime) -> bool:
        """Close an open round; False if it was already closed (by another process, say)."""
        cursor = await self.db.execute(
            "UPDATE rounds SET closed_at = ? WHERE id = ? AND closed_at IS NULL", (instant(at), round_.id)
        )
        if cursor.rowcount != 1:
            return False
        await self.db.execute(
            "UPDATE games SET status = 'ended', ended_at = ?, version = version + 1 WHERE id = ? AND workspace_id = ?",
            (instant(at), round_.game.game_id, round_.workspace_id),
        )
        await self.db.execute(
            "UPDATE questions SET closed_at = ? WHERE game_id = ?", (instant(at), round_.game.game_id)
        )
        return True

    async def load_progress(self, round_: Round, user_id: str) -> Progress | None:
        row = await self.one(
            """SELECT p.user_id, g.display_name, p.step, p.phase, g.score, g.correct, g.answered, p.predicted,
                      p.chosen, p.earned
               FROM round_progress p JOIN game_players g ON g.game_id = ? AND g.user_id = p.user_id
               WHERE p.round_id = ? AND p.user_id = ?""",
            (round_.game.game_id, round_.id, user_id),
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
        """Write a player's new place, totals and (if they answered) their answer. Nothing is
        awaited: the writes go to the database with the batch's next statement or its COMMIT."""
        progress = transition.progress
        game_id = round_.game.game_id
        finished = instant(at) if progress.finished_in(round_.script) else None
        self.db.later(
            """INSERT INTO round_progress (round_id, user_id, step, phase, predicted, chosen, earned, started_at,
                                           finished_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (round_id, user_id) DO UPDATE SET step = excluded.step, phase = excluded.phase,
                   predicted = excluded.predicted, chosen = excluded.chosen, earned = excluded.earned,
                   finished_at = excluded.finished_at""",
            (
                round_.id,
                progress.player,
                progress.step,
                progress.phase.value,
                progress.predicted,
                progress.chosen,
                progress.earned,
                instant(at),
                finished,
            ),
        )
        self.db.later(
            f"""INSERT INTO game_players (game_id, user_id, display_name, score, streak, correct, answered, joined)
               VALUES (?, ?, ?, ?, 0, ?, ?, {NEXT_JOIN})
               ON CONFLICT (game_id, user_id) DO UPDATE SET display_name = excluded.display_name,
                   score = excluded.score, correct = excluded.correct, answered = excluded.answered""",
            (game_id, progress.player, progress.name, progress.score, progress.correct, progress.answered, game_id),
        )
        if transition.answered_step is not None and transition.option is not None:
            self.db.later(
                "INSERT INTO answers (game_id, step, user_id, option, answered_at, points) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    game_id,
                    transition.answered_step.index,
                    progress.player,
                    transition.option,
                    instant(at),
                    transition.points,
                ),
            )
        self.db.later("UPDATE games SET version = version + 1 WHERE id = ?", (game_id,))
