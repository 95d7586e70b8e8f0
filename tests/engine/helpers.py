"""Shared pieces for engine and service tests."""

from datetime import UTC, datetime, timedelta

from bot.content.library import load_library
from bot.content.model import Pack

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def sample_pack() -> Pack:
    return load_library().get("us-russia-normalization")


class ManualClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float = 1.0) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now
