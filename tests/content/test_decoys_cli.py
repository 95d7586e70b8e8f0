"""``rebuttal decoys --json / --daily / --audit`` and ``rebuttal validate``'s decoy warnings,
as an author or a researcher would run them."""

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.content.library import load_library
from bot.engine.script import StepKind, build_script

CARD = Path(__file__).parents[1] / "data" / "cards" / "congestion-pricing.txt"  # no author decoys
DECOY_CARD = Path(__file__).parents[1] / "data" / "cards" / "us-russia-normalization.txt"


def test_json_questions_come_in_game_order_with_the_answer_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decoys", "us-russia-normalization", "--seed", "3", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    pack = load_library().get("us-russia-normalization")
    asked = [s for s in build_script(pack, 3).steps if s.kind is StepKind.PREDICT]
    assert document["debate"] == "us-russia-normalization" and document["seed"] == 3
    assert [q["options"] for q in document["questions"]] == [[o.text for o in s.options] for s in asked]
    for question, step in zip(document["questions"], asked, strict=True):
        assert question["thread"] == pack.thread(step.thread_id or "").title
        assert question["prompt"] == pack.turn(step.prompt_turn_id or "").text
        assert question["options"][question["answer"]] == pack.turn(step.turn_id or "").text
        real = question["sources"][question["answer"]]
        assert real == {"source": "true-reply", "turn": step.turn_id}
        assert {s["source"] for s in question["sources"]} <= {"true-reply", "author-decoy", "other-turn"}


def test_daily_json_from_a_card_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decoys", str(DECOY_CARD), "--daily", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["daily"] is True
    assert document["questions"] and all(len(q["options"]) == 4 for q in document["questions"])


def test_a_card_without_decoys_asks_no_prediction(capsys: pytest.CaptureFixture[str]) -> None:
    """Its replies are shown, not asked: real turns alone never make a fair question."""
    assert main(["decoys", str(CARD), "--daily", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["questions"] == []


def test_audit_json_names_the_strongest_strategy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decoys", "voting-age-16", "--audit", "--seeds", "2", "--json"]) == 0
    audits = json.loads(capsys.readouterr().out)
    assert [a["mode"] for a in audits] == ["game", "daily"]
    for one in audits:
        assert one["strongest"]["rate"] == max(one["rates"].values())
        assert one["revealed_offered"] == 0 and one["fewest_options"] == 4


def test_validate_warns_about_a_card_without_decoys_naming_the_replies(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(CARD), "--seeds", "3"]) == 0  # a warning, not an error: the card plays
    out = capsys.readouterr().out
    assert "ok  congestion-pricing" in out
    assert "warning  congestion-pricing: game: the reply c-0b99f7b3 cannot get four good options" in out
    assert "warning  congestion-pricing: daily: the reply c-0b99f7b3 cannot get four good options" in out
