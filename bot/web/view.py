"""How numbers read on the site's pages (filters and names the templates use)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.engine.script import STANCE_VALUES, StepKind
from bot.reports.shifts import CAMPS, Shift

KIND_NAMES = {
    StepKind.STANCE: "Stance",
    StepKind.PREDICT: "Prediction",
    StepKind.STRONGER: "Stronger point",
    StepKind.FACTION: "Faction",
}
# Okabe–Ito, the colour-blind-safe palette the charts use; every colour also has a text cue.
RIGHT_COLOUR = "#009E73"
BAR_COLOUR = "#0072B2"
BAR_WIDTH = 160


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(100 * share)}%"


def signed(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:+.{digits}f}"


def when(moment: datetime | None) -> str:
    return "—" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def day(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d")


def bar_width(share: float | None) -> int:
    return 0 if not share else max(1, round(BAR_WIDTH * share))


def kind_name(kind: StepKind) -> str:
    return KIND_NAMES[kind]


def direction(value: float | None) -> str:
    if value is None:
        return "no one gave both stances"
    if abs(value) < 0.005:
        return "no net change"
    return "towards yes" if value > 0 else "towards no"


def iq2_text(shift: Shift) -> str:
    """Intelligence Squared: the side whose share grew more "won" the room."""
    if shift.iq2 is None:
        return "—"
    gains = f"yes {shift.iq2.yes_gain * 100:+.0f} pts, no {shift.iq2.no_gain * 100:+.0f} pts"
    winner = shift.iq2.winner.value if shift.iq2.winner else "tie"
    return f"{'Tie' if winner == 'tie' else winner.title() + ' gained more'} ({gains})"


def stance_shift(before: int, after: int) -> str:
    return f"{STANCE_VALUES[after] - STANCE_VALUES[before]:+d}"


FILTERS: dict[str, Callable[..., Any]] = {
    "percent": percent,
    "signed": signed,
    "when": when,
    "day": day,
    "bar_width": bar_width,
    "kind_name": kind_name,
    "direction": direction,
    "iq2_text": iq2_text,
}
GLOBALS: dict[str, Any] = {
    "CAMPS": [c.value for c in CAMPS],
    "RIGHT_COLOUR": RIGHT_COLOUR,
    "BAR_COLOUR": BAR_COLOUR,
    "BAR_WIDTH": BAR_WIDTH,
    "PREDICT": StepKind.PREDICT,
    "STANCE": StepKind.STANCE,
    "stance_shift": stance_shift,
}
