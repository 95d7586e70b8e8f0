"""A class over a term: every game in one channel of one workspace between two dates.

A pure function of the games' reports, which share the workspace's pseudonyms, so a student
is one row here and the same "Student NN" in each game. Read by the class files (CSV, XLSX,
JSON), the CLI and the results web site.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.reports.game_report import GameReport, PlayerResult


@dataclass(frozen=True)
class ClassStudent:
    label: str
    user_id: str | None  # only when names were asked for
    per_game: tuple[PlayerResult | None, ...]  # one entry per game of the term, None: absent

    @property
    def played(self) -> tuple[PlayerResult, ...]:
        return tuple(p for p in self.per_game if p is not None)

    @property
    def games_played(self) -> int:
        return len(self.played)

    @property
    def points(self) -> int:
        return sum(p.points for p in self.played)

    @property
    def answered(self) -> int:
        return sum(p.answered for p in self.played)

    @property
    def asked(self) -> int:
        return sum(p.asked for p in self.played)

    @property
    def participation(self) -> float:
        return self.answered / self.asked if self.asked else 0.0

    @property
    def predictions_answered(self) -> int:
        return sum(p.predictions_answered for p in self.played)

    @property
    def predictions_asked(self) -> int:
        return sum(p.predictions_asked for p in self.played)

    @property
    def correct(self) -> int:
        return sum(p.correct for p in self.played)

    @property
    def share_right(self) -> float | None:
        return self.correct / self.predictions_answered if self.predictions_answered else None


@dataclass(frozen=True)
class ClassReport:
    workspace_id: int
    channel: str
    since: datetime | None  # first instant included (None: from the first game)
    until: datetime | None  # first instant excluded (None: up to now)
    games: tuple[GameReport, ...]  # oldest first
    students: tuple[ClassStudent, ...]  # by label: "Student 01" first, or names alphabetically
    names: bool = False

    @property
    def share_correct(self) -> float | None:
        answered = sum(s.predictions_answered for s in self.students)
        return sum(s.correct for s in self.students) / answered if answered else None


def build_class_report(
    reports: Sequence[GameReport],
    *,
    workspace_id: int,
    channel: str,
    since: datetime | None = None,
    until: datetime | None = None,
    names: bool = False,
) -> ClassReport:
    """The term's reports gathered per student (reports must use the workspace's pseudonyms,
    or names: a label is the student's identity across games, a user id when present)."""
    ordered = sorted(reports, key=lambda r: (r.started_at, r.game_id))
    keys: dict[str, tuple[str, str | None]] = {}
    for report in ordered:
        for player in report.players:
            keys.setdefault(player.user_id or player.label, (player.label, player.user_id))
    students = []
    for key, (label, user_id) in keys.items():
        per_game = tuple(next((p for p in r.players if (p.user_id or p.label) == key), None) for r in ordered)
        students.append(ClassStudent(label, user_id, per_game))
    students.sort(key=lambda s: _label_order(s.label))
    return ClassReport(workspace_id, channel, since, until, tuple(ordered), tuple(students), names)


def _label_order(label: str) -> tuple[int, str]:
    number = label.removeprefix("Student ")
    return (int(number), "") if number.isdigit() else (10**9, label.casefold())
