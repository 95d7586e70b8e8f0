"""One encoding for every value the store keeps as text: instants and JSON.

Instants are stored in UTC with microseconds, always the same width
(``2026-01-05T09:00:00.000000+00:00``), so text order is time order and a query may compare
them as text; they come back as aware datetimes. Every repository writes through here: two
spellings of one instant ("…00+00:00" and "…00.000000+00:00") compared wrongly before.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any


def instant(moment: datetime) -> str:
    """The stored text of an aware ``moment`` (naive datetimes are refused: their zone is a guess)."""
    if moment.tzinfo is None:
        raise ValueError(f"a stored instant needs a time zone: {moment!r}")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def aware(moment: datetime) -> datetime:
    """``moment`` checked to carry a time zone, for engines that store instants natively
    (PostgreSQL's ``timestamptz``): a naive one is refused, as ``instant`` refuses it."""
    if moment.tzinfo is None:
        raise ValueError(f"a stored instant needs a time zone: {moment!r}")
    return moment


def maybe_aware(moment: datetime | None) -> datetime | None:
    return aware(moment) if moment is not None else None


def maybe_instant(moment: datetime | None) -> str | None:
    return instant(moment) if moment is not None else None


def parse_instant(text: str) -> datetime:
    """An aware UTC datetime from stored text (older rows may lack microseconds)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:  # never written by this codec; read as UTC rather than fail
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def maybe_parse_instant(text: str | None) -> datetime | None:
    return parse_instant(text) if text else None


def to_json(value: Sequence[Any]) -> str:
    """A JSON column (lists of ids or numbers): compact, stable text."""
    return json.dumps(list(value), separators=(",", ":"))


def from_json(text: str) -> list[Any]:
    loaded = json.loads(text)
    if not isinstance(loaded, list):
        raise ValueError(f"expected a JSON list, found {type(loaded).__name__}")
    return loaded
