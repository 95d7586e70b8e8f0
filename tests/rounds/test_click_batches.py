"""Daily-round clicks that arrive together are committed together, each with its own outcome."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.identity import Player
from bot.rounds.presentation import Action, private_card
from bot.rounds.service import PrivateView, RoundError, RoundService
from tests import sqlite_rows
from tests.engine.helpers import ManualClock
from tests.rounds.helpers import PLATFORM, at, player, scheduled
from tests.rounds.test_round_service import finish, open_round


async def play_through(rounds: RoundService, round_id: int, who: Player) -> PrivateView:
    """Click through the whole round, always the first option, as fast as the service answers."""
    view = await rounds.play(round_id, who, who.user_id.title())
    while not view.finished:
        card = private_card(view)
        if card.action is Action.CONTINUE:
            view = await rounds.carry_on(round_id, who, who.user_id.title(), card.step)
        else:
            view = await rounds.answer(round_id, who, who.user_id.title(), card.step, 0)
        assert view.accepted, view.note
    return view


async def test_a_burst_of_players_is_stored_as_each_played_alone(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with scheduled(database_at, clock) as (rounds, scheduler, _presenter):
        round_id = await open_round(scheduler, clock, 5)
        alone = await play_through(rounds, round_id, player("solo"))
        clicks_alone = rounds._clicks.batches
        crowd = [player(f"p{n:02}") for n in range(30)]
        views = await asyncio.gather(*(play_through(rounds, round_id, who) for who in crowd))
        clicks = clicks_alone * len(crowd)
        assert rounds._clicks.batches - clicks_alone < clicks / 5, "clicks that arrived together shared commits"
        assert {(v.progress.score, v.progress.step, v.streak) for v in views} == {
            (alone.progress.score, alone.progress.step, alone.streak)
        }
        stored = await sqlite_rows.rows(
            rounds.database,
            "SELECT COUNT(*), COUNT(finished_at), MIN(step), MAX(step) FROM round_progress WHERE round_id = ?",
            (round_id,),
        )
        assert tuple(stored[0]) == (31, 31, alone.progress.step, alone.progress.step)


async def test_a_refused_click_in_a_burst_fails_alone(database_at: Path | str) -> None:
    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with scheduled(database_at, clock) as (rounds, scheduler, _presenter):
        round_id = await open_round(scheduler, clock, 5)
        stranger = Player(PLATFORM, "another-workspace", "eve")
        results = await asyncio.gather(
            rounds.play(round_id, player("ann"), "Ann"),
            rounds.play(round_id, stranger, "Eve"),
            rounds.play(round_id, player("bob"), "Bob"),
            return_exceptions=True,
        )
        ann, eve, bob = results
        assert isinstance(eve, RoundError)
        assert isinstance(ann, PrivateView) and isinstance(bob, PrivateView) and ann.accepted and bob.accepted
        finished = await finish(rounds, round_id, player("ann"), right=1)
        assert finished.finished
        with pytest.raises(RoundError):
            await rounds.play(round_id, stranger, "Eve")
