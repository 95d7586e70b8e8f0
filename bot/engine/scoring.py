"""Points for predictions. Only predictions score; every rule here is a game setting."""

from __future__ import annotations

from bot.engine.state import GameSettings

SPEED_WINDOW_WITHOUT_TIMER = 20.0  # seconds; the reference when a question has no timer
STREAK_STEP = 0.1  # +10% of the points per earlier consecutive correct prediction…
STREAK_CAP = 0.5  # …up to +50%


def prediction_points(settings: GameSettings, *, correct: bool, elapsed: float, window: float, streak: int) -> int:
    """Points for one prediction.

    ``elapsed`` is seconds from the question opening to the answer; ``window`` the seconds
    the question was open for (its timer); ``streak`` the correct predictions in a row
    *before* this one. The speed bonus scales from full points (instant) to half (at the
    end of the window), Kahoot-style.
    """
    if not correct:
        return 0
    points = float(settings.points)
    if settings.speed_bonus:
        points *= 1 - 0.5 * min(1.0, max(0.0, elapsed) / max(window, 1.0))
    if settings.streak_bonus:
        points += settings.points * min(STREAK_CAP, STREAK_STEP * streak)
    return round(points)
