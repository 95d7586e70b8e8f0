"""Teachers' results rules, once for every platform: when the anonymous class summary may be
shared, and what it says. Adapters only deliver (files to the teacher, a post to the class).
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.content.model import Pack
from bot.engine.state import GameState, Phase, Status
from bot.games.presentation import public_shift_lines

STILL_OPEN = (
    "A question is still open in this debate: results are shown only once it closes. "
    "Close it (Next) and press the button again."
)


def share_refusal(state: GameState) -> str | None:
    """Why the class summary may not be shared now, or None. While any question is open (a
    stance question included) players have not yet seen its results, and a shift line would
    show the room how a thread moved before its stance question closed."""
    if state.status is not Status.ENDED and state.phase is Phase.OPEN:
        return STILL_OPEN
    return None


def class_summary_lines(
    pack: Pack, state: GameState, pairs: Mapping[str, Mapping[str, tuple[int, int]]]
) -> tuple[str, ...]:
    """The shift lines the class may see: students only, with the public minimum applied."""
    return public_shift_lines(pack, state.host, pairs)
