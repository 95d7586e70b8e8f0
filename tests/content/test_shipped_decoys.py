"""Every shipped debate meets the decoy audit's target, in full games and daily rounds, with
the two sides asked about equally often and about equally hard to shortcut. The strategies
include the eliminator, trained out of sample on the other shipped debates and on this
debate's seeds of the other parity. (20 seeds, as the target is stated; a few minutes.)"""

import pytest

from bot.content.library import load_library
from bot.content.model import Side
from bot.engine.audit import SIDE_GAP, TARGET, audit
from bot.engine.eliminator import OTHER_DEBATES, SAME_DEBATE

SHIPPED = sorted(load_library().packs)


@pytest.mark.parametrize("daily", [False, True], ids=["game", "daily"])
@pytest.mark.parametrize("pack_id", SHIPPED)
def test_no_shortcut_strategy_beats_the_target(pack_id: str, daily: bool) -> None:
    library = load_library()
    result = audit(library.get(pack_id), range(20), daily, [library.get(other) for other in SHIPPED])
    assert {OTHER_DEBATES, SAME_DEBATE} <= set(result.rates)
    name, rate = result.strongest
    assert rate <= TARGET, f"{pack_id}: {name} finds the real reply in {rate:.0%}"
    assert result.revealed_offered == 0
    assert result.fewest_options == 4
    assert not result.short, f"replies shown unasked for want of decoys: {sorted(result.short)}"
    assert result.side_gap <= 1  # in every game (or round) the sides' question counts differ by at most one
    assert min(result.per_side[side] for side in Side) >= 1
    # Both sides' questions about equally hard: their strongest strategies within 10 points.
    rates = [result.side_strongest(side)[1] for side in Side]
    assert abs(rates[0] - rates[1]) <= SIDE_GAP, rates
