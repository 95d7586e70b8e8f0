"""What a transition changed, for the engines to write: both store engines diff the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

Value = TypeVar("Value")


def changed_values(before: Mapping[str, Value], after: Mapping[str, Value]) -> list[Value]:
    """The values of ``after`` that ``before`` lacks or holds differently. The engine keeps the
    very record it did not change, so an identity check settles most of a class without
    comparing field by field (a batch diffs every answer and player of its game)."""
    changed: list[Value] = []
    for key, value in after.items():
        old = before.get(key)
        if old is not value and old != value:
            changed.append(value)
    return changed
