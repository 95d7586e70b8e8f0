"""Opinion-shift measures, computed only from players who gave both stances.

Stances are options on the 5-point scale (0 "Strongly yes" … 4 "Strongly no"); arithmetic
runs on their values (+2 … −2), so a positive shift is a move towards "yes". For the
3×3 matrix and the Intelligence Squared measure the scale folds into yes / unsure / no.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.engine.script import STANCE_VALUES


class Camp(StrEnum):
    YES = "yes"
    UNSURE = "unsure"
    NO = "no"


CAMPS = (Camp.YES, Camp.UNSURE, Camp.NO)


def camp_of(option: int) -> Camp:
    value = STANCE_VALUES[option]
    return Camp.YES if value > 0 else Camp.NO if value < 0 else Camp.UNSURE


@dataclass(frozen=True)
class Shares:
    """Shares of a room in each camp, each from 0 to 1."""

    yes: float
    unsure: float
    no: float


@dataclass(frozen=True)
class Iq2Result:
    """Intelligence Squared scoring: the side whose share grew more won.

    ``*_relative`` is the gain divided by the room that side had to grow (1 − its share
    before), because the side that starts as the minority tends to gain more.
    """

    yes_gain: float
    no_gain: float
    yes_relative: float | None
    no_relative: float | None
    winner: Camp | None  # None on a tie


def iq2_result(before: Shares, after: Shares) -> Iq2Result:
    yes_gain, no_gain = after.yes - before.yes, after.no - before.no
    winner = None
    if not math.isclose(yes_gain, no_gain, abs_tol=1e-9):
        winner = Camp.YES if yes_gain > no_gain else Camp.NO
    return Iq2Result(
        yes_gain=yes_gain,
        no_gain=no_gain,
        yes_relative=yes_gain / (1 - before.yes) if before.yes < 1 else None,
        no_relative=no_gain / (1 - before.no) if before.no < 1 else None,
        winner=winner,
    )


@dataclass(frozen=True)
class Shift:
    """How one group's stance moved between two questions."""

    respondents: int  # players who gave both stances
    net_shift: float | None  # mean of after − before, on −4 … +4
    net_shift_sd: float | None  # sample standard deviation of after − before
    moved_share: float | None  # share of respondents whose option changed
    mean_distance_moved: float | None  # mean |after − before| among those who moved
    transitions: tuple[tuple[int, ...], ...]  # [before camp][after camp] counts, yes/unsure/no
    before: Shares | None
    after: Shares | None
    iq2: Iq2Result | None


def measure_shift(pairs: Mapping[str, tuple[int, int]]) -> Shift:
    """Every measure for ``pairs`` (player -> (before option, after option))."""
    matrix = [[0, 0, 0] for _ in CAMPS]
    if not pairs:
        return Shift(0, None, None, None, None, tuple(tuple(row) for row in matrix), None, None, None)
    deltas = [STANCE_VALUES[after] - STANCE_VALUES[before] for before, after in pairs.values()]
    count = len(deltas)
    mean = sum(deltas) / count
    spread = math.sqrt(sum((d - mean) ** 2 for d in deltas) / (count - 1)) if count > 1 else 0.0
    moved = [abs(d) for d in deltas if d != 0]
    for before, after in pairs.values():
        matrix[CAMPS.index(camp_of(before))][CAMPS.index(camp_of(after))] += 1
    before_shares = _shares(matrix, by_row=True, total=count)
    after_shares = _shares(matrix, by_row=False, total=count)
    return Shift(
        respondents=count,
        net_shift=mean,
        net_shift_sd=spread,
        moved_share=len(moved) / count,
        mean_distance_moved=sum(moved) / len(moved) if moved else 0.0,
        transitions=tuple(tuple(row) for row in matrix),
        before=before_shares,
        after=after_shares,
        iq2=iq2_result(before_shares, after_shares),
    )


def _shares(matrix: list[list[int]], *, by_row: bool, total: int) -> Shares:
    sums = [sum(row) for row in matrix] if by_row else [sum(row[i] for row in matrix) for i in range(3)]
    return Shares(*(s / total for s in sums))
