"""Daily rounds end to end on Slack (issue 7): scheduled through /debate, posted by the
scheduler at the clock's instant, played privately in a modal, closed with a summary,
counted in streaks and leaderboards. The real bolt app, the stand-in, a hand-moved clock."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from adapters.slack.buttons import RoundButton
from adapters.slack.round_render import CLOSED_NOTE
from bot.engine.script import option_letter
from bot.rounds.presentation import PLAY_LABEL
from tests.engine.helpers import ManualClock
from tests.slack.harness import TEACHER, running_bot, settle, small_pack, visible_markup
from tests.slack.round_harness import (
    LEAN_YES,
    MONDAY,
    PREDICTION,
    STANCE_AFTER,
    STANCE_BEFORE,
    STRONGER,
    STRONGLY_YES,
    UNSURE,
    action_ids,
    move_to,
    open_round,
    play_button,
    play_through,
    press,
    round_id_of,
    shown,
    texts_in,
    the_round,
    top_level,
)
from tests.standins.mentions import assert_no_pings
from tests.standins.slack_drivers import SlackDriver
from tests.standins.slack_fixtures import Transport
from tests.standins.slack_server import SlackStandIn

TEN = MONDAY.replace(hour=10)
TUESDAY_TEN = TEN + timedelta(days=1)
HOSTILE = "<!channel>"  # U3's user name: it must never become a mention


async def ask(slack: SlackDriver, s: SlackStandIn, user: str, text: str) -> str:
    """Type ``/debate text`` and return the private reply."""
    before = len(s.responses_for(user))
    result = await slack.slash("/debate", text, user=user)
    assert result.acked
    await s.wait_for(lambda: len(s.responses_for(user)) > before)
    return s.responses_for(user)[-1].text


def score_in(finished: str) -> int:
    found = re.search(r"Score: (\d+) points", finished)
    assert found, finished
    return int(found.group(1))


async def test_a_round_is_posted_played_summarised_and_ranked(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s, clock, pack = slack_standin, ManualClock(MONDAY), small_pack()
    s.add_user("U3", HOSTILE, real_name="Carol")
    s.add_user("U4", "dave")
    async with running_bot(s, database_at, slack_transport, clock=clock) as (bot, slack):
        reply = await ask(slack, s, TEACHER, "schedule 10:00 UTC")
        assert "10:00 UTC, every day; each round closes when the next one posts." in reply
        assert "Next round: Mon 5 Jan at 10:00 (UTC)." in reply

        # 1. Posted at the scheduled instant, not a second before.
        await move_to(bot, s, clock, TEN - timedelta(seconds=1))
        assert top_level(s) == []
        await move_to(bot, s, clock, TEN)
        [announcement] = await s.wait_for(lambda: top_level(s))
        title = pack.thread("opening").title
        assert announcement.text == f"Daily round 1: {title}"
        assert "Play privately, at your own pace" in shown(announcement)
        assert "Closes Tue 6 Jan at 10:00 (UTC)." in shown(announcement)
        [button] = [e for b in announcement.blocks if b["type"] == "actions" for e in b["elements"]]
        assert button["text"]["text"] == PLAY_LABEL

        # 2. Three players finish privately (one predicts wrong); a fourth stops after one answer.
        round_id = round_id_of(announcement)
        right = (await the_round(bot, s, round_id)).script.steps[PREDICTION].correct_option
        assert right is not None
        wrong = 1 - right
        plans = {
            "U1": {STANCE_BEFORE: UNSURE, PREDICTION: right, STRONGER: 0, STANCE_AFTER: STRONGLY_YES},
            "U2": {STANCE_BEFORE: UNSURE, PREDICTION: wrong, STRONGER: 1, STANCE_AFTER: UNSURE},
            "U3": {STANCE_BEFORE: UNSURE, PREDICTION: right, STRONGER: 0, STANCE_AFTER: LEAN_YES},
            "U4": {STANCE_BEFORE: UNSURE},
        }
        seen = {}
        for user, plan in plans.items():
            view = await open_round(slack, s, user, announcement)
            assert "Where do you stand?" in shown(view) and "Step 1 of 4" in shown(view)
            seen[user] = await play_through(slack, s, view, user, round_id, plan)
        alice, bob = seen["U1"], seen["U2"]
        assert "Noted." in alice[0] and "Predict the rebuttal" in alice[0]
        assert "Right!" in alice[1] and "+100 points. What the" in alice[1] and "actually said" in alice[1]
        assert "Not this time." in bob[1]
        assert f"You picked {option_letter(wrong)}; the reply was {option_letter(right)}." in bob[1]
        assert "You've finished today's round" in alice[-1] and "(1 of 1 predictions right)" in alice[-1]
        assert "Your streak: 1 round in a row." in alice[-1]
        assert "(0 of 1 predictions right)" in bob[-1]
        points = score_in(alice[-1])
        assert points > 0 and score_in(bob[-1]) == 0

        # 5. U3 leaves the leaderboards before the close.
        assert "You're off the daily-round leaderboards" in await ask(slack, s, "U3", "leaderboard opt-out")

        # 3. The close (the next run): the summary, then the next round; the old button is gone.
        await move_to(bot, s, clock, TUESDAY_TEN)
        first, summary, second = await s.wait_for(lambda: top_level(s) if len(top_level(s)) == 3 else None)
        assert first.ts == announcement.ts and play_button(first) is None
        assert CLOSED_NOTE in shown(first) and len(first.history) == 1
        text = shown(summary)
        assert summary.text == f"Daily round 1 is closed: {title}"
        assert "Played by 4 (3 finished)." in text
        assert "Predicted the real rebuttal — 1: 67% of 3." in text
        assert "Stance shift: +1.00 on a ±4 scale (towards yes; 3 gave both stances)." in text
        assert f"Top scores: alice {points} (1/1)." in text
        assert "Carol" not in text and "channel" not in text  # U3 opted out: never named

        # 4. Day two: alice and bob finish round 2; alice's streak is 2.
        assert second.text == f"Daily round 2: {pack.thread('safety-first').title}"
        second_id = round_id_of(second)
        right2 = (await the_round(bot, s, second_id)).script.steps[PREDICTION].correct_option
        assert right2 is not None
        day2 = {STANCE_BEFORE: UNSURE, PREDICTION: right2, STRONGER: 0, STANCE_AFTER: UNSURE}
        finished = {}
        for user in ("U1", "U2"):
            view = await open_round(slack, s, user, second)
            finished[user] = (await play_through(slack, s, view, user, second_id, day2))[-1]
        assert "Your streak: 2 rounds in a row." in finished["U1"]
        assert "Your streak: 2 rounds in a row." in finished["U2"]  # a wrong prediction still counts
        total, bob_points = points + score_in(finished["U1"]), score_in(finished["U2"])

        week = await ask(slack, s, "U2", "leaderboard")
        assert week.splitlines() == [
            "*Leaderboard — This week*",
            f"1. alice — {total} pts, 100% accuracy (2/2), 2 rounds",
            f"2. bob — {bob_points} pts, 50% accuracy (1/2), 2 rounds",
            "3. dave — 0 pts, – accuracy (0/0), 1 round",  # started round 1, answered no prediction
        ]
        assert (await ask(slack, s, "U2", "leaderboard all")).splitlines()[1:] == week.splitlines()[1:]
        latest = await ask(slack, s, "U1", "leaderboard round")
        assert latest.startswith("*Leaderboard — Daily round 2*")

        # 5. Opting back in brings U3 back, under an escaped name.
        assert await ask(slack, s, "U3", "leaderboard opt-in") == "You're back on the daily-round leaderboards here."
        every = await ask(slack, s, "U3", "leaderboard all")
        assert f"3. &lt;!channel&gt; — {points} pts, 100% accuracy (1/1), 1 round" in every.splitlines()

    shown_anywhere = visible_markup(s) + [r.text for r in s.responses_for()] + texts_in([v.view for v in s.views])
    assert not any(raw in text for text in shown_anywhere for raw in ("<!channel>", "<!here>", "<@"))
    s.assert_clean()
    assert_no_pings(slack=s)


async def test_a_round_carries_on_after_a_restart(slack_standin: SlackStandIn, database_at: Path | str) -> None:
    s, clock, path = slack_standin, ManualClock(MONDAY), database_at
    async with running_bot(s, path, "socket", clock=clock) as (bot, slack):
        await ask(slack, s, TEACHER, "schedule 10:00 UTC")
        await move_to(bot, s, clock, TEN)
        [announcement] = await s.wait_for(lambda: top_level(s))
        round_id = round_id_of(announcement)
        view = await open_round(slack, s, "U1", announcement)
        await play_through(slack, s, view, "U1", round_id, {STANCE_BEFORE: UNSURE})
    clock.now = TEN + timedelta(minutes=5)
    async with running_bot(s, path, "http", clock=clock) as (bot, slack):
        await settle(bot, s)
        assert top_level(s) == [announcement]  # posted once: the new process knows it was posted
        right = (await the_round(bot, s, round_id)).script.steps[PREDICTION].correct_option
        assert right is not None
        revealed = await press(slack, s, view, "U1", RoundButton(round_id, PREDICTION, right).action_id)
        assert "Right!" in revealed and "+100 points." in revealed  # the view opened before the restart still works
        again = await open_round(slack, s, "U1", announcement)
        assert "+100 points." in shown(again) and action_ids(list(again.view["blocks"])) == [
            RoundButton(round_id, PREDICTION, None).action_id
        ]  # Play resumes where U1 left off: Continue on the revealed prediction
    s.assert_clean()
