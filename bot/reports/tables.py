"""A report as tables: one per view, the single source of the CSV files and the XLSX sheets.

A cell is text, a number or empty (None). Percentages are whole numbers (0–100); shifts are
numbers on the scale's values (+2 "Strongly yes" … −2 "Strongly no"), so a spreadsheet can
sort and average them. Every choice appears as its option's text, never only as the game's
shuffled letter, and a prediction's cell says whether it was right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from bot.engine.script import STANCE_SCALE, STANCE_VALUES, StepKind
from bot.reports.class_report import ClassReport
from bot.reports.game_report import GameReport, QuestionResult
from bot.reports.shifts import Shift

Cell = str | int | float | None

KIND_NAMES = {
    StepKind.STANCE: "stance",
    StepKind.PREDICT: "predict",
    StepKind.STRONGER: "stronger point",
    StepKind.FACTION: "faction",
}


@dataclass(frozen=True)
class Table:
    name: str  # the sheet's name (at most 31 characters) and the CSV file's suffix
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def percent(share: float | None) -> int | None:
    return None if share is None else round(100 * share)


def question_heading(question: QuestionResult) -> str:
    where = f" — {question.thread_title}" if question.thread_title else ""
    return f"Q{question.number:02d} {KIND_NAMES[question.kind]}{where}"


def choice_text(question: QuestionResult, option: int | None) -> str:
    """A student's choice as the option's text; a prediction says right or wrong first."""
    if option is None:
        return ""
    text = question.option_text(option)
    if question.kind is StepKind.PREDICT and question.correct_option is not None:
        return f"{'right' if option == question.correct_option else 'wrong'}: {text}"
    return text


def stance_shift(before: int | None, after: int | None) -> int | None:
    return None if before is None or after is None else STANCE_VALUES[after] - STANCE_VALUES[before]


def _date(report: GameReport) -> str:
    return report.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def overview_table(report: GameReport) -> Table:
    whole = report.whole_game
    rows: list[tuple[Cell, ...]] = [
        ("Debate", report.pack.question),
        ("Game", report.game_id),
        ("Class (channel)", report.channel),
        ("Started", _date(report)),
        ("State", report.status),
        ("Students", len(report.players)),
        ("Students appear as", "display names" if report.names else "pseudonyms, the same in every report"),
        ("Questions", len(report.questions)),
        ("Predictions", len(report.predictions)),
        ("Predictions right % (all answers)", percent(report.share_correct)),
        ("Whole-game net shift (first stance to last)", _round(whole.net_shift)),
        ("Whole-game respondents", whole.respondents),
        ("Shift scale", "+2 Strongly yes … 0 Unsure … −2 Strongly no; a positive shift is a move towards yes"),
    ]
    for rank, question in enumerate(report.hardest, start=1):
        answer = question.answer
        rows.append(
            (
                f"Hardest question {rank}",
                f"{question_heading(question)}: {percent(question.share_correct)}% right"
                + (f" (the real reply: {answer.text})" if answer else ""),
            )
        )
    return Table("Overview", ("Item", "Value"), tuple(rows))


def students_table(report: GameReport) -> Table:
    """The gradebook: a row per student, a column per question, then totals and shifts."""
    threads = report.pack.all_threads()
    identity = ("Student", "Student id") if report.names else ("Student",)
    header = (
        *identity,
        *(question_heading(q) for q in report.questions),
        "Predictions answered",
        "Predictions asked",
        "Predictions right",
        "Predictions right %",
        "Stances and votes given",
        "Questions answered",
        "Questions asked",
        "Participation %",
        "Points",
        *(f"Shift — {t.title}" for t in threads),
    )
    rows = []
    for player in report.players:
        who: tuple[Cell, ...] = (player.label, player.user_id) if report.names else (player.label,)
        rows.append(
            (
                *who,
                *(choice_text(q, player.answers.get(q.step)) for q in report.questions),
                player.predictions_answered,
                player.predictions_asked,
                player.correct,
                percent(player.share_right),
                player.opinions_answered,
                player.answered,
                player.asked,
                percent(player.participation),
                player.points,
                *(stance_shift(*player.stances.get(t.id, (None, None))) for t in threads),
            )
        )
    return Table("Students", header, tuple(rows))


def questions_table(report: GameReport) -> Table:
    """A row per option of every question: its text, answers, share, and the answer key."""
    header = (
        "Question",
        "Kind",
        "Thread",
        "Asked",
        "Option",
        "Option text",
        "Side",
        "Answers",
        "Share %",
        "Real reply",
        "Question answered by",
        "Question right %",
    )
    rows = []
    for question in report.questions:
        for option in question.options:
            rows.append(
                (
                    f"Q{question.number:02d}",
                    KIND_NAMES[question.kind],
                    question.thread_title,
                    question.prompt,
                    option.letter if question.kind is not StepKind.STANCE else "",
                    option.text,
                    option.side.title if option.side else "",
                    option.count,
                    percent(option.share) if question.answered else None,
                    "yes" if option.is_answer else "",
                    question.answered,
                    percent(question.share_correct),
                )
            )
    return Table("Questions", header, tuple(rows))


def stances_table(report: GameReport) -> Table:
    """A row per student and thread: the stance before, after, and the shift (blank if missing)."""
    identity = ("Student", "Student id") if report.names else ("Student",)
    rows = []
    for player in report.players:
        who: tuple[Cell, ...] = (player.label, player.user_id) if report.names else (player.label,)
        for thread in report.pack.all_threads():
            before, after = player.stances.get(thread.id, (None, None))
            rows.append(
                (
                    *who,
                    thread.title,
                    STANCE_SCALE[before] if before is not None else "",
                    STANCE_SCALE[after] if after is not None else "",
                    stance_shift(before, after),
                )
            )
    return Table("Stances", (*identity, "Thread", "Before", "After", "Shift"), tuple(rows))


def shifts_table(report: GameReport) -> Table:
    """Each thread's shift, then the whole game's: the measures of ``bot.reports.shifts``."""
    header = (
        "Thread",
        "Respondents",
        "Net shift",
        "Net shift SD",
        "Moved %",
        "Mean distance moved",
        "Yes before %",
        "Unsure before %",
        "No before %",
        "Yes after %",
        "Unsure after %",
        "No after %",
        "Intelligence Squared winner",
        "Yes gain (points)",
        "No gain (points)",
        "Yes→yes",
        "Yes→unsure",
        "Yes→no",
        "Unsure→yes",
        "Unsure→unsure",
        "Unsure→no",
        "No→yes",
        "No→unsure",
        "No→no",
    )
    measured = [(t.title, t.shift) for t in report.threads] + [("Whole game", report.whole_game)]
    return Table("Shifts", header, tuple(_shift_row(title, shift) for title, shift in measured))


def _shift_row(title: str, shift: Shift) -> tuple[Cell, ...]:
    before, after, iq2 = shift.before, shift.after, shift.iq2
    return (
        title,
        shift.respondents,
        _round(shift.net_shift),
        _round(shift.net_shift_sd),
        percent(shift.moved_share),
        _round(shift.mean_distance_moved),
        *(percent(s) for s in ((before.yes, before.unsure, before.no) if before else (None,) * 3)),
        *(percent(s) for s in ((after.yes, after.unsure, after.no) if after else (None,) * 3)),
        (iq2.winner.value if iq2.winner else "tie") if iq2 else None,
        percent(iq2.yes_gain) if iq2 else None,
        percent(iq2.no_gain) if iq2 else None,
        *(count for row in shift.transitions for count in row),
    )


def arguments_table(report: GameReport) -> Table:
    """The strongest arguments of this game's stronger-point votes (Bradley–Terry)."""
    rows = tuple(
        (rank, turn.thread_title, turn.side.title, turn.text, round(turn.strength, 3), turn.wins, turn.votes)
        for rank, turn in enumerate(report.strongest, start=1)
    )
    return Table("Strongest arguments", ("Rank", "Thread", "Side", "Argument", "Strength", "Wins", "Votes"), rows)


def game_tables(report: GameReport) -> tuple[Table, ...]:
    return (
        overview_table(report),
        students_table(report),
        questions_table(report),
        stances_table(report),
        shifts_table(report),
        arguments_table(report),
    )


def class_students_table(report: ClassReport) -> Table:
    """A row per student across the term: points per game, then totals."""
    identity = ("Student", "Student id") if report.names else ("Student",)
    header = (
        *identity,
        *(f"Game {g.game_id} points ({g.started_at.astimezone(UTC):%Y-%m-%d})" for g in report.games),
        "Games played",
        "Total points",
        "Predictions answered",
        "Predictions asked",
        "Predictions right",
        "Predictions right %",
        "Questions answered",
        "Questions asked",
        "Participation %",
    )
    rows = []
    for student in report.students:
        who: tuple[Cell, ...] = (student.label, student.user_id) if report.names else (student.label,)
        rows.append(
            (
                *who,
                *(p.points if p else None for p in student.per_game),
                student.games_played,
                student.points,
                student.predictions_answered,
                student.predictions_asked,
                student.correct,
                percent(student.share_right),
                student.answered,
                student.asked,
                percent(student.participation),
            )
        )
    return Table("Students", header, tuple(rows))


def class_games_table(report: ClassReport) -> Table:
    header = (
        "Game",
        "Started",
        "Debate",
        "State",
        "Students",
        "Predictions right %",
        "Whole-game net shift",
        "Whole-game respondents",
    )
    rows = tuple(
        (
            g.game_id,
            _date(g),
            g.pack.question,
            g.status,
            len(g.players),
            percent(g.share_correct),
            _round(g.whole_game.net_shift),
            g.whole_game.respondents,
        )
        for g in report.games
    )
    return Table("Games", header, rows)


def class_overview_table(report: ClassReport) -> Table:
    rows: tuple[tuple[Cell, ...], ...] = (
        ("Class (channel)", report.channel),
        ("From", f"{report.since:%Y-%m-%d}" if report.since else "the first game"),
        ("Until (excluded)", f"{report.until:%Y-%m-%d}" if report.until else "now"),
        ("Games", len(report.games)),
        ("Students", len(report.students)),
        ("Students appear as", "display names" if report.names else "pseudonyms, the same in every report"),
        ("Predictions right % (all answers)", percent(report.share_correct)),
    )
    return Table("Overview", ("Item", "Value"), rows)


def class_tables(report: ClassReport) -> tuple[Table, ...]:
    return (class_overview_table(report), class_students_table(report), class_games_table(report))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
