"""A whole debate in a Slack thread, over HTTP and over Socket Mode, checked against the engine."""

from __future__ import annotations

from pathlib import Path

from adapters.slack.app import SlackBot
from adapters.slack.render import escape
from bot.engine.script import StepKind
from bot.engine.state import GameState, Phase, Status
from bot.games.controls import Control
from bot.games.presentation import scoreboard_lines, shift_line, thread_title
from bot.store.records import GameRef
from tests.slack.harness import (
    CHANNEL,
    PACK_ID,
    TEACHER,
    answer_action,
    current_host_action,
    eventually,
    game_in,
    has_buttons,
    host_action,
    running_bot,
    step_message,
    thread_of,
)
from tests.standins.mentions import assert_no_pings
from tests.standins.slack_fixtures import Transport
from tests.standins.slack_server import SlackStandIn

PLAYERS = ("U1", "U2", "U3")


def choice(player: str, kind: StepKind, step: int, options: int, correct: int | None) -> int:
    """U3 always predicts right, U1 always picks the first option, U2 the last; stances drift."""
    if kind is StepKind.PREDICT and player == "U3" and correct is not None:
        return correct
    if kind is StepKind.STANCE:
        return (step // 4 + PLAYERS.index(player)) % options
    return 0 if player == "U1" else options - 1


async def test_a_complete_debate(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, slack_transport) as (bot, slack):
        service = bot.games.service
        refused = await slack.slash("/debate", f"start {PACK_ID}", user="U1", channel=CHANNEL)
        assert refused.acked and refused.elapsed < 3
        [refusal] = await s.wait_for(lambda: s.responses_for("U1"))
        assert refusal.text.startswith("Only teachers") and s.messages_in(CHANNEL) == []

        started = await slack.slash("/debate", f"start {PACK_ID}", user=TEACHER, channel=CHANNEL)
        assert started.acked and started.elapsed < 3
        ref = await game_in(bot, s)
        thread = await thread_of(bot, ref)
        [parent] = s.messages_in(CHANNEL)
        assert parent.ts == thread.ts and "bike lanes" in parent.text

        refused_control = False
        while (state := await service.load(ref)).status is not Status.ENDED:
            step = state.current
            if state.phase is Phase.OPEN:
                for player in PLAYERS:
                    option = choice(player, step.kind, step.index, len(step.options), step.correct_option)
                    before = len(s.ephemerals_for(player))
                    clicked = await slack.click(answer_action(ref, step.index, option), user=player)
                    assert clicked.acked and clicked.elapsed < 3
                    await s.wait_for(lambda: len(s.ephemerals_for(player)) > before)  # noqa: B023 (awaited at once)
                    assert s.ephemerals_for(player)[-1].text.startswith("Locked in")
                if not refused_control:  # a student pressing the host's Next is turned away
                    await slack.click(host_action(s, ref, Control.NEXT), user="U1")
                    await s.wait_for(lambda: "Only the host" in s.ephemerals_for("U1")[-1].text)
                    refused_control = True
                await eventually(lambda: _shows_count(bot, s, ref, step.index, len(PLAYERS)))  # noqa: B023 (awaited at once)
            await slack.click(await current_host_action(s, bot, ref, Control.NEXT), user=TEACHER)
            await eventually(lambda: _moved_on(bot, s, ref, state))

        final = await service.load(ref)
        pack = await service.pack_of(ref)
        pairs = await service.stance_pairs(ref)
        replies = s.messages_in(CHANNEL, thread.ts)
        board = await s.wait_for(lambda: [m for m in s.messages_in(CHANNEL, thread.ts) if m.text == "Final scoreboard"])

    assert refused_control
    # Every step but the scoreboard became one reply in the thread, then the scoreboard.
    shown = [step for step in final.script.steps if step.kind is not StepKind.SCOREBOARD]
    assert len(replies) == len(shown) + 1 and replies[-1] is board[0]
    text = "\n".join(block["text"]["text"] for block in board[0].blocks if block["type"] == "section")
    for line in scoreboard_lines(final.players):
        assert escape(line) in text
    for thread_ in pack.all_threads():
        assert escape(shift_line(thread_title(pack, thread_.id), pairs.get(thread_.id, {}))) in text
    # The engine's scores are what the players earned: U3 predicted every reply right.
    predictions = sum(1 for st in final.script.steps if st.kind is StepKind.PREDICT)
    assert final.players["U3"].correct == predictions and final.players["U3"].score == 100 * predictions
    assert set(PLAYERS) <= set(final.players)
    assert pairs and all(set(by_user) == set(PLAYERS) for by_user in pairs.values())
    # The parent lost its controls; no question still has buttons.
    assert not has_buttons(s.messages_in(CHANNEL)[0])
    assert not any(has_buttons(m) for m in replies)
    s.assert_clean()
    assert_no_pings(slack=s)  # the parent's "Hosted by", every step, the scoreboard


async def _shows_count(bot: SlackBot, s: SlackStandIn, ref: GameRef, step: int, count: int) -> bool:
    message = await step_message(bot, s, ref, step)
    return any(f"*{count}* answered" in str(block) for block in message.blocks)


async def _moved_on(bot: SlackBot, s: SlackStandIn, ref: GameRef, before: GameState) -> bool:
    now = await bot.games.service.load(ref)
    if now.status is Status.ENDED:
        thread = await thread_of(bot, ref)
        return any(m.text == "Final scoreboard" for m in s.messages_in(CHANNEL, thread.ts))
    if before.phase is Phase.OPEN:  # Next closed the question: its message lost its buttons
        return not has_buttons(await step_message(bot, s, ref, before.step))
    return await bot.games.service.message_of(ref, now.step) is not None and now.step > before.step
