"""What a closed round adds up to: per-player results, per-question figures, streaks (PostgreSQL)."""

from __future__ import annotations

from collections import defaultdict

from bot.store.postgres.rows import Repository
from bot.store.records import PlayerResult, QuestionResult, Round

STREAK_LOOKBACK = 1000  # rounds; a longer streak is reported as this long


class RoundResults(Repository):
    async def player_results(self, round_: Round) -> list[PlayerResult]:
        rows = await self.all(
            """SELECT p.user_id, g.display_name, g.score, g.correct, p.predicted,
                      p.finished_at IS NOT NULL AS finished
               FROM round_progress p JOIN game_players g ON g.game_id = $1 AND g.user_id = p.user_id
               WHERE p.round_id = $2""",
            round_.game.game_id,
            round_.id,
        )
        return [PlayerResult(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    async def prediction_results(self, round_: Round) -> list[QuestionResult]:
        """Per prediction, in script order: how many answered and how many were right."""
        rows = await self.all(
            """SELECT q.step, COUNT(a.user_id) AS answered,
                      COUNT(a.user_id) FILTER (WHERE a.option = q.correct_option) AS correct
               FROM questions q LEFT JOIN answers a ON a.game_id = q.game_id AND a.step = q.step
               WHERE q.game_id = $1 AND q.kind = 'predict' GROUP BY q.step ORDER BY q.step""",
            round_.game.game_id,
        )
        return [QuestionResult(r[0], r[1], r[2]) for r in rows]

    async def finished_rounds(self, schedule_id: int, up_to: int, user_id: str | None = None) -> dict[str, set[int]]:
        """Per player (or for one), the numbers of this schedule's recent rounds they finished."""
        played: dict[str, set[int]] = defaultdict(set)
        for row in await self.all(
            """SELECT p.user_id, r.number FROM rounds r JOIN round_progress p ON p.round_id = r.id
               WHERE r.schedule_id = $1 AND r.number BETWEEN $2 AND $3 AND p.finished_at IS NOT NULL
                 AND ($4::text IS NULL OR p.user_id = $4)""",
            schedule_id,
            up_to - STREAK_LOOKBACK,
            up_to,
            user_id,
        ):
            played[row["user_id"]].add(row["number"])
        return dict(played)
