"""Teachers' results rules, once for every platform: when the anonymous class summary may be
shared, that it is posted once, and what it says. Adapters only deliver (files to the
teacher, a post to the class).

Sharing once: a game's summary changes only when another question closes, so a share is
keyed by the game and its count of closed questions and claimed in the store before anything
is posted (``ReportsRepository.claim_share``). A second press, a double click, a second
process or a press after a restart finds the claim and posts nothing; a press after more
questions have closed shares the newer summary. If the post fails, the claim is released so
the teacher can press again once the cause (which they are told) is fixed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from functools import partial

from bot.content.model import Pack
from bot.engine.state import GameState, Phase, Status
from bot.games.presentation import public_shift_lines
from bot.games.service import GameService
from bot.reports.chart import chart_png
from bot.reports.game_report import GameReport
from bot.reports.writer import report_files
from bot.store.records import GameRef

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


SHARED = "Shared the anonymous summary of game {game} with the class (the chart and each thread's average shift)."


class ShareFailed(Exception):
    """The platform would not take the post; the message tells the teacher why and what to do."""


def already_shared(game_id: int, earlier: str, ended: bool) -> str:
    """The reply to a press that finds the summary shared (or being shared) already."""
    if earlier == "posting":
        return f"The anonymous summary of game {game_id} is being posted right now; it will not be posted twice."
    later = "" if ended else " It can be shared again once more questions have closed."
    return f"The anonymous summary of game {game_id} was already shared ({earlier}), so it was not posted again.{later}"


async def share_once(service: GameService, ref: GameRef, post: Callable[[], Awaitable[None]]) -> str:
    """Run ``post`` (the adapter's delivery of the summary) only if the summary may be shared
    now and has not been shared as it stands; returns what to tell the teacher."""
    state = await service.load(ref)
    refusal = share_refusal(state)
    if refusal is not None:
        return refusal
    async with service.database.write() as uow:
        earlier = await uow.reports.claim_share(ref, state.asked, service.clock())
    if earlier is not None:
        return already_shared(ref.game_id, earlier, state.status is Status.ENDED)
    try:
        await post()
    except BaseException as error:  # released on any failure (a cancellation too), then re-raised or told
        async with service.database.write() as uow:
            await uow.reports.finish_share(ref, state.asked, None)
        if isinstance(error, ShareFailed):
            return str(error)
        raise
    async with service.database.write() as uow:
        await uow.reports.finish_share(ref, state.asked, f"posted {service.clock().astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    return SHARED.format(game=ref.game_id)


def class_summary_lines(
    pack: Pack, state: GameState, pairs: Mapping[str, Mapping[str, tuple[int, int]]]
) -> tuple[str, ...]:
    """The shift lines the class may see: students only, with the public minimum applied."""
    return public_shift_lines(pack, state.host, pairs)


# Charts are drawn with matplotlib, which is CPU-bound and not thread-safe: one worker thread
# draws them one at a time, off the event loop, so no platform's heartbeat or acks wait on it.
_drawing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuttal-report")
TEACHER_FORMATS = ("csv", "xlsx", "png")  # in chat: students, questions and stances CSVs, the workbook, the chart


async def teacher_files(
    report: GameReport, formats: tuple[str, ...] = TEACHER_FORMATS, *, class_name: str | None = None
) -> dict[str, str | bytes]:
    """The report's files for the teacher (file name to content), drawn off the event loop.
    ``class_name`` (e.g. "#civics-7b"), when the platform knows it, titles the chart."""
    drawing = partial(report_files, report, formats, class_name=class_name)
    return await asyncio.get_running_loop().run_in_executor(_drawing, drawing)


async def class_chart(report: GameReport, *, class_name: str | None = None) -> bytes:
    """The chart the class may see (per-thread totals only), drawn off the event loop."""
    drawing = partial(chart_png, report, public=True, class_name=class_name)
    return await asyncio.get_running_loop().run_in_executor(_drawing, drawing)
