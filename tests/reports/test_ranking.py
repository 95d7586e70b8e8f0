"""Bradley–Terry ranking of turns from stronger-point votes."""

from pathlib import Path

import pytest

from bot.games.service import GameService
from bot.reports.ranking import bradley_terry, strongest_arguments
from bot.store.database import Database
from tests.engine.helpers import ManualClock, sample_pack
from tests.reports.classroom import DEFAULT_PLAN, Plan, play_classroom


def test_more_wins_means_more_strength() -> None:
    strength = bradley_terry([("a", "b")] * 3 + [("b", "a")])
    assert strength["a"] > strength["b"]
    assert strength["a"] * strength["b"] == pytest.approx(1.0)  # geometric mean 1


def test_even_record_is_a_tie_and_transitivity_orders_three() -> None:
    even = bradley_terry([("a", "b"), ("b", "a")])
    assert even["a"] == pytest.approx(even["b"])
    chain = bradley_terry([("a", "b")] * 4 + [("b", "c")] * 4 + [("a", "c")] * 2)
    assert chain["a"] > chain["b"] > chain["c"]


def test_a_single_vote_stays_finite() -> None:
    strength = bradley_terry([("a", "b")])
    assert 1 < strength["a"] < 10 and 0.1 < strength["b"] < 1


async def test_ranking_across_games_of_a_debate(database_at: Path | str) -> None:
    clock = ManualClock()
    async with Database.open(database_at) as db:
        service = GameService(db, clock)
        ref = await play_classroom(service, clock)  # votes 2:1 for the first-shown turn of each pair
        everyone_first = Plan(
            DEFAULT_PLAN.stances, DEFAULT_PLAN.predict_right, dict.fromkeys(DEFAULT_PLAN.vote_first, True)
        )
        await play_classroom(service, clock, everyone_first)  # same seed: the same pairs, 3:0
        ranked = await strongest_arguments(db, ref.workspace_id, sample_pack())
    assert len(ranked) == 10  # five pairs, two turns each
    assert all(r.votes == 6 for r in ranked)
    winners = [r for r in ranked if r.wins == 5]
    assert len(winners) == 5 and ranked[:5] == winners
    assert all(r.strength > 1 for r in winners) and all(r.strength < 1 for r in ranked[5:])
