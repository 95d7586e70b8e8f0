"""Waiting for something to happen, not for a fixed time.

A loop of ``for _ in range(100): … sleep(0.02)`` is a two-second wall-clock budget in
disguise: on a loaded machine the thing it waits for takes longer and the test fails. These
wait on a condition with a deadline far past any real delay, and return as soon as it holds,
so a quick machine is no slower and a slow one no flakier.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

PATIENCE = 60.0  # seconds: only reached when something is really broken
POLL = 0.01


async def until(check: Callable[[], bool | Awaitable[bool]], what: str, timeout: float = PATIENCE) -> None:
    """Return once ``check()`` is true; fail naming ``what`` after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        await asyncio.sleep(POLL)
