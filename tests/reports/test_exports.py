"""What a teacher downloads: option texts and the answer key, student ids only with names,
predictions apart from opinions, formulas neutralised, a workbook with a sheet per view."""

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.engine.script import StepKind
from bot.games.service import GameService
from bot.reports.exports import game_xlsx, gradebook_csv, questions_csv, spreadsheet_text, summary_json
from bot.reports.game_report import GameReport
from bot.reports.reading import game_report
from bot.store.database import Database
from tests.engine.helpers import ManualClock, sample_pack
from tests.reports.classroom import play_classroom


def rows_of(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


async def played(database: Path | str, *, names: bool, students: dict[str, str] | None = None) -> GameReport:
    async with Database.open(database) as db:
        ref = await play_classroom(GameService(db, ManualClock()), ManualClock(), students=students)
        return await game_report(db, ref, names=names)


async def test_questions_carry_option_texts_shares_and_the_answer_key(database_at: Path | str) -> None:
    report = await played(database_at, names=False)
    pack = sample_pack()
    predictions = report.predictions
    assert len(predictions) == 15
    for question in predictions:
        # The answer key is the real reply: the text the replying side actually said.
        assert question.answer is not None and question.answer.is_answer
        real = [o for o in question.options if o.is_answer]
        assert real == [question.options[question.correct_option or 0]]
        assert any(question.answer.text == turn.text for thread in pack.all_threads() for turn in thread.turns)
        assert question.prompt.split(" said: ", 1)[1] in {t.text for th in pack.all_threads() for t in th.turns}
        right = question.correct_option or 0
        wrong = (right + 1) % len(question.options)  # Pat's choice (tests.reports.classroom)
        assert [o.count for o in question.options] == [
            2 if i == right else 1 if i == wrong else 0 for i in range(len(question.options))
        ]
        assert question.share_correct == pytest.approx(2 / 3)
        assert sum(o.share for o in question.options) == pytest.approx(1.0)
    stance = report.questions[0]
    assert stance.kind is StepKind.STANCE and stance.options[0].text == "Strongly yes"
    assert stance.answer is None and not any(o.is_answer for o in stance.options)  # an opinion has no key
    faction = next(q for q in report.questions if q.kind is StepKind.FACTION)
    assert [o.text for o in faction.options] == [f.name for f in pack.divide.factions]

    rows = rows_of(questions_csv(report))
    first = predictions[0]
    mine = [r for r in rows if r["Question"] == f"Q{first.number:02d}"]
    assert [r["Option text"] for r in mine] == [o.text for o in first.options]  # texts, not only letters
    assert [r["Real reply"] for r in mine] == ["yes" if o.is_answer else "" for o in first.options]
    assert {r["Question right %"] for r in mine} == {"67"}

    summary = json.loads(summary_json(report))
    asked = next(q for q in summary["questions"] if q["number"] == first.number)
    assert first.answer is not None and asked["answer"] == first.answer.text
    assert [o["real_reply"] for o in asked["options"]] == [o.is_answer for o in first.options]


async def test_hardest_questions_are_the_lowest_share_right(database_at: Path | str) -> None:
    report = await played(database_at, names=False)
    assert report.hardest and len(report.hardest) <= 5
    shares = [q.share_correct or 0.0 for q in report.hardest]
    assert shares == sorted(shares)
    assert max(shares) <= min(q.share_correct or 0.0 for q in report.predictions if q not in report.hardest)
    assert report.share_correct == pytest.approx(2 / 3)


async def test_gradebook_shows_choices_as_text_and_keeps_predictions_apart(database_at: Path | str) -> None:
    report = await played(database_at, names=False)
    rows = rows_of(gradebook_csv(report))
    assert "Student id" not in rows[0]  # pseudonymous: no platform id anywhere
    ada, pat, _ = rows
    first = report.predictions[0]
    heading = next(h for h in rows[0] if h.startswith(f"Q{first.number:02d} predict"))
    assert first.answer is not None
    assert ada[heading] == f"right: {first.answer.text}"
    wrong = first.options[((first.correct_option or 0) + 1) % len(first.options)].text
    assert pat[heading] == f"wrong: {wrong}"
    assert (ada["Predictions answered"], ada["Predictions asked"], ada["Predictions right"]) == ("15", "15", "15")
    assert (ada["Predictions right %"], pat["Predictions right %"]) == ("100", "0")
    opinions = len(report.questions) - 15
    assert ada["Stances and votes given"] == str(opinions)
    assert pat["Stances and votes given"] == str(opinions - 1)  # Pat skipped one stance, no prediction
    assert ada["Questions answered"] == str(len(report.questions))
    assert all("student_id" not in p for p in json.loads(summary_json(report))["players"])


async def test_student_ids_appear_only_with_names(database_at: Path | str) -> None:
    report = await played(database_at, names=True)
    rows = rows_of(gradebook_csv(report))
    assert [(r["Student"], r["Student id"]) for r in rows] == [("Ada", "u1"), ('O"Brien, Pat', "u2"), ("Zoë", "u3")]
    assert [p["student_id"] for p in json.loads(summary_json(report))["players"]] == ["u1", "u2", "u3"]


@pytest.mark.parametrize("name", ["=2+3", "+2+3", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_spreadsheet_text_neutralises_every_formula_start(name: str) -> None:
    assert spreadsheet_text(name) == "'" + name
    assert spreadsheet_text("Ada =2+3") == "Ada =2+3"


async def test_a_student_named_like_a_formula_stays_text_in_csv_and_xlsx(
    tmp_path: Path, database_at: Path | str
) -> None:
    students = {"u1": "=2+3", "u2": "@cmd|' /C calc'!A0", "u3": "-1"}
    report = await played(database_at, names=True, students=students)
    rows = rows_of(gradebook_csv(report))
    assert [r["Student"] for r in rows] == ["'=2+3", "'@cmd|' /C calc'!A0", "'-1"]
    assert rows[0]["Points"] == "1500"  # numbers stay numbers

    path = tmp_path / "report.xlsx"
    path.write_bytes(game_xlsx(report))
    book = load_workbook(path)  # formulas as written, not computed values
    sheet = book["Students"]
    names = [sheet.cell(row=r, column=1).value for r in range(2, 5)]
    assert names == ["'=2+3", "'@cmd|' /C calc'!A0", "'-1"]
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, 5))  # text, never a formula
    assert not [c for row in book["Stances"].iter_rows() for c in row if c.data_type == "f"]


async def test_workbook_has_a_sheet_per_view_with_the_report_in_it(tmp_path: Path, database_at: Path | str) -> None:
    report = await played(database_at, names=False)
    path = tmp_path / "report.xlsx"
    path.write_bytes(game_xlsx(report))
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Overview", "Students", "Questions", "Stances", "Shifts", "Strongest arguments"]
    overview = {r[0]: r[1] for r in book["Overview"].iter_rows(min_row=2, values_only=True)}
    assert overview["Debate"] == report.pack.question and overview["Game"] == report.game_id
    assert overview["Students"] == 3 and overview["Predictions right % (all answers)"] == 67
    assert any(str(k).startswith("Hardest question 1") for k in overview)

    students = list(book["Students"].iter_rows(values_only=True))
    assert [r[0] for r in students[1:]] == ["Student 01", "Student 02", "Student 03"]
    assert students[1][students[0].index("Points")] == 1500  # a number, not text

    questions = list(book["Questions"].iter_rows(values_only=True))
    header = questions[0]
    keyed = [r for r in questions[1:] if r[header.index("Real reply")] == "yes"]
    assert [r[header.index("Option text")] for r in keyed] == [q.answer.text for q in report.predictions if q.answer]

    shifts = list(book["Shifts"].iter_rows(values_only=True))
    assert [r[0] for r in shifts[1:]] == [t.title for t in report.threads] + ["Whole game"]
    assert shifts[-1][shifts[0].index("Net shift")] == pytest.approx(round(report.whole_game.net_shift or 0, 2))

    arguments = list(book["Strongest arguments"].iter_rows(values_only=True))
    assert arguments[0] == ("Rank", "Thread", "Side", "Argument", "Strength", "Wins", "Votes")
    assert [r[3] for r in arguments[1:]] == [t.text for t in report.strongest]
    assert [r[6] for r in arguments[1:]] == [t.votes for t in report.strongest]


async def test_strongest_arguments_come_from_the_games_votes(database_at: Path | str) -> None:
    report = await played(database_at, names=False)
    votes = [q for q in report.questions if q.kind is StepKind.STRONGER]
    assert report.strongest and len(report.strongest) == 2 * len(votes)  # both turns of every vote
    assert sum(t.votes for t in report.strongest) == 2 * sum(q.answered for q in votes)
    assert sum(t.wins for t in report.strongest) == sum(q.answered for q in votes)
    strengths = [t.strength for t in report.strongest]
    assert strengths == sorted(strengths, reverse=True)
    # Two of three students chose the first option every time: it ranks above the second.
    first_texts = {q.options[0].text for q in votes}
    assert report.strongest[0].text in first_texts and report.strongest[-1].text not in first_texts
    ranked = json.loads(summary_json(report))["strongest_arguments"]
    assert [(a["rank"], a["text"], a["votes"]) for a in ranked] == [
        (i, t.text, t.votes) for i, t in enumerate(report.strongest, start=1)
    ]
