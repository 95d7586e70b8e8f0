"""Errors found in content files, each pinned to a file and a line so an author can fix it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True, order=True)
class ContentProblem:
    """One problem in one content file; ``line`` is 1-based, 0 when no line applies."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


class ContentError(Exception):
    """Raised with *every* problem found in a content file, never just the first."""

    def __init__(self, problems: Iterable[ContentProblem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def problems_from_validation(
    error: ValidationError, source: str, line_of: Callable[[tuple[int | str, ...]], int]
) -> list[ContentProblem]:
    """Schema errors as problems, each with the line ``line_of`` finds for its field path.

    A "too short" error on a list whose items themselves failed is a consequence, not a
    cause, so it is left out.
    """
    items = error.errors()
    failed_paths = [tuple(item["loc"]) for item in items]
    problems = []
    for item in items:
        loc = tuple(item["loc"])
        is_consequence = item["type"] == "too_short" and any(
            len(other) > len(loc) and other[: len(loc)] == loc for other in failed_paths
        )
        if is_consequence:
            continue
        where = ".".join(str(part) for part in loc)
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(ContentProblem(source, line_of(loc), f"{where}: {message}" if where else message))
    return problems
