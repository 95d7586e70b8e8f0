"""Daily-round drawing and parsing without Slack: button ids, the schedule's words, the
private view's limits and both sides drawn alike."""

from __future__ import annotations

import json
from datetime import time

import pytest

from adapters.slack import round_render
from adapters.slack.buttons import RoundButton
from adapters.slack.schedule_commands import parse_schedule
from bot.content.model import Side
from bot.games.presentation import Section
from bot.rounds.presentation import Action, PrivateCard
from bot.rounds.timing import ScheduleError


def test_round_buttons_round_trip_and_refuse_anything_else() -> None:
    for button in (RoundButton(7), RoundButton(7, 3), RoundButton(7, 3, 1)):
        assert RoundButton.parse(button.action_id) == button
        assert button.value == "7"
    for damaged in (
        "round-play:",
        "round-play:7:1",
        "round-answer:7:3",
        "round-continue:x:1",
        "answer:7:3:1",
        "round-",
    ):
        assert RoundButton.parse(damaged) is None, damaged
    assert RoundButton.parse("round-play:" + "9" * 19) is None  # beyond SQLite's integers


def test_schedule_words() -> None:
    spec = parse_schedule(("7:05", "america/new_york", "mon", "wed", "closes=12:30", "debates=a,b,a"))
    assert spec.timing.time_of_day == time(7, 5) and spec.timing.zone == "America/New_York"
    assert spec.timing.weekdays == {0, 2} and spec.close_time == time(12, 30) and spec.packs == ("a", "b")
    assert parse_schedule(("09:00", "UTC")).timing.weekdays == set(range(7))
    assert parse_schedule(("09:00", "UTC", "weekdays")).timing.weekdays == set(range(5))
    for bad in (
        ("24:00", "UTC"),
        ("9", "UTC"),
        ("09:60", "UTC"),
        ("09:00", "Nowhere/Land"),
        ("09:00", "UTC", "debates="),
    ):
        with pytest.raises(ScheduleError):
            parse_schedule(bad)


def test_the_private_view_fits_slack_and_draws_both_sides_alike() -> None:
    long_option = "x" * 200
    card = PrivateCard(
        title="Predict the rebuttal — <!here> thread",
        sections=(Section("Conservative said", "A & B", Side.CONSERVATIVE), Section("Liberal said", "C", Side.LIBERAL)),
        prompt="What did they reply?",
        options=(long_option, "short"),
        action=Action.ANSWER,
        step=2,
        note="Noted.",
    )
    modal = round_render.round_modal(card, 5, 123456)
    assert len(modal["title"]["text"]) <= 24 and modal["type"] == "modal"
    shown = json.dumps(modal)
    assert "<!here>" not in shown and "&lt;!here&gt;" in shown and "A &amp; B" in shown
    texts = [b["text"]["text"] for b in modal["blocks"] if b["type"] == "section"]
    assert "*Conservative said*\nA &amp; B" in texts and "*Liberal said*\nC" in texts  # the same shape
    [buttons] = [b["elements"] for b in modal["blocks"] if b["type"] == "actions"]
    assert [b["text"]["text"] for b in buttons] == ["A", "B"]  # a long option is listed, buttons lettered
    assert [b["action_id"] for b in buttons] == ["round-answer:5:2:0", "round-answer:5:2:1"]
    assert f"*A.* {long_option}" in texts

    go = round_render.round_modal(PrivateCard("t", (), None, (), Action.CONTINUE, 4), 5, 1)
    [[button]] = [b["elements"] for b in go["blocks"] if b["type"] == "actions"]
    assert button["action_id"] == "round-continue:5:4" and button["text"]["text"] == "Continue"
    done = round_render.round_modal(PrivateCard("t", (), None, (), Action.NONE, 9), 5, 1)
    assert not [b for b in done["blocks"] if b["type"] == "actions"]
