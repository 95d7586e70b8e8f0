"""What a closed round adds up to: per-player results, per-question figures, stances, streaks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import aiosqlite

from bot.store.rounds import Round

STREAK_LOOKBACK = 1000  # rounds; a longer streak is reported as this long


@dataclass(frozen=True)
class PlayerResult:
    user_id: str
    name: str
    score: int
    correct: int
    predicted: int
    finished: bool


@dataclass(frozen=True)
class QuestionResult:
    step: int
    answered: int
    correct: int


async def player_results(db: aiosqlite.Connection, round_: Round) -> list[PlayerResult]:
    async with db.execute(
        """SELECT p.user_id, g.display_name, g.score, g.correct, p.predicted, p.finished_at IS NOT NULL AS finished
           FROM round_progress p JOIN game_players g ON g.game_id = ? AND g.user_id = p.user_id
           WHERE p.round_id = ?""",
        (round_.game.game_id, round_.id),
    ) as cursor:
        return [PlayerResult(*row) async for row in cursor]


async def prediction_results(db: aiosqlite.Connection, round_: Round) -> list[QuestionResult]:
    """Per prediction, in script order: how many answered and how many were right."""
    async with db.execute(
        """SELECT q.step, COUNT(a.user_id) AS answered, COALESCE(SUM(a.option = q.correct_option), 0) AS correct
           FROM questions q LEFT JOIN answers a ON a.game_id = q.game_id AND a.step = q.step
           WHERE q.game_id = ? AND q.kind = 'predict' GROUP BY q.step ORDER BY q.step""",
        (round_.game.game_id,),
    ) as cursor:
        return [QuestionResult(*row) async for row in cursor]


async def finished_rounds(
    db: aiosqlite.Connection, schedule_id: int, up_to: int, user_id: str | None = None
) -> dict[str, set[int]]:
    """Per player (or for one), the numbers of this schedule's recent rounds they finished."""
    async with db.execute(
        """SELECT p.user_id, r.number FROM rounds r JOIN round_progress p ON p.round_id = r.id
           WHERE r.schedule_id = ? AND r.number BETWEEN ? AND ? AND p.finished_at IS NOT NULL
             AND (? IS NULL OR p.user_id = ?)""",
        (schedule_id, up_to - STREAK_LOOKBACK, up_to, user_id, user_id),
    ) as cursor:
        played: dict[str, set[int]] = defaultdict(set)
        async for row in cursor:
            played[row["user_id"]].add(row["number"])
    return dict(played)
