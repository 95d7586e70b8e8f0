"""Block Kit drawing and button ids, without Slack: escaping, equal prominence, routing."""

from __future__ import annotations

import json
from typing import Any

from adapters.slack import render
from adapters.slack.buttons import AnswerButton, HostButton, ThreadRef
from bot.content.model import Side
from bot.engine.commands import DrawnFor
from bot.engine.script import StepKind, build_script
from bot.engine.state import Phase, Status
from bot.games.controls import Control
from bot.games.presentation import Section, StepCard, step_card
from tests.slack.harness import small_pack


def test_escape_defuses_mentions_and_links() -> None:
    assert render.escape("<!channel> & <@U1> <https://x|y>") == "&lt;!channel&gt; &amp; &lt;@U1&gt; &lt;https://x|y&gt;"


def test_both_sides_are_drawn_the_same_way() -> None:
    pack = small_pack()
    script = build_script(pack, 3)
    turns = [step_card(pack, step) for step in script.steps if step.kind is StepKind.TURN]
    drawn: dict[Side, dict[str, Any]] = {}
    for card in turns + [step_card(pack, s) for s in script.steps if s.kind is StepKind.CLOSING]:
        for section in card.sections:
            if section.side is not None:
                drawn.setdefault(section.side, render.sections(f"*{section.heading}*\n{section.text}")[0])
    shapes = {
        side: (block["type"], block["text"]["type"], block["text"]["text"].split("\n")[0].count("*"))
        for side, block in drawn.items()
    }
    assert set(shapes) == {Side.CONSERVATIVE, Side.LIBERAL}
    assert shapes[Side.CONSERVATIVE] == shapes[Side.LIBERAL] == ("section", "mrkdwn", 2)
    card = StepCard("T", (Section("Conservative", "c", Side.CONSERVATIVE), Section("Liberal", "l", Side.LIBERAL)))
    conservative, liberal = render.open_step_blocks(1, 0, card, 0)[1:]
    assert conservative["text"]["text"] == "*Conservative*\nc" and liberal["text"]["text"] == "*Liberal*\nl"


def test_questions_carry_routable_buttons_and_a_count() -> None:
    card = StepCard("Q", prompt="Pick", options=("x" * 200, "short"), is_question=True)
    drawn = render.open_step_blocks(7, 4, card, 2)
    actions = next(b for b in drawn if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == ["answer:7:4:0", "answer:7:4:1"]
    assert [e["text"]["text"] for e in actions["elements"]] == ["A", "B"]  # long options are listed above
    assert drawn[-1]["elements"][0]["text"] == "*2* answered"
    assert AnswerButton.parse("answer:7:4:1") == AnswerButton(7, 4, 1)
    assert AnswerButton.parse("answer:7:x:1") is None and AnswerButton.parse("host:7:next") is None
    assert HostButton.parse("host:7:pause") == HostButton(7, Control.PAUSE, None)  # posted before steps were named
    assert HostButton.parse("host:7:4:o:next") == HostButton(7, Control.NEXT, DrawnFor(4, Phase.OPEN))
    assert HostButton.parse("host:7:4:x:next") is None
    assert HostButton.parse("host:7:explode") is None
    assert ThreadRef.parse("C1/1.2") == ThreadRef("C1", "1.2") and ThreadRef.parse(None) is None


def test_a_revealed_question_has_no_buttons_and_long_text_is_split() -> None:
    card = StepCard("Q", sections=(Section("Context", "w" * 7000),), options=("a", "b"), is_question=True)
    drawn = render.revealed_step_blocks(card, "A: 1 (100%)")
    assert not any(b["type"] == "actions" for b in drawn)
    assert all(len(b["text"]["text"]) <= render.SECTION_LIMIT for b in drawn if b["type"] == "section")
    assert "*Results*\nA: 1 (100%)" in json.dumps(drawn, ensure_ascii=False).replace("\\n", "\n")


def test_every_step_of_every_shipped_debate_fits_slack_limits() -> None:
    from bot.content.library import load_library

    for pack in load_library().packs.values():
        script = build_script(pack, 11)
        for step in script.steps:
            card = step_card(pack, step)
            for drawn in (
                render.open_step_blocks(10**6, step.index, card, 999),
                render.revealed_step_blocks(card, "x"),
            ):
                assert len(drawn) <= render.MAX_BLOCKS, (pack.id, step.index)
                for block in drawn:
                    if block["type"] == "section":
                        assert 0 < len(block["text"]["text"]) <= render.SECTION_LIMIT
                    if block["type"] == "actions":
                        assert len(block["elements"]) <= 25
                        for element in block["elements"]:
                            assert len(element["text"]["text"]) <= render.BUTTON_LIMIT
                            assert len(element["action_id"]) <= 255 and len(element["value"]) <= 2000
            assert len(render.step_text(card)) <= 4000
        parent = render.parent_blocks(1, pack.question, "U1", Status.RUNNING, DrawnFor(0, Phase.SHOWN))
        assert all(len(b["text"]["text"]) <= render.SECTION_LIMIT for b in parent if b["type"] == "section")
