"""Stopping a bot process cleanly: SIGTERM (``docker stop``, systemd) is handled like Ctrl-C.

As PID 1 in a container a process that ignores SIGTERM is killed 10 seconds later, cutting
off clicks in flight. Both chat bots install ``stop_on_signals`` while they serve: the first
signal logs one line and asks the bot to stop (take no new clicks, finish those in flight,
close the store); the bot then returns normally, so the process exits with status 0.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# Docker waits 10 s between SIGTERM and SIGKILL; stopping must fit well inside that.
STOP_BUDGET_SECONDS = 8.0


@contextmanager
def stop_on_signals(stop: Callable[[], object]) -> Iterator[None]:
    """Within the block, SIGTERM and SIGINT call ``stop`` (once) instead of killing the process
    or raising ``KeyboardInterrupt`` at an arbitrary point; the previous handlers come back after."""
    loop = asyncio.get_running_loop()
    if threading.current_thread() is not threading.main_thread():
        # Only the main thread receives signals (a test may run a bot in another thread).
        yield
        return
    stopping = False

    def received(signum: int) -> None:
        nonlocal stopping
        name = signal.Signals(signum).name
        if stopping:
            log.info("received %s again: already stopping (at most %.0f s)", name, STOP_BUDGET_SECONDS)
            return
        stopping = True
        log.info("received %s: stopping; no new clicks are taken, those in flight are finished", name)
        stop()

    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, received, signum)
    try:
        yield
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
