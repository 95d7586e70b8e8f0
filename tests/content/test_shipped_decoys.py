"""Every shipped debate meets the decoy audit's target, in full games and daily rounds, with
the two sides asked about equally often and about equally hard to shortcut. The strategies
include the eliminator, trained out of sample on the other shipped debates and on this
debate's seeds of the other parity. (20 seeds, as the target is stated; a few minutes.)"""

from functools import cache

import pytest

from bot.content.library import load_library
from bot.content.model import Side
from bot.engine.audit import SIDE_GAP, TARGET, Audit, audit
from bot.engine.eliminator import OTHER_DEBATES, SAME_DEBATE

SHIPPED = sorted(load_library().packs)


# Measured with the eliminator counted per side (20 seeds): one side's questions are more than
# 10 points easier than the other's. Strict, so the mark goes once the decoys are fixed.
SIDE_GAP_KNOWN_OPEN: dict[tuple[str, bool], str] = {}

# Cases where the strongest strategy is measured over the target (none at present); strict, so
# an entry goes once the decoys are fixed.
TARGET_KNOWN_OPEN: dict[tuple[str, bool], str] = {}


def _cases(known_open: dict[tuple[str, bool], str]) -> list[object]:
    return [
        pytest.param(
            pack_id,
            daily,
            id=f"{pack_id}-{'daily' if daily else 'game'}",
            marks=[pytest.mark.xfail(strict=True, reason=known_open[(pack_id, daily)])]
            if (pack_id, daily) in known_open
            else [],
        )
        for pack_id in SHIPPED
        for daily in (False, True)
    ]


@cache
def shipped_audit(pack_id: str, daily: bool) -> Audit:
    library = load_library()
    return audit(library.get(pack_id), range(20), daily, [library.get(other) for other in SHIPPED])


@pytest.mark.parametrize(("pack_id", "daily"), _cases(TARGET_KNOWN_OPEN))
def test_no_shortcut_strategy_beats_the_target(pack_id: str, daily: bool) -> None:
    result = shipped_audit(pack_id, daily)
    assert {OTHER_DEBATES, SAME_DEBATE} <= set(result.rates)
    name, rate = result.strongest
    assert rate <= TARGET, f"{pack_id}: {name} finds the real reply in {rate:.0%}"
    assert result.revealed_offered == 0
    assert result.fewest_options == 4
    assert not result.short, f"replies shown unasked for want of decoys: {sorted(result.short)}"
    assert result.side_gap <= 1  # in every game (or round) the sides' question counts differ by at most one
    assert min(result.per_side[side] for side in Side) >= 1


@pytest.mark.parametrize(("pack_id", "daily"), _cases(SIDE_GAP_KNOWN_OPEN))
def test_both_sides_questions_are_about_equally_hard(pack_id: str, daily: bool) -> None:
    """Their strongest strategies (the eliminators included) within 10 points."""
    result = shipped_audit(pack_id, daily)
    rates = [result.side_strongest(side)[1] for side in Side]
    assert abs(rates[0] - rates[1]) <= SIDE_GAP, rates
