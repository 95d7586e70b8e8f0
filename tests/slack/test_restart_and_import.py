"""A restart keeps old buttons working; /debate import adds a pasted debate to one workspace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.slack.app import SlackBot
from adapters.slack.buttons import IMPORT_BLOCK, IMPORT_CALLBACK, IMPORT_INPUT, IMPORT_PARTS, import_block
from bot.content.card_writer import render_card
from bot.content.library import load_library
from bot.content.pack_files import dump_pack_yaml
from bot.engine.commands import Advanced
from bot.engine.state import Phase
from bot.store.records import GameRef
from tests.content.cards import VALID_CARD_LINES, card, replaced
from tests.slack.harness import (
    PACK_ID,
    TEACHER,
    answer_action,
    eventually,
    game_in,
    has_buttons,
    open_bot,
    running_bot,
    small_pack,
    start_game,
    step_message,
)
from tests.standins.slack_fixtures import Transport, drive_bolt_app
from tests.standins.slack_server import SlackStandIn


async def test_an_old_button_counts_after_a_restart(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    database = database_at
    async with running_bot(s, database, slack_transport) as (bot, slack):
        ref = await start_game(bot, s, slack)
        await slack.click(answer_action(ref, 0, 1), user="U1")
        await s.wait_for(lambda: s.ephemerals_for("U1"))
        question = await step_message(bot, s, ref, 0)

    # A new process: new services, a new connection to the same file, the same Slack messages.
    async with open_bot(s, database) as bot, drive_bolt_app(bot.app, s, slack_transport) as slack:
        assert await bot.games.service.running_games()
        clicked = await slack.click(answer_action(ref, 0, 3), user="U2", message=question)
        assert clicked.acked
        await s.wait_for(lambda: s.ephemerals_for("U2"))
        state = await bot.games.service.load(ref)
        assert {player: answer.option for player, answer in state.answers.items()} == {"U1": 1, "U2": 3}
        await eventually(lambda: _count(bot, s, ref, 2))
        assert s.ephemerals_for("U2")[-1].text.startswith("Locked in")
    s.assert_clean()


async def _count(bot: SlackBot, s: SlackStandIn, ref: GameRef, count: int) -> bool:
    message = await step_message(bot, s, ref, 0)
    return any(f"*{count}* answered" in str(block) for block in message.blocks)


async def test_import_through_the_modal(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    good = card(VALID_CARD_LINES).replace("bike lanes", "bus lanes")
    bad = replaced(9)  # the label on line 8 loses its turn: two problems, each with its line
    async with running_bot(s, database_at, slack_transport) as (bot, slack):
        refused = await slack.slash("/debate", "import", user="U1")
        assert refused.acked
        await s.wait_for(lambda: s.responses_for("U1"))
        assert s.responses_for("U1")[0].text == "Only teachers can import debates."

        opened = await slack.slash("/debate", "import", user=TEACHER)
        assert opened.acked and opened.elapsed < 3
        [view] = await s.wait_for(lambda: s.views_for(TEACHER, IMPORT_CALLBACK))

        rejected = await slack.submit_view(view=view, values={IMPORT_BLOCK: {IMPORT_INPUT: bad}}, user=TEACHER)
        assert rejected.acked and rejected.json["response_action"] == "errors"
        listed = rejected.json["errors"][IMPORT_BLOCK]
        assert listed.splitlines() == [
            "pasted text:7: thread 'Safety first' has only 1 turn; a thread needs at least 2",
            "pasted text:8: a side label (L or C) must be followed by the turn's text",
        ]
        assert not s.ephemerals_for(TEACHER)  # nothing was added

        accepted = await slack.submit_view(view=view, values={IMPORT_BLOCK: {IMPORT_INPUT: good}}, user=TEACHER)
        assert accepted.acked and accepted.json is None
        await s.wait_for(lambda: s.ephemerals_for(TEACHER))
        assert s.ephemerals_for(TEACHER)[-1].text.startswith("Added `should-towns-build-more-bus-lanes`")

        yaml_pack = dump_pack_yaml(small_pack().model_copy(update={"id": "from-yaml"}))
        as_pack = await slack.submit_view(view=view, values={IMPORT_BLOCK: {IMPORT_INPUT: yaml_pack}}, user=TEACHER)
        assert as_pack.json is None
        await s.wait_for(lambda: len(s.ephemerals_for(TEACHER)) == 2)

        workspace = await bot.games.workspace(s.team_id)
        here = await bot.games.workspaces.library(workspace)
        elsewhere = await bot.games.workspaces.library(await bot.games.workspace("T0OTHER"))
    assert {"should-towns-build-more-bus-lanes", "from-yaml"} <= set(here.packs)
    assert "should-towns-build-more-bus-lanes" not in elsewhere.packs and "from-yaml" not in elsewhere.packs
    s.assert_clean()


async def test_a_timed_game_resumes_its_timer_after_a_restart(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    s = slack_standin
    database = database_at
    async with running_bot(s, database, "socket") as (bot, slack):
        await slack.slash("/debate", f"start {PACK_ID} timed 5", user=TEACHER)
        ref = await game_in(bot, s)
        deadline = (await bot.games.service.load(ref)).deadline
        assert deadline is not None and bot.games.runner.pending_timers() == 1

    # The new process starts after the deadline passed (its clock is two minutes ahead).
    def later() -> datetime:
        return datetime.now(UTC) + timedelta(minutes=2)

    async with open_bot(s, database, clock=later) as bot:
        await eventually(lambda: _revealed(bot, s, ref))
        assert (await bot.games.service.load(ref)).phase is Phase.REVEALED
    s.assert_clean()


async def test_a_step_a_crash_left_unposted_is_posted_on_restart(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    """The host's "next" twice: question 0 closed, turn 1 shown, both committed; the process
    dies before drawing either. The next process posts turn 1 and draws question 0's reveal."""
    s = slack_standin
    async with running_bot(s, database_at, "http") as (bot, slack):
        ref = await start_game(bot, s, slack)
        question = await step_message(bot, s, ref, 0)
        now = datetime.now(UTC)
        for _ in range(2):  # what the crash left: committed through the service, never drawn
            outcome = await bot.games.service.handle(ref, Advanced(TEACHER, False, now))
            assert outcome.accepted
        assert (await bot.games.service.load(ref)).step == 1
        assert await bot.games.service.message_of(ref, 1) is None and has_buttons(question)
        replies_before = len(s.messages_in(question.channel, question.thread_ts))

    def a_minute_later() -> datetime:  # the crash was a while ago: nobody is posting it now
        return datetime.now(UTC) + timedelta(minutes=1)

    async with open_bot(s, database_at, clock=a_minute_later) as bot:
        shown = await step_message(bot, s, ref, 1)  # posted at start, and recorded
        assert "Results" in str(question.blocks) and not has_buttons(question)
        assert len(s.messages_in(question.channel, question.thread_ts)) == replies_before + 1
        assert shown.thread_ts == question.thread_ts
        assert await bot.games.runner.post_unposted() == 0  # nothing left to post
    s.assert_clean()


async def _revealed(bot: SlackBot, s: SlackStandIn, ref: GameRef) -> bool:
    return not has_buttons(await step_message(bot, s, ref, 0))


def boxes_for(text: str) -> list[str]:
    """The card split into form boxes, whole lines per box, as the form asks."""
    parts: list[str] = [""]
    for line in text.splitlines():
        if len(parts[-1]) + len(line) + 1 > 3000:
            parts.append("")
        parts[-1] += line + "\n"
    return parts


def test_the_form_holds_the_longest_shipped_card() -> None:
    longest = max(len(boxes_for(render_card(pack))) for pack in load_library().packs.values())
    assert longest <= IMPORT_PARTS


async def test_a_long_card_pasted_across_several_boxes(slack_standin: SlackStandIn, database_at: Path | str) -> None:
    s = slack_standin
    text = (Path(__file__).resolve().parents[1] / "data" / "cards" / "us-russia-normalization.txt").read_text()
    parts = boxes_for(text)
    assert 3 <= len(parts) <= IMPORT_PARTS
    async with running_bot(s, database_at, "socket") as (bot, slack):
        await slack.slash("/debate", "import", user=TEACHER)
        [view] = await s.wait_for(lambda: s.views_for(TEACHER, IMPORT_CALLBACK))
        boxes = {import_block(n): {IMPORT_INPUT: part} for n, part in enumerate(parts, start=1)}
        assert (await slack.submit_view(view=view, values=boxes, user=TEACHER)).json is None
        await s.wait_for(lambda: s.ephemerals_for(TEACHER))
        library = await bot.games.workspaces.library(await bot.games.workspace(s.team_id))
    [added] = [p for p in library.packs.values() if p.id != PACK_ID]
    assert added.question.startswith("Should the US normalize")
    assert all(b["element"]["max_length"] == 3000 for b in view.view["blocks"] if b["type"] == "input")
    s.assert_clean()
