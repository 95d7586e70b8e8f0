"""The chart says what it shows: debate, class and date in the title, a 0–100% axis, the
whole game beside the threads, and a note on the shift scale; as PNG and as SVG."""

import struct
import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime
from pathlib import Path

from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from bot.games.service import GameService
from bot.reports.chart import CAMP_STYLE, SCALE_NOTE, WHOLE_GAME, chart_figure, chart_png, chart_svg
from bot.reports.game_report import GameReport
from bot.reports.reading import game_report
from bot.store.database import Database
from tests.engine.helpers import ManualClock
from tests.reports.classroom import play_classroom


async def played(database: Path | str) -> GameReport:
    clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    async with Database.open(database) as db:
        ref = await play_classroom(GameService(db, clock), clock)
        return await game_report(db, ref, names=False)


async def test_chart_title_axis_whole_game_and_scale_note(database_at: Path | str) -> None:
    report = await played(database_at)
    figure = chart_figure(report)
    axis = figure.axes[0]
    title = axis.get_title()
    assert report.pack.question[:40] in title.replace("\n", " ")
    assert "room-7" in title and "2026-03-02" in title and f"game {report.game_id}" in title
    assert axis.get_ylim() == (0.0, 100.0)
    assert [t.get_text() for t in axis.get_yticklabels()] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    labels = [t.get_text() for t in axis.texts]
    whole = report.whole_game.net_shift or 0.0
    assert any(t.startswith("Whole game") and f"net {whole:+.2f} (n=3)" in t for t in labels)
    assert sum(1 for t in labels if "net " in t) == len(report.threads) + 1
    notes = " ".join(t.get_text() for t in figure.texts).replace("\n", " ")
    assert "+2 (Strongly yes)" in notes and "−2 (Strongly no)" in notes and "n: students who gave both" in notes
    legend = axis.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["Yes", "Unsure", "No"]
    colours = {to_hex(p.get_facecolor()).upper() for p in axis.patches if isinstance(p, Rectangle)}
    assert colours == {colour for _, colour, _ in CAMP_STYLE}  # the colour-blind-safe palette only
    assert WHOLE_GAME.startswith("Whole game") and "−4" in SCALE_NOTE


async def test_chart_as_png_and_svg(database_at: Path | str) -> None:
    report = await played(database_at)
    png = chart_png(report)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 700 and height >= 600
    svg = chart_svg(report)
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    words = " ".join(e.text or "" for e in root.iter() if e.tag.endswith("text"))
    assert "room-7" in words and "Whole game" in words and "100%" in words  # text stays text
    assert chart_svg(report) == svg  # deterministic: the web site can cache it
    assert "Class 7th grade A" in chart_svg(report, class_name="7th grade A")
