"""Writing report files for one game or for a class (every game in a channel and period).

File names say what they hold, so no two reports share one: a game's files are
``game-<id>-<view>.<ext>``; a class's are ``class-<channel>-<from>-to-<until>-<view>.<ext>``
(its games' own files keep their game names, and their contents are the same as a game
report's because pseudonyms are the workspace's). An existing file is never replaced
silently: unless ``overwrite`` is asked for, writing refuses before touching anything and
names the files in the way (``ReportFilesExist``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.reports.chart import chart_png, chart_svg
from bot.reports.class_report import ClassReport
from bot.reports.exports import (
    class_csv,
    class_json,
    class_xlsx,
    game_xlsx,
    gradebook_csv,
    questions_csv,
    stances_csv,
    summary_json,
)
from bot.reports.game_report import GameReport
from bot.reports.reading import game_report
from bot.store.interface import Store
from bot.store.records import GameRef

__all__ = [
    "FORMATS",
    "ReportFilesExist",
    "class_file_stem",
    "class_files",
    "game_report",
    "report_files",
    "write_files",
    "write_game_report",
]

FORMATS = ("csv", "xlsx", "json", "png", "svg")


class ReportFilesExist(Exception):
    """Writing would replace files that are already there."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = tuple(paths)
        names = ", ".join(str(p) for p in paths)
        super().__init__(f"these files exist already: {names} (choose another folder, or replace them on purpose)")


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    if isinstance(data, bytes):
        temporary.write_bytes(data)
    else:
        temporary.write_text(data, encoding="utf-8", newline="")
    temporary.replace(path)
    return path


def write_files(folder: Path, files: dict[str, str | bytes], *, overwrite: bool = False) -> list[Path]:
    """Write every file, or none: refuses (``ReportFilesExist``) if one exists and not ``overwrite``."""
    existing = [folder / name for name in files if (folder / name).exists()]
    if existing and not overwrite:
        raise ReportFilesExist(existing)
    return [_write(folder / name, data) for name, data in files.items()]


def chart_file_name(game_id: int, extension: str = "png") -> str:
    return f"game-{game_id}-chart.{extension}"


def report_files(
    report: GameReport, formats: Sequence[str], *, class_name: str | None = None
) -> dict[str, str | bytes]:
    """File name -> contents for the requested formats of one game's report (``class_name``
    titles the chart when the caller knows the channel's name)."""
    stem = f"game-{report.game_id}"
    files: dict[str, str | bytes] = {}
    if "csv" in formats:
        files[f"{stem}-students.csv"] = gradebook_csv(report)
        files[f"{stem}-questions.csv"] = questions_csv(report)
        files[f"{stem}-stances.csv"] = stances_csv(report)
    if "xlsx" in formats:
        files[f"{stem}-report.xlsx"] = game_xlsx(report)
    if "json" in formats:
        files[f"{stem}-summary.json"] = summary_json(report)
    if "png" in formats:
        files[chart_file_name(report.game_id)] = chart_png(report, class_name=class_name)
    if "svg" in formats:
        files[chart_file_name(report.game_id, "svg")] = chart_svg(report, class_name=class_name)
    return files


def class_file_stem(report: ClassReport) -> str:
    """``class-<channel>-<from>-to-<until>``, safe as a file name on every system."""
    channel = re.sub(r"[^A-Za-z0-9_.-]+", "_", report.channel).strip("._") or "channel"

    def day(moment: datetime | None, missing: str) -> str:
        return f"{moment:%Y-%m-%d}" if moment else missing

    return f"class-{channel}-{day(report.since, 'start')}-to-{day(report.until, 'now')}"


def class_files(report: ClassReport, formats: Sequence[str]) -> dict[str, str | bytes]:
    """The class's own files, then each game's files (charts are per game)."""
    stem = class_file_stem(report)
    files: dict[str, str | bytes] = {}
    if "csv" in formats:
        files[f"{stem}-students.csv"] = class_csv(report)
    if "xlsx" in formats:
        files[f"{stem}-report.xlsx"] = class_xlsx(report)
    if "json" in formats:
        files[f"{stem}-summary.json"] = class_json(report)
    for game in report.games:
        files.update(report_files(game, [f for f in formats if f != "json"]))
    return files


async def write_game_report(
    database: Store, ref: GameRef, folder: Path, formats: Sequence[str], *, names: bool, overwrite: bool = False
) -> list[Path]:
    report = await game_report(database, ref, names=names)
    return write_files(folder, report_files(report, formats), overwrite=overwrite)
