"""A report as files: the gradebook CSV, the stances CSV and a JSON summary.

CSVs are UTF-8 with a byte-order mark (so spreadsheet programs read accents right), a header
row, and one row per student; the csv module quotes names with commas or quotes.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from bot.engine.script import STANCE_SCALE, STANCE_VALUES, StepKind, option_letter
from bot.reports.game_report import GameReport, QuestionResult
from bot.reports.shifts import Shift

_KIND_NAMES = {
    StepKind.STANCE: "stance",
    StepKind.PREDICT: "predict",
    StepKind.STRONGER: "stronger point",
    StepKind.FACTION: "faction",
}


def question_heading(question: QuestionResult) -> str:
    where = f" — {question.thread_title}" if question.thread_title else ""
    return f"Q{question.number:02d} {_KIND_NAMES[question.kind]}{where}"


def _answer_text(question: QuestionResult, option: int | None) -> str:
    if option is None:
        return ""
    if question.kind is StepKind.STANCE:
        return STANCE_SCALE[option]
    letter = option_letter(option)
    if question.correct_option is not None:
        return f"{letter} ({'right' if option == question.correct_option else 'wrong'})"
    return letter


def gradebook_csv(report: GameReport) -> str:
    """A row per student, a column per question, then totals and each thread's stance shift."""
    out = io.StringIO()
    writer = csv.writer(out)
    threads = report.pack.all_threads()
    writer.writerow(
        ["Student"]
        + [question_heading(q) for q in report.questions]
        + ["Answered", "Asked", "Participation %", "Correct predictions", "Points"]
        + [f"Shift — {t.title}" for t in threads]
    )
    for player in report.players:
        shifts = []
        for thread in threads:
            before, after = player.stances.get(thread.id, (None, None))
            shifts.append("" if before is None or after is None else f"{_value(after) - _value(before):+d}")
        writer.writerow(
            [player.label]
            + [_answer_text(q, player.answers.get(q.step)) for q in report.questions]
            + [player.answered, player.asked, round(100 * player.participation), player.correct, player.points]
            + shifts
        )
    return "\ufeff" + out.getvalue()


def stances_csv(report: GameReport) -> str:
    """A row per student and thread: the stance before, after, and the shift (blank if missing)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Student", "Thread", "Before", "After", "Shift"])
    for player in report.players:
        for thread in report.pack.all_threads():
            before, after = player.stances.get(thread.id, (None, None))
            shift = "" if before is None or after is None else f"{_value(after) - _value(before):+d}"
            writer.writerow(
                [
                    player.label,
                    thread.title,
                    STANCE_SCALE[before] if before is not None else "",
                    STANCE_SCALE[after] if after is not None else "",
                    shift,
                ]
            )
    return "\ufeff" + out.getvalue()


def summary_json(report: GameReport) -> str:
    """Everything in the report, for other tools."""
    summary: dict[str, Any] = {
        "game": report.game_id,
        "debate": {"id": report.pack.id, "question": report.pack.question},
        "channel": report.channel,
        "started_at": report.started_at.isoformat(),
        "status": report.status,
        "questions": [
            {
                "number": q.number,
                "kind": q.kind.value,
                "thread": q.thread_title,
                "answered": q.answered,
                "options": {
                    label: {"count": c, "share": s}
                    for label, c, s in zip(q.option_labels, q.counts, q.shares, strict=True)
                },
                "share_correct": q.share_correct,
                "closed": q.closed,
            }
            for q in report.questions
        ],
        "players": [
            {
                "student": p.label,
                "answered": p.answered,
                "asked": p.asked,
                "participation": p.participation,
                "correct": p.correct,
                "points": p.points,
                "stances": {t: {"before": b, "after": a} for t, (b, a) in p.stances.items()},
            }
            for p in report.players
        ],
        "threads": [{"id": t.thread_id, "title": t.title, **_shift_json(t.shift)} for t in report.threads],
        "whole_game": _shift_json(report.whole_game),
        "scale": {"options": list(STANCE_SCALE), "values": [2, 1, 0, -1, -2]},
    }
    return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"


def _shift_json(shift: Shift) -> dict[str, Any]:
    data = asdict(shift)
    data["transitions"] = {"rows_before_cols_after": ["yes", "unsure", "no"], "counts": data["transitions"]}
    if shift.iq2 is not None:
        data["iq2"]["winner"] = shift.iq2.winner.value if shift.iq2.winner else "tie"
    return data


def _value(option: int) -> int:
    return STANCE_VALUES[option]
