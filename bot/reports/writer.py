"""Writing report files for one game or for a class (every game in a channel and period)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from bot.games.service import GameService
from bot.reports.catalog import GameListing
from bot.reports.chart import chart_png
from bot.reports.exports import gradebook_csv, stances_csv, summary_json
from bot.reports.game_report import GameReport, build_report
from bot.store.interface import Store
from bot.store.records import GameRef


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    if isinstance(data, bytes):
        temporary.write_bytes(data)
    else:
        temporary.write_text(data, encoding="utf-8", newline="")
    temporary.replace(path)
    return path


def chart_file_name(game_id: int) -> str:
    return f"game-{game_id}-chart.png"


def report_files(report: GameReport, formats: Sequence[str]) -> dict[str, str | bytes]:
    """File name -> contents for the requested formats of one game's report."""
    stem = f"game-{report.game_id}"
    files: dict[str, str | bytes] = {}
    if "csv" in formats:
        files[f"{stem}-students.csv"] = gradebook_csv(report)
        files[f"{stem}-stances.csv"] = stances_csv(report)
    if "json" in formats:
        files[f"{stem}-summary.json"] = summary_json(report)
    if "png" in formats:
        files[chart_file_name(report.game_id)] = chart_png(report)
    return files


async def game_report(
    database: Store, ref: GameRef, *, names: bool, pseudonyms: dict[str, str] | None = None
) -> GameReport:
    """One game's report, read in one snapshot (students are pseudonyms unless ``names``)."""
    pack = await GameService(database).pack_of(ref)
    async with database.read() as uow:
        record = await uow.reports.game_record(ref)
    return build_report(record, pack, names=names, pseudonyms=pseudonyms)


async def write_game_report(
    database: Store, ref: GameRef, folder: Path, formats: Sequence[str], *, names: bool
) -> list[Path]:
    report = await game_report(database, ref, names=names)
    return [_write(folder / name, data) for name, data in report_files(report, formats).items()]


async def write_class_report(
    database: Store, games: Sequence[GameListing], folder: Path, formats: Sequence[str], *, names: bool
) -> list[Path]:
    """Each game's files with the same pseudonym for a student throughout, plus a class CSV."""
    pseudonyms = await _class_pseudonyms(database, games)
    reports = [await game_report(database, g.ref, names=names, pseudonyms=pseudonyms) for g in games]
    written = [_write(folder / name, data) for r in reports for name, data in report_files(r, formats).items()]
    written.append(_write(folder / "class-summary.csv", class_csv(reports)))
    return written


async def _class_pseudonyms(database: Store, games: Sequence[GameListing]) -> dict[str, str]:
    labels: dict[str, str] = {}
    async with database.read() as uow:
        for game in games:
            for user_id in await uow.reports.students(game.ref):
                labels.setdefault(user_id, f"Student {len(labels) + 1:02d}")
    return labels


def class_csv(reports: Sequence[GameReport]) -> str:
    """A row per student: points per game, then totals across the period."""
    students = list(dict.fromkeys(p.label for r in reports for p in r.players))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Student"]
        + [f"Game {r.game_id} points ({r.started_at:%Y-%m-%d})" for r in reports]
        + ["Total points", "Correct predictions", "Answered", "Asked", "Participation %"]
    )
    for student in students:
        mine = [next((p for p in r.players if p.label == student), None) for r in reports]
        points = [p.points if p else "" for p in mine]
        played = [p for p in mine if p]
        answered, asked = sum(p.answered for p in played), sum(p.asked for p in played)
        writer.writerow(
            [
                student,
                *points,
                sum(p.points for p in played),
                sum(p.correct for p in played),
                answered,
                asked,
                round(100 * answered / asked) if asked else 0,
            ]
        )
    return "\ufeff" + out.getvalue()
