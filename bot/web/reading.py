"""The reports the site shows, read through ``bot.reports`` (the one model every output uses),
so a page, its CSV and its XLSX cannot disagree."""

from __future__ import annotations

from datetime import datetime

from bot.reports.class_report import ClassReport
from bot.reports.game_report import GameReport
from bot.reports.reading import class_report, game_report
from bot.store.interface import Store
from bot.store.records import GameRef


async def read_game(database: Store, ref: GameRef, *, names: bool) -> GameReport:
    return await game_report(database, ref, names=names)


async def read_class(
    database: Store,
    workspace_id: int,
    channel: str,
    *,
    since: datetime | None,
    until: datetime | None,
    names: bool,
) -> ClassReport:
    return await class_report(database, workspace_id, channel, since=since, until=until, names=names)
