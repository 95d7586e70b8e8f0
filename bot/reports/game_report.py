"""Everything a teacher's report says about one game: a pure function of the game's record.

Students appear as pseudonyms ("Student 01") unless names are asked for. Pseudonyms are the
workspace's (``bot.reports.pseudonyms``): the same student is the same "Student NN" in every
game report and class report of a workspace. The host is not a student and is left out.
Nothing here is ever posted to a class. The model is what every output reads (the CSV, XLSX
and JSON files, the chart, the CLI and the results web site), so they cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.content.model import Pack, Side
from bot.engine.script import STANCE_SCALE, Script, Step, StepKind, option_letter
from bot.reports.ranking import RankedTurn, rank_turns
from bot.reports.shifts import Shift, measure_shift
from bot.store.records import GameRecord, Vote

HARDEST_LIMIT = 5  # the hardest questions a report singles out


@dataclass(frozen=True)
class OptionResult:
    """One option of a question as the students saw it (letters are the game's shuffled order)."""

    letter: str  # "A", "B", … (a stance's letter follows the scale, "Strongly yes" first)
    text: str  # the option's full text: the reply, the faction, the stance
    count: int
    share: float  # of the students who answered, 0 … 1
    is_answer: bool  # the real reply (predictions only: every other question is an opinion)
    side: Side | None = None  # whose turn this text is, when it is one


@dataclass(frozen=True)
class QuestionResult:
    step: int
    number: int  # 1-based among the game's questions
    kind: StepKind
    thread_title: str
    option_labels: tuple[str, ...]  # short labels: stance words, or letters
    counts: tuple[int, ...]
    correct_option: int | None
    closed: bool
    prompt: str = ""  # what was asked: the turn being answered, or the debate's question
    options: tuple[OptionResult, ...] = ()

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

    @property
    def answer(self) -> OptionResult | None:
        """The answer key: the real reply, for a prediction."""
        return self.options[self.correct_option] if self.correct_option is not None and self.options else None

    def option_text(self, option: int | None) -> str:
        """A choice as the option's text ("" for no answer)."""
        if option is None:
            return ""
        return self.options[option].text if self.options else self.option_labels[option]


@dataclass(frozen=True)
class PlayerResult:
    label: str  # "Student 07", or the display name when names were asked for
    answers: dict[int, int]  # step -> option
    correct: int  # predictions right
    points: int
    answered: int  # every question answered (predictions, stances, votes, factions)
    asked: int  # every question asked
    stances: dict[str, tuple[int | None, int | None]]  # thread id -> (before, after)
    user_id: str | None = None  # the platform's user id, only when names were asked for
    predictions_asked: int = 0
    predictions_answered: int = 0
    opinions_answered: int = 0  # stances, stronger-point votes and faction picks: never scored

    @property
    def participation(self) -> float:
        return self.answered / self.asked if self.asked else 0.0

    @property
    def share_right(self) -> float | None:
        """Share of the predictions this student answered that were right (None: answered none)."""
        return self.correct / self.predictions_answered if self.predictions_answered else None


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
    strongest: tuple[RankedTurn, ...] = ()  # this game's stronger-point votes, Bradley–Terry
    names: bool = False  # labels are display names (and user ids are present)
    workspace_id: int = 0

    @property
    def predictions(self) -> tuple[QuestionResult, ...]:
        return tuple(q for q in self.questions if q.kind is StepKind.PREDICT)

    @property
    def hardest(self) -> tuple[QuestionResult, ...]:
        """The predictions the class found hardest: lowest share correct first (answered ones only)."""
        answered = [q for q in self.predictions if q.share_correct is not None]
        ranked = sorted(answered, key=lambda q: (q.share_correct or 0.0, q.number))
        return tuple(ranked[:HARDEST_LIMIT])

    @property
    def share_correct(self) -> float | None:
        """Share of every prediction answered in the game that was right."""
        answered = sum(q.answered for q in self.predictions)
        right = sum(q.counts[q.correct_option] for q in self.predictions if q.correct_option is not None)
        return right / answered if answered else None


def pseudonym(number: int) -> str:
    """The label of a workspace's ``number``-th student (1-based): "Student 07", "Student 123"."""
    return f"Student {number:02d}"


def build_report(
    record: GameRecord, pack: Pack, *, names: bool, pseudonyms: Mapping[str, str] | None = None
) -> GameReport:
    """The report of one game, from what the store recorded. ``pseudonyms`` (user id -> label)
    are the workspace's, so a student has one label in every report; without it (a game seen
    on its own, in tests) students are numbered by joining order."""
    answers = list(record.answers)
    closed = set(record.closed_steps)
    roster = [p for p in record.roster if p.user_id != record.host]
    script = record.script
    by_player: dict[str, dict[int, int]] = {}
    for step, user, option in answers:
        by_player.setdefault(user, {})[step] = option
    questions = _question_results(script, pack, answers, closed)
    kinds = {q.step: q.kind for q in questions}
    predictions_asked = sum(1 for q in questions if q.kind is StepKind.PREDICT and q.closed)
    stance_steps = _stance_steps(script, pack)
    players = []
    for number, entry in enumerate(roster, start=1):
        label = entry.name if names else (pseudonyms or {}).get(entry.user_id, pseudonym(number))
        mine = by_player.get(entry.user_id, {})
        predicted = sum(1 for step in mine if kinds.get(step) is StepKind.PREDICT)
        players.append(
            PlayerResult(
                label,
                mine,
                entry.correct,
                entry.score,
                entry.answered,
                record.asked,
                _stances(stance_steps, mine),
                user_id=entry.user_id if names else None,
                predictions_asked=predictions_asked,
                predictions_answered=predicted,
                opinions_answered=len(mine) - predicted,
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
    students = {p.user_id for p in roster}
    votes = [
        Vote(script, step, option)
        for step, user, option in answers
        if user in students and kinds.get(step) is StepKind.STRONGER
    ]
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
        strongest=tuple(rank_turns(votes, pack)),
        names=names,
        workspace_id=record.ref.workspace_id,
    )


def _complete_pairs(stances: Iterable[tuple[int | None, int | None] | None]) -> dict[str, tuple[int, int]]:
    """Only players who gave both stances count towards a shift."""
    pairs: dict[str, tuple[int, int]] = {}
    for index, pair in enumerate(stances):
        if pair is not None and pair[0] is not None and pair[1] is not None:
            pairs[str(index)] = (pair[0], pair[1])
    return pairs


def _stance_steps(script: Script, pack: Pack) -> dict[str, tuple[int | None, int | None]]:
    """Each thread's stance steps: the one that opens it (before) and the one that closes it (after)."""
    return {
        thread.id: (
            next((s.index for s in script.steps if s.opens_thread == thread.id), None),
            next((s.index for s in script.steps if s.closes_thread == thread.id), None),
        )
        for thread in pack.all_threads()
    }


def _stances(
    steps: Mapping[str, tuple[int | None, int | None]], answers: dict[int, int]
) -> dict[str, tuple[int | None, int | None]]:
    return {
        thread_id: (
            answers.get(before) if before is not None else None,
            answers.get(after) if after is not None else None,
        )
        for thread_id, (before, after) in steps.items()
    }


def _prompt(pack: Pack, step: Step) -> str:
    match step.kind:
        case StepKind.PREDICT:
            turn = pack.turn(step.prompt_turn_id or "")
            return f"{turn.side.title} said: {turn.text}"
        case StepKind.STRONGER:
            return "Which is the stronger point?"
        case StepKind.FACTION:
            return "Which faction is closest to you?"
        case _:
            return pack.question


def _option_texts(pack: Pack, step: Step) -> list[tuple[str, Side | None]]:
    if step.kind is StepKind.STANCE:
        return [(text, None) for text in STANCE_SCALE]
    if step.kind is StepKind.FACTION:
        return [(faction.name, None) for faction in pack.divide.factions]
    return [(option.text, option.side) for option in step.options]


def _question_results(
    script: Script, pack: Pack, answers: list[tuple[int, str, int]], closed: set[int]
) -> tuple[QuestionResult, ...]:
    results = []
    questions = [s for s in script.steps if s.kind.is_question]
    tallies = Counter((answered_step, option) for answered_step, _, option in answers)  # one pass
    for number, step in enumerate(questions, start=1):
        texts = _option_texts(pack, step)
        counts = [tallies[(step.index, option)] for option in range(len(texts))]
        total = sum(counts)
        thread_id = step.thread_id or step.opens_thread or step.closes_thread
        labels = STANCE_SCALE if step.kind is StepKind.STANCE else tuple(option_letter(i) for i in range(len(texts)))
        options = tuple(
            OptionResult(
                option_letter(i),
                text,
                counts[i],
                counts[i] / total if total else 0.0,
                is_answer=i == step.correct_option,
                side=side,
            )
            for i, (text, side) in enumerate(texts)
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
                prompt=_prompt(pack, step),
                options=options,
            )
        )
    return tuple(results)
