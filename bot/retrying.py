"""Reaching a chat platform at start: the same patient, quiet behaviour on every platform.

While the platform is out of reach (connection refused, timed out, a server error) the bot
tries again with exponential backoff, 1 s doubling to 60 s, logging one WARNING line per
failed attempt and never a traceback; SIGTERM or Ctrl-C stops the waiting at once. What
waiting cannot mend (a rejected token) is not an ``Unreachable``: it propagates, and the
entry point exits with one line.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.waking import wait_set

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 1.0
LONGEST_RETRY_SECONDS = 60.0


class Unreachable(Exception):
    """One failed attempt to reach a platform, worth trying again; the text says why."""


async def until_reached(platform: str, attempt: Callable[[], Awaitable[None]], stop: asyncio.Event) -> bool:
    """Run ``attempt`` until it returns (True) or ``stop`` is set while waiting (False)."""
    delay, tries = FIRST_RETRY_SECONDS, 1
    while True:
        try:
            await attempt()
        except Unreachable as problem:
            log.warning("cannot reach %s (attempt %d: %s); trying again in %.0f s", platform, tries, problem, delay)
        else:
            if tries > 1:
                log.info("reached %s after %d attempts", platform, tries)
            return True
        if await wait_set(stop, delay):
            return False
        delay, tries = min(delay * 2, LONGEST_RETRY_SECONDS), tries + 1


class OneLineRetries(logging.Filter):
    """Libraries log each failed reconnection with a full traceback (slack_sdk's Socket Mode
    every 10 s, discord.py's gateway with its backoff), forever while a platform is out of
    reach. On a logger with this filter, a record starting with one of ``prefixes`` becomes
    one WARNING line naming the error, without the traceback."""

    def __init__(self, *prefixes: str) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.getMessage().startswith(self.prefixes):
            error = record.exc_info[1]
            record.msg, record.args = f"{record.getMessage()} ({type(error).__name__}: {error})", None
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_retries(logger: logging.Logger, *prefixes: str) -> None:
    """Put ``OneLineRetries(*prefixes)`` on ``logger`` (once)."""
    if not any(isinstance(existing, OneLineRetries) for existing in logger.filters):
        logger.addFilter(OneLineRetries(*prefixes))
