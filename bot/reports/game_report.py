"""Everything a teacher's report says about one game: a pure function of the game's record.

Players appear as pseudonyms ("Student 01", numbered by order of joining) unless names are
asked for; the host is not a student and is left out. Nothing here is ever posted to a class.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.content.model import Pack
from bot.engine.script import STANCE_SCALE, Script, StepKind, option_letter
from bot.reports.shifts import Shift, measure_shift
from bot.store.records import GameRecord


@dataclass(frozen=True)
class QuestionResult:
    step: int
    number: int  # 1-based among the game's questions
    kind: StepKind
    thread_title: str
    option_labels: tuple[str, ...]
    counts: tuple[int, ...]
    correct_option: int | None
    closed: bool

    @property
    def answered(self) -> int:
        return sum(self.counts)

    @property
    def shares(self) -> tuple[float, ...]:
        return tuple(c / self.answered if self.answered else 0.0 for c in self.counts)

    @property
    def share_correct(self) -> float | None:
        if self.correct_option is None or not self.answered:
            return None
        return self.counts[self.correct_option] / self.answered


@dataclass(frozen=True)
class PlayerResult:
    label: str
    answers: dict[int, int]  # step -> option
    correct: int
    points: int
    answered: int
    asked: int
    stances: dict[str, tuple[int | None, int | None]]  # thread id -> (before, after)

    @property
    def participation(self) -> float:
        return self.answered / self.asked if self.asked else 0.0


@dataclass(frozen=True)
class ThreadResult:
    thread_id: str
    title: str
    shift: Shift


@dataclass(frozen=True)
class GameReport:
    game_id: int
    pack: Pack
    channel: str
    started_at: datetime
    status: str
    questions: tuple[QuestionResult, ...]
    players: tuple[PlayerResult, ...]
    threads: tuple[ThreadResult, ...]
    whole_game: Shift  # the first stance against the last one


def build_report(
    record: GameRecord, pack: Pack, *, names: bool, pseudonyms: Mapping[str, str] | None = None
) -> GameReport:
    """The report of one game, from what the store recorded. ``pseudonyms`` (user id -> label)
    keeps labels consistent across the games of a class report; otherwise students are
    numbered by joining order."""
    answers = list(record.answers)
    closed = set(record.closed_steps)
    roster = [p for p in record.roster if p.user_id != record.host]
    script = record.script
    by_player: dict[str, dict[int, int]] = {}
    for step, user, option in answers:
        by_player.setdefault(user, {})[step] = option
    questions = _question_results(script, pack, answers, closed)
    players = []
    for number, entry in enumerate(roster, start=1):
        label = entry.name if names else (pseudonyms or {}).get(entry.user_id, f"Student {number:02d}")
        mine = by_player.get(entry.user_id, {})
        players.append(
            PlayerResult(
                label, mine, entry.correct, entry.score, entry.answered, record.asked, _stances(script, pack, mine)
            )
        )
    threads = tuple(
        ThreadResult(t.id, t.title, measure_shift(_complete_pairs(p.stances.get(t.id) for p in players)))
        for t in pack.all_threads()
    )
    first = next(s.index for s in script.steps if s.kind is StepKind.STANCE)
    last = max(s.index for s in script.steps if s.kind is StepKind.STANCE)
    whole = measure_shift(
        {
            str(i): (p.answers[first], p.answers[last])
            for i, p in enumerate(players)
            if first in p.answers and last in p.answers
        }
    )
    return GameReport(
        record.ref.game_id,
        pack,
        record.channel,
        record.started_at,
        record.status,
        questions,
        tuple(players),
        threads,
        whole,
    )


def _complete_pairs(stances: Iterable[tuple[int | None, int | None] | None]) -> dict[str, tuple[int, int]]:
    """Only players who gave both stances count towards a shift."""
    pairs: dict[str, tuple[int, int]] = {}
    for index, pair in enumerate(stances):
        if pair is not None and pair[0] is not None and pair[1] is not None:
            pairs[str(index)] = (pair[0], pair[1])
    return pairs


def _stances(script: Script, pack: Pack, answers: dict[int, int]) -> dict[str, tuple[int | None, int | None]]:
    stances: dict[str, tuple[int | None, int | None]] = {}
    for thread in pack.all_threads():
        before = next((s.index for s in script.steps if s.opens_thread == thread.id), None)
        after = next((s.index for s in script.steps if s.closes_thread == thread.id), None)
        stances[thread.id] = (
            answers.get(before) if before is not None else None,
            answers.get(after) if after is not None else None,
        )
    return stances


def _question_results(
    script: Script, pack: Pack, answers: list[tuple[int, str, int]], closed: set[int]
) -> tuple[QuestionResult, ...]:
    results = []
    questions = [s for s in script.steps if s.kind.is_question]
    for number, step in enumerate(questions, start=1):
        counts = [0] * len(step.options)
        for answered_step, _, option in answers:
            if answered_step == step.index:
                counts[option] += 1
        thread_id = step.thread_id or step.opens_thread or step.closes_thread
        labels = (
            STANCE_SCALE if step.kind is StepKind.STANCE else tuple(option_letter(i) for i in range(len(step.options)))
        )
        results.append(
            QuestionResult(
                step.index,
                number,
                step.kind,
                pack.thread(thread_id).title if thread_id else "",
                tuple(labels),
                tuple(counts),
                step.correct_option,
                step.index in closed,
            )
        )
    return tuple(results)
