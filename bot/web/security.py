"""What every response of the site carries, and the guards in front of the pages.

- Security headers: a Content Security Policy with no inline script or style (the site has no
  script at all), ``nosniff``, no framing, no referrer (a sign-in token never leaves in one),
  and ``no-store`` (pages hold students' results).
- Refusals are one plain page per status: nothing says whether a game exists elsewhere or
  which check a link failed.
- Failed sign-in attempts are counted per client address; past ``FAILURE_LIMIT`` in
  ``FAILURE_WINDOW`` the address gets 429 until the window passes.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from aiohttp import web
from aiohttp.typedefs import Handler

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
FAILURE_LIMIT = 10
FAILURE_WINDOW = 600.0  # seconds

REFUSALS = {
    400: ("Bad request", "The request was not understood."),
    403: ("Not signed in", "This page needs a valid sign-in link. Ask for a new one with /debate results."),
    404: ("Not found", "There is nothing here."),
    405: ("Not allowed", "This page does not accept that request."),
    429: ("Too many attempts", "Too many failed sign-in attempts from your address. Try again later."),
}


class FailedAttempts:
    """Failed sign-ins per client address in a sliding window (one process's memory: a restart
    forgets them, which only ever lets an address try again sooner)."""

    def __init__(
        self, limit: int = FAILURE_LIMIT, window: float = FAILURE_WINDOW, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, address: str) -> deque[float]:
        now = self.clock()
        failures = self._failures.setdefault(address, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[address]  # keep the table to addresses that failed lately
            return deque()
        return failures

    def blocked(self, address: str) -> bool:
        return len(self._recent(address)) >= self.limit

    def record(self, address: str) -> None:
        self._recent(address)
        self._failures.setdefault(address, deque()).append(self.clock())


def client_address(request: web.Request) -> str:
    """The peer's address. A proxy in front would make every teacher one address; behind one,
    set the proxy to limit sign-in attempts itself (SECURITY.md)."""
    return request.remote or "unknown"


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Outermost: every response, refusals and downloads included, carries the headers."""
    response = await handler(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
