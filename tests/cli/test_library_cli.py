"""``rebuttal library`` (listing, tag filter, JSON) and the balance report in ``rebuttal decoys
--audit`` and ``rebuttal validate``, as a teacher or an author runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.content.library import load_library
from tests.cli.helpers import rebuttal

SHIPPED = load_library().packs
# The brief's sample card as supplied breaks two balance rules (every thread opens with the
# Conservative side, whose turns are 17% longer); the shipped pack adds turns that fix both.
UNBALANCED_CARD = Path(__file__).parents[1] / "data" / "cards" / "us-russia-normalization.txt"


def test_library_lists_every_debate_with_its_figures() -> None:
    done = rebuttal("library")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{len(SHIPPED)} debates (play one with: rebuttal play ID). Tags: economy, ")
    for pack_id, pack in SHIPPED.items():
        assert f"  {pack_id} — {pack.question}" in lines
    assert "      international, foreign-policy, economy · 4 threads · about " in done.stdout


def test_library_filters_by_tag_in_any_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["library", "--tag", "Energy", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    tagged = sorted(pack_id for pack_id, pack in SHIPPED.items() if "energy" in pack.tags)
    assert sorted(d["id"] for d in document["debates"]) == tagged
    assert "nuclear-power-expansion" in tagged
    assert document["tag"] == "Energy" and "energy" in document["known_tags"]
    [debate] = [d for d in document["debates"] if d["id"] == "nuclear-power-expansion"]
    assert set(debate) == {
        "id", "question", "tags", "threads", "rounds", "live_minutes", "round_minutes", "reading_grade",
    }  # fmt: skip
    assert debate["tags"] == ["national", "energy", "environment", "economy"]
    assert debate["live_minutes"] > debate["round_minutes"] > 0


def test_an_unknown_tag_fails_and_names_the_known_ones() -> None:
    done = rebuttal("library", "--tag", "astrology")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("No debate here is tagged “astrology”. Known tags: economy, education, ")


def test_the_audit_prints_the_balance_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decoys", "voting-age-16", "--audit", "--seeds", "1"]) == 0
    text = capsys.readouterr().out
    balance = text.split("\nvoting-age-16: balance\n", 1)[1].splitlines()
    assert balance[0] == "  words: Conservative 645, Liberal 681; C/L ratio 0.95, gap 5% (target within 15%)"
    assert balance[1] == "  opening side by thread: L C L C L (alternates)"
    assert balance[2].startswith("  prediction questions per full game: Conservative ")
    assert "  charged terms: Conservative 0, Liberal 0" in balance
    assert not [line for line in balance if line.startswith("  !")]  # a balanced debate: no rule is broken


def test_the_audit_json_carries_the_balance_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decoys", str(UNBALANCED_CARD), "--audit", "--seeds", "1", "--json"]) == 0
    audits = json.loads(capsys.readouterr().out)
    assert [a["mode"] for a in audits] == ["game", "daily"]
    balance = audits[0]["balance"]
    assert balance["words"] == {"conservative": 555, "liberal": 460}
    assert balance["openers"] == ["conservative"] * 5 and balance["openers_alternate"] is False
    assert set(balance["questions_per_side"]) == {"game", "daily"}
    assert balance["charged"] == {"conservative": [], "liberal": []}
    assert [p.split(":")[0] for p in balance["problems"]] == ["balance rule 'words'", "balance rule 'openers'"]


def test_validate_warns_about_each_broken_balance_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(UNBALANCED_CARD), "--seeds", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "ok  us-russia-normalization: 4 threads, 20 turns",
        "warning  us-russia-normalization: balance rule 'words': the sides' turns differ by 17% of the longer "
        "side's words (Conservative 555, Liberal 460; target within 15%)",
        "warning  us-russia-normalization: balance rule 'openers': the opening side does not alternate "
        "(C C C C C; threads 2, 3, 4, 5 open with the same side as the thread before)",
    ]
