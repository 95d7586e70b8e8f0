"""``wait_set``: an event or a time limit, and a cancellation is never lost (``bot.waking``)."""

from __future__ import annotations

import asyncio

import pytest

from bot.waking import wait_set


async def test_it_says_whether_the_event_was_set_or_the_time_ran_out() -> None:
    event = asyncio.Event()
    assert await wait_set(event, 0.01) is False
    asyncio.get_running_loop().call_later(0.01, event.set)
    assert await wait_set(event, 5) is True


async def test_a_cancellation_in_the_same_turn_as_the_wake_up_still_cancels() -> None:
    # The race that Python 3.11's asyncio.wait_for loses: the event is set and the waiter is
    # cancelled before the loop runs either; wait_for then returned True as if not cancelled.
    event = asyncio.Event()
    waiter = asyncio.create_task(wait_set(event, 60))
    await asyncio.sleep(0)  # the waiter is now inside event.wait()
    event.set()
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert waiter.cancelled()
