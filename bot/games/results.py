"""Teachers' results rules, once for every platform: when the anonymous class summary may be
shared, and what it says. Adapters only deliver (files to the teacher, a post to the class).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from bot.content.model import Pack
from bot.engine.state import GameState, Phase, Status
from bot.games.presentation import public_shift_lines
from bot.reports.chart import chart_png
from bot.reports.game_report import GameReport
from bot.reports.writer import report_files

STILL_OPEN = (
    "A question is still open in this debate: results are shown only once it closes. "
    "Close it (Next) and press the button again."
)


def share_refusal(state: GameState) -> str | None:
    """Why the class summary may not be shared now, or None. While any question is open (a
    stance question included) players have not yet seen its results, and a shift line would
    show the room how a thread moved before its stance question closed."""
    if state.status is not Status.ENDED and state.phase is Phase.OPEN:
        return STILL_OPEN
    return None


def class_summary_lines(
    pack: Pack, state: GameState, pairs: Mapping[str, Mapping[str, tuple[int, int]]]
) -> tuple[str, ...]:
    """The shift lines the class may see: students only, with the public minimum applied."""
    return public_shift_lines(pack, state.host, pairs)


# Charts are drawn with matplotlib, which is CPU-bound and not thread-safe: one worker thread
# draws them one at a time, off the event loop, so no platform's heartbeat or acks wait on it.
_drawing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuttal-report")
TEACHER_FORMATS = ("csv", "xlsx", "png")  # in chat: students, questions and stances CSVs, the workbook, the chart


async def teacher_files(report: GameReport, formats: tuple[str, ...] = TEACHER_FORMATS) -> dict[str, str | bytes]:
    """The report's files for the teacher (file name to content), drawn off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_drawing, report_files, report, formats)


async def class_chart(report: GameReport) -> bytes:
    """The chart the class may see (per-thread totals only), drawn off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_drawing, partial(chart_png, report, public=True))
