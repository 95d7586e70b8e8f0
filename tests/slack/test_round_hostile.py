"""Daily-round buttons under attack or out of date on Slack: damaged and forged ids, a click
on a step already answered (a second device), a redelivered click, clicks after the close."""

from __future__ import annotations

import logging
from pathlib import Path

from adapters.slack.buttons import ROUND_CALLBACK, RoundButton
from adapters.slack.round_interactions import NOT_RECOGNISED
from tests.engine.helpers import ManualClock
from tests.slack.harness import CHANNEL, TEACHER, running_bot, settle
from tests.slack.round_harness import (
    MONDAY,
    PREDICTION,
    STANCE_BEFORE,
    UNSURE,
    action_ids,
    move_to,
    open_round,
    press,
    round_id_of,
    shown,
    top_level,
    views_of,
)
from tests.slack.test_daily_rounds import ask
from tests.slack.test_hostile import crashes
from tests.standins.slack_drivers import SendOptions
from tests.standins.slack_fixtures import Transport
from tests.standins.slack_records import ActionTarget
from tests.standins.slack_server import SlackStandIn

TEN = MONDAY.replace(hour=10)


async def test_forged_stale_and_late_round_clicks(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str, all_logs: list[logging.LogRecord]
) -> None:
    s, clock = slack_standin, ManualClock(MONDAY)
    async with running_bot(s, database_at, slack_transport, clock=clock) as (bot, slack):
        await ask(slack, s, TEACHER, "schedule 10:00 UTC")
        await move_to(bot, s, clock, TEN)
        [announcement] = await s.wait_for(lambda: top_level(s))
        round_id = round_id_of(announcement)

        # Damaged ids and a round answer outside its private view: a private "not recognised".
        for forged in ("round-play:abc", "round-answer:1:2", f"round-answer:{round_id}:0:0", "round-"):
            before = len(s.ephemerals_for("U1"))
            assert (await slack.click(forged, user="U1", channel=CHANNEL)).acked
            await s.wait_for(lambda: len(s.ephemerals_for("U1")) > before)  # noqa: B023 (awaited at once)
            assert s.ephemerals_for("U1")[-1].text == NOT_RECOGNISED
        # A well-formed Play id of a round that does not exist (here): the view says so.
        await slack.click(RoundButton(999_999).action_id, user="U1", channel=CHANNEL)
        await s.wait_for(lambda: views_of(s, "U1") and views_of(s, "U1")[-1].updates > 0)
        assert shown(views_of(s, "U1")[-1]) == NOT_RECOGNISED
        assert "999999" not in shown(views_of(s, "U1")[-1])

        # Two devices: the round opened twice; the stance answered on one, then on the other.
        laptop = await open_round(slack, s, "U2", announcement)
        phone = await open_round(slack, s, "U2", announcement)
        stance = RoundButton(round_id, STANCE_BEFORE, UNSURE).action_id
        assert "Predict the rebuttal" in await press(slack, s, phone, "U2", stance)
        stale = await press(slack, s, laptop, "U2", stance)
        assert "You've already answered that one." in stale and "Predict the rebuttal" in stale

        # A redelivered click is dropped: the view keeps "Right!"/"Not this time.", not a refusal.
        answer = RoundButton(round_id, PREDICTION, 0).action_id
        target = ActionTarget("view", {"type": "button", "action_id": answer}, "round-answers-1", view=phone)
        payload = slack.payloads.block_actions(answer, user="U2", target=target)
        updates = phone.updates
        await slack.send("interactive", payload)
        await s.wait_for(lambda: phone.updates > updates)
        first = shown(phone)
        assert (await slack.send("interactive", payload, SendOptions(retry_num=1))).acked
        await settle(bot, s)
        assert shown(phone) == first and phone.updates == updates + 1

        # A forged answer inside the real view: a refusal pushed on top, the round left as it was.
        pushed = len(s.views_for("U2"))
        forged = RoundButton(999_999, PREDICTION, 0).action_id
        other = ActionTarget("view", {"type": "button", "action_id": forged}, "x", view=laptop)
        await slack.send("interactive", slack.payloads.block_actions(forged, user="U2", target=other))
        [notice] = await s.wait_for(lambda: s.views_for("U2")[pushed:])
        assert notice.method == "views.push" and shown(notice) == NOT_RECOGNISED
        assert notice.callback_id == ROUND_CALLBACK

        # After the close: an answer in an open view, and the stale Play button, say it closed.
        await move_to(bot, s, clock, TEN.replace(day=6))
        assert len(top_level(s)) == 3  # the closed round, its summary, the next round
        late = await press(slack, s, laptop, "U2", RoundButton(round_id, 2, 0).action_id)
        assert "This round has closed" in late and action_ids(list(laptop.view["blocks"])) == []
        await slack.click(RoundButton(round_id).action_id, user="U1", channel=CHANNEL)
        await s.wait_for(lambda: views_of(s, "U1")[-1].updates > 0 and "closed" in shown(views_of(s, "U1")[-1]))
        assert "This round has closed" in shown(views_of(s, "U1")[-1])
        summary = shown(top_level(s)[1])
        assert "Played by 1 (0 finished)." in summary  # U2 alone; the forged clicks recorded nothing
    assert crashes(all_logs) == []
    s.assert_clean()
