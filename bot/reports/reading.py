"""Reading reports from the store: one game's, or a class's over a term.

Both read the workspace's pseudonyms in the same snapshot as the answers, so a student has
one label in every report of a workspace (see ``bot.reports.pseudonyms``).
"""

from __future__ import annotations

from datetime import datetime

from bot.games.service import GameService
from bot.reports.class_report import ClassReport, build_class_report
from bot.reports.game_report import GameReport, build_report
from bot.reports.pseudonyms import read_pseudonyms
from bot.store.interface import Store
from bot.store.records import GameRef


async def game_report(database: Store, ref: GameRef, *, names: bool) -> GameReport:
    """One game's report, read in one snapshot (students are pseudonyms unless ``names``)."""
    pack = await GameService(database).pack_of(ref)
    async with database.read() as uow:
        record = await uow.reports.game_record(ref)
        pseudonyms = await read_pseudonyms(uow, ref.workspace_id)
    return build_report(record, pack, names=names, pseudonyms=pseudonyms)


async def class_report(
    database: Store,
    workspace_id: int,
    channel: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    names: bool = False,
) -> ClassReport:
    """Every game in ``channel`` of the workspace started within ``[since, until)`` (an empty
    class if there is none)."""
    async with database.read() as uow:
        listed = await uow.reports.listings(channel=channel, since=since, until=until, workspace_id=workspace_id)
    reports = [await game_report(database, game.ref, names=names) for game in listed]
    return build_class_report(
        reports, workspace_id=workspace_id, channel=channel, since=since, until=until, names=names
    )
