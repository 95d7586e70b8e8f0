"""A report as files: CSV (one per view), XLSX (a sheet per view) and JSON.

CSVs are UTF-8 with a byte-order mark (so spreadsheet programs read accents right), a header
row, and the csv module's quoting. Every text cell passes through ``spreadsheet_text``: a name
or an argument starting with ``= + - @``, a tab or a carriage return would otherwise be read
by a spreadsheet as a formula (OWASP "CSV injection"), so it is prefixed with a single quote.
Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.engine.script import STANCE_SCALE, STANCE_VALUES
from bot.reports.class_report import ClassReport
from bot.reports.game_report import GameReport
from bot.reports.shifts import Shift
from bot.reports.tables import (
    Cell,
    Table,
    class_tables,
    game_tables,
    question_heading,
    questions_table,
    stances_table,
    students_table,
)

__all__ = [
    "class_csv",
    "class_json",
    "class_xlsx",
    "game_xlsx",
    "gradebook_csv",
    "question_heading",
    "questions_csv",
    "spreadsheet_text",
    "stances_csv",
    "summary_json",
    "table_csv",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """``text`` as a spreadsheet will show it, never run it: a leading formula character gets
    a single quote before it (OWASP's advice for CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Cell) -> str | int | float | None:
    return spreadsheet_text(value) if isinstance(value, str) else value


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(h) for h in table.header])
    for row in table.rows:
        writer.writerow(["" if c is None else _cell(c) for c in row])
    return "\ufeff" + out.getvalue()


def gradebook_csv(report: GameReport) -> str:
    """A row per student: each choice as its option's text (right or wrong), totals, shifts."""
    return table_csv(students_table(report))


def questions_csv(report: GameReport) -> str:
    """A row per option of every question: its text, share, and the real reply marked."""
    return table_csv(questions_table(report))


def stances_csv(report: GameReport) -> str:
    """A row per student and thread: the stance before, after, and the shift (blank if missing)."""
    return table_csv(stances_table(report))


def class_csv(report: ClassReport) -> str:
    """A row per student across the term: points per game, then totals."""
    return table_csv(class_tables(report)[1])


def _workbook(tables: tuple[Table, ...]) -> bytes:
    """A workbook streamed row by row (openpyxl's write-only mode: a 500-student game stays
    quick and small in memory); bold, wrapped headers, frozen first row and column."""
    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        for index in range(len(table.header)):
            values = [table.header[index], *(row[index] for row in table.rows)]
            widest = max((len(str(v)) for v in values if v is not None), default=8)
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(60, max(8, widest + 2))
        sheet.freeze_panes = "B2"
        header = []
        for title in table.header:
            cell = WriteOnlyCell(sheet, value=_cell(title))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_cell(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def game_xlsx(report: GameReport) -> bytes:
    """One workbook, a sheet per view: overview, students, questions (option texts and the
    answer key), stances, shifts, strongest arguments."""
    return _workbook(game_tables(report))


def class_xlsx(report: ClassReport) -> bytes:
    """The term's overview, students and games, then each game's students sheet."""
    per_game = tuple(
        Table(f"Game {g.game_id} students", t.header, t.rows) for g in report.games for t in (students_table(g),)
    )
    return _workbook(class_tables(report) + per_game)


def game_summary(report: GameReport) -> dict[str, Any]:
    """Everything in the report as plain data (what ``summary_json`` writes)."""
    return {
        "game": report.game_id,
        "debate": {"id": report.pack.id, "question": report.pack.question},
        "channel": report.channel,
        "started_at": report.started_at.isoformat(),
        "status": report.status,
        "students_appear_as": "names" if report.names else "pseudonyms",
        "share_correct": report.share_correct,
        "questions": [
            {
                "number": q.number,
                "kind": q.kind.value,
                "thread": q.thread_title,
                "asked": q.prompt,
                "answered": q.answered,
                "options": [
                    {
                        "letter": o.letter,
                        "text": o.text,
                        "side": o.side.value if o.side else None,
                        "count": o.count,
                        "share": o.share,
                        "real_reply": o.is_answer,
                    }
                    for o in q.options
                ],
                "answer": q.answer.text if q.answer else None,
                "share_correct": q.share_correct,
                "closed": q.closed,
            }
            for q in report.questions
        ],
        "hardest_questions": [q.number for q in report.hardest],
        "players": [
            {
                "student": p.label,
                **({"student_id": p.user_id} if report.names else {}),
                "answers": {
                    question_heading(q): q.option_text(p.answers[q.step])
                    for q in report.questions
                    if q.step in p.answers
                },
                "predictions_answered": p.predictions_answered,
                "predictions_asked": p.predictions_asked,
                "predictions_right": p.correct,
                "share_right": p.share_right,
                "stances_and_votes_given": p.opinions_answered,
                "answered": p.answered,
                "asked": p.asked,
                "participation": p.participation,
                "points": p.points,
                "stances": {t: {"before": b, "after": a} for t, (b, a) in p.stances.items()},
            }
            for p in report.players
        ],
        "threads": [{"id": t.thread_id, "title": t.title, **_shift_json(t.shift)} for t in report.threads],
        "whole_game": _shift_json(report.whole_game),
        "strongest_arguments": [
            {
                "rank": rank,
                "turn": turn.turn_id,
                "thread": turn.thread_title,
                "side": turn.side.value,
                "text": turn.text,
                "strength": turn.strength,
                "wins": turn.wins,
                "votes": turn.votes,
            }
            for rank, turn in enumerate(report.strongest, start=1)
        ],
        "scale": {"options": list(STANCE_SCALE), "values": list(STANCE_VALUES)},
    }


def summary_json(report: GameReport) -> str:
    """Everything in the report, for other tools."""
    return json.dumps(game_summary(report), indent=2, ensure_ascii=False) + "\n"


def class_json(report: ClassReport) -> str:
    """The term: each student's totals and every game's full summary."""
    data = {
        "channel": report.channel,
        "since": report.since.isoformat() if report.since else None,
        "until": report.until.isoformat() if report.until else None,
        "students_appear_as": "names" if report.names else "pseudonyms",
        "share_correct": report.share_correct,
        "students": [
            {
                "student": s.label,
                **({"student_id": s.user_id} if report.names else {}),
                "games_played": s.games_played,
                "points": s.points,
                "predictions_answered": s.predictions_answered,
                "predictions_asked": s.predictions_asked,
                "predictions_right": s.correct,
                "share_right": s.share_right,
                "answered": s.answered,
                "asked": s.asked,
                "participation": s.participation,
                "points_per_game": {
                    str(g.game_id): p.points if p else None for g, p in zip(report.games, s.per_game, strict=True)
                },
            }
            for s in report.students
        ],
        "games": [game_summary(g) for g in report.games],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _shift_json(shift: Shift) -> dict[str, Any]:
    data = asdict(shift)
    data["transitions"] = {"rows_before_cols_after": ["yes", "unsure", "no"], "counts": data["transitions"]}
    if shift.iq2 is not None:
        data["iq2"]["winner"] = shift.iq2.winner.value if shift.iq2.winner else "tie"
    return data
