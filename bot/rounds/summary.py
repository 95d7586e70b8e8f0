"""What a closed daily round adds up to, and where leaderboard periods begin. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.games.presentation import PUBLIC_MIN_RESPONDENTS  # as for class charts
from bot.reports.shifts import measure_shift
from bot.rounds.timing import daily_streak
from bot.store.records import PlayerResult, QuestionResult

TOP_SCORES = 5


def is_milestone(streak: int) -> bool:
    """Streak lengths worth announcing: 3, 7, 14, 30, 50, then every 50."""
    return streak in {3, 7, 14, 30} or (streak >= 50 and streak % 50 == 0)


@dataclass(frozen=True)
class PredictionFigure:
    number: int  # 1-based, in the order players met the predictions
    answered: int
    correct: int

    @property
    def share_correct(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class TopScore:
    name: str
    score: int
    correct: int
    predicted: int


@dataclass(frozen=True)
class RoomShift:
    respondents: int  # players who gave both stances
    net_shift: float | None  # mean after − before on the −4 … +4 option scale; None below the minimum


@dataclass(frozen=True)
class RoundSummary:
    round_number: int
    started: int
    finished: int
    predictions: tuple[PredictionFigure, ...]
    shift: RoomShift
    top: tuple[TopScore, ...]
    milestones: tuple[tuple[str, int], ...]  # (name, streak) for finishers reaching a milestone


def summarise(
    round_number: int,
    players: Iterable[PlayerResult],
    predictions: Iterable[QuestionResult],
    stance_pairs: Mapping[str, tuple[int, int]],
    streaks: Mapping[str, int],
    hidden: Set[str],
) -> RoundSummary:
    """Figures for the public summary. ``hidden`` players (leaderboard opt-outs) count in the
    totals but are never named."""
    players = list(players)
    shift = measure_shift(stance_pairs)
    public_shift = shift.net_shift if shift.respondents >= PUBLIC_MIN_RESPONDENTS else None
    ranked = sorted(
        (p for p in players if p.score > 0 and p.user_id not in hidden),
        key=lambda p: (-p.score, -p.correct, p.name.casefold()),
    )
    milestones = sorted(
        (
            (p.name, streaks[p.user_id])
            for p in players
            if p.finished and p.user_id not in hidden and is_milestone(streaks.get(p.user_id, 0))
        ),
        key=lambda pair: (-pair[1], pair[0].casefold()),
    )
    return RoundSummary(
        round_number=round_number,
        started=len(players),
        finished=sum(1 for p in players if p.finished),
        predictions=tuple(PredictionFigure(i, q.answered, q.correct) for i, q in enumerate(predictions, start=1)),
        shift=RoomShift(shift.respondents, public_shift),
        top=tuple(TopScore(p.name, p.score, p.correct, p.predicted) for p in ranked[:TOP_SCORES]),
        milestones=tuple(milestones),
    )


def streaks_at(finished: Mapping[str, Set[int]], number: int) -> dict[str, int]:
    """Each player's streak counted back from round ``number``."""
    return {player: daily_streak(rounds, number) for player, rounds in finished.items()}


class Period(StrEnum):
    ROUND = "round"  # the latest round in the channel
    WEEK = "week"  # since Monday 00:00 in the channel's time zone
    SEASON = "season"  # since an admin last started a season
    ALL = "all"


def week_start(now: datetime, zone: str) -> datetime:
    """Monday 00:00 of ``now``'s week in ``zone``, as a UTC instant."""
    local = now.astimezone(ZoneInfo(zone)).date()
    monday = local - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0, 0), tzinfo=ZoneInfo(zone)).astimezone(UTC)
