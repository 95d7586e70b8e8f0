"""Waiting for an event with a time limit, without ever losing a cancellation.

Python 3.11's ``asyncio.wait_for`` returns normally, instead of raising ``CancelledError``,
when its task is cancelled in the same turn of the loop as the awaited thing completes
(CPython gh-86296; 3.12 rebuilt ``wait_for`` on ``asyncio.timeout``). A loop that sleeps
that way and is cancelled just as it is woken never learns it was cancelled. The daily-round
scheduler did exactly that when a schedule change woke it during shutdown: its ``close``
then waited for it forever, and so did the bot's. ``asyncio.timeout`` counts cancellations,
so one from outside always propagates.
"""

from __future__ import annotations

import asyncio


async def wait_set(event: asyncio.Event, seconds: float) -> bool:
    """Wait until ``event`` is set (True) or ``seconds`` have passed (False). Cancelling the
    caller raises ``CancelledError`` even if the event is set in the same turn of the loop."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return False
    return True
