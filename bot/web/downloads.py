"""Every page's downloads, made by ``bot.reports``'s exporters (the files chat and the command
line give, so a download and the page agree): CSV with option texts and the answer key, XLSX
with a sheet per view, JSON, and the chart as PNG and SVG. Daily rounds' files are made here
from the rounds' summaries and leaderboards, with the same CSV and XLSX writers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.reports import exports
from bot.reports.chart import chart_png, chart_svg
from bot.reports.class_report import ClassReport
from bot.reports.exports import (
    class_csv,
    class_json,
    class_xlsx,
    game_xlsx,
    questions_csv,
    stances_csv,
    summary_json,
    table_csv,
)
from bot.reports.exports import gradebook_csv as students_csv
from bot.reports.game_report import GameReport
from bot.reports.tables import Table
from bot.store.records import GameListing
from bot.web import pages
from bot.web.app import STORE
from bot.web.round_chart import rounds_chart
from bot.web.sessions import Session

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json"
PNG = "image/png"
SVG = "image/svg+xml"

GameFile = Callable[[GameReport], str | bytes]
GAME_FILES: dict[str, tuple[str, GameFile]] = {
    "students.csv": (CSV, students_csv),
    "questions.csv": (CSV, questions_csv),
    "stances.csv": (CSV, stances_csv),
    "report.xlsx": (XLSX, game_xlsx),
    "summary.json": (JSON, summary_json),
    "chart.png": (PNG, chart_png),
    "chart.svg": (SVG, chart_svg),
}
ClassFile = Callable[[ClassReport], str | bytes]
CLASS_FILES: dict[str, tuple[str, ClassFile]] = {
    "students.csv": (CSV, class_csv),
    "report.xlsx": (XLSX, class_xlsx),
    "summary.json": (JSON, class_json),
}
ROUNDS_FILES = ("leaderboards.csv", "rounds.csv", "rounds.xlsx", "rounds.json", "chart.png", "chart.svg")
LIST_FILES = ("games.csv", "games.xlsx", "games.json")


def attachment(name: str, content_type: str, data: str | bytes) -> web.Response:
    body = data.encode("utf-8") if isinstance(data, str) else data
    response = web.Response(body=body, content_type=content_type)
    if content_type in (CSV, JSON, SVG):
        response.charset = "utf-8"
    # Downloaded, never shown inline: an SVG opened as a page could otherwise run as one.
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


async def game_file(request: web.Request, session: Session) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in GAME_FILES:
        raise web.HTTPNotFound()
    ref = await pages.own_game(request, session)
    report = await pages.read_report(request, ref, pages.wants_names(request))
    content_type, make = GAME_FILES[name]
    if name.startswith("chart."):  # titled with the class's channel name, as teachers know it
        async with request.app[STORE].read() as uow:
            channel = await uow.web.channel_name(ref.workspace_id, report.channel)
        chart = chart_png if name.endswith(".png") else chart_svg
        data: str | bytes = await asyncio.to_thread(chart, report, class_name=f"#{channel}" if channel else None)
    else:
        data = await asyncio.to_thread(make, report)  # workbooks take CPU: off the event loop
    return attachment(f"game-{ref.game_id}-{name}", content_type, data)


async def class_file(request: web.Request, session: Session) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in CLASS_FILES:
        raise web.HTTPNotFound()
    report = await pages.read_term(request, session)
    if report is None:
        raise web.HTTPNotFound()
    content_type, make = CLASS_FILES[name]
    data = await asyncio.to_thread(make, report)
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in report.channel)
    return attachment(f"class-{stem}-{name}", content_type, data)


async def rounds_file(request: web.Request, session: Session) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in ROUNDS_FILES:
        raise web.HTTPNotFound()
    seen = await pages.read_rounds(request, session)
    tables = rounds_tables(seen)
    if name == "leaderboards.csv":
        return attachment(name, CSV, table_csv(tables[0]))
    if name == "rounds.csv":
        return attachment(name, CSV, table_csv(tables[1]))
    if name.startswith("chart."):
        extension = name.removeprefix("chart.")
        data = await asyncio.to_thread(rounds_chart, seen.rounds, extension)
        return attachment(f"rounds-{name}", PNG if extension == "png" else SVG, data)
    if name == "rounds.xlsx":
        # The reports' own workbook writer (formula-like text neutralised, bold headers).
        data = await asyncio.to_thread(exports._workbook, tables)
        return attachment(name, XLSX, data)
    return attachment(name, JSON, json.dumps(rounds_json(seen), indent=2, ensure_ascii=False) + "\n")


async def games_file(request: web.Request, session: Session) -> web.StreamResponse:
    """The games list as the page's filters choose it."""
    name = request.match_info["name"]
    if name not in LIST_FILES:
        raise web.HTTPNotFound()
    table = games_table(await pages.listed_games(request, session))
    if name == "games.csv":
        return attachment(name, CSV, table_csv(table))
    if name == "games.xlsx":
        return attachment(name, XLSX, await asyncio.to_thread(exports._workbook, (table,)))
    rows = [dict(zip(table.header, row, strict=True)) for row in table.rows]
    return attachment(name, JSON, json.dumps({"games": rows}, indent=2, ensure_ascii=False) + "\n")


def games_table(listed: list[GameListing]) -> Table:
    return Table(
        "Games",
        ("Game", "Debate", "Question", "Channel", "Channel id", "Started (UTC)", "Students", "State", "Daily round"),
        tuple(
            (
                g.ref.game_id,
                g.pack_id,
                g.question,
                f"#{g.channel_name}" if g.channel_name else "",
                g.channel,
                g.started_at.strftime("%Y-%m-%d %H:%M"),
                g.players,
                g.status,
                g.round_number,
            )
            for g in listed
        ),
    )


def rounds_tables(seen: pages.RoundsView) -> tuple[Table, Table]:
    standings = Table(
        "Leaderboards",
        ("Period", "Rank", "Player", "Points", "Correct", "Predicted", "Rounds"),
        tuple(
            (board.period.value, rank, s.name, s.points, s.correct, s.predicted, s.rounds)
            for board in seen.leaderboards
            for rank, s in enumerate(board.standings, start=1)
        ),
    )
    rounds = Table(
        "Rounds",
        ("Round", "Debate", "Scheduled (UTC)", "Closed", "Started", "Finished", "Share right %", "Net shift"),
        tuple(
            (
                closed.round.number,
                closed.pack.question,
                closed.round.scheduled_for.strftime("%Y-%m-%d %H:%M"),
                "yes" if closed.round.closed_at else "no",
                closed.summary.started,
                closed.summary.finished,
                _round_share(closed.summary),
                closed.summary.shift.net_shift,
            )
            for closed in seen.rounds
        ),
    )
    return standings, rounds


def _round_share(summary: Any) -> int | None:
    answered = sum(p.answered for p in summary.predictions)
    return round(100 * sum(p.correct for p in summary.predictions) / answered) if answered else None


def rounds_json(seen: pages.RoundsView) -> dict[str, Any]:
    standings, rounds = rounds_tables(seen)
    return {
        "leaderboards": [dict(zip(standings.header, row, strict=True)) for row in standings.rows],
        "rounds": [dict(zip(rounds.header, row, strict=True)) for row in rounds.rows],
        "streak_milestones": [
            {"round": closed.round.number, "player": name, "streak": streak}
            for closed in seen.rounds
            for name, streak in closed.summary.milestones
        ],
    }
