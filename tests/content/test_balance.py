"""The balance report: word counts, alternating openers, questions per side, charged terms."""

from __future__ import annotations

from typing import Any

import pytest

from bot.content.balance import balance_report, charged_terms, find_charged, parse_charged_terms
from bot.content.model import Pack, Side


def thread(title: str, first: str, *texts: str) -> dict[str, Any]:
    sides = [first, "liberal" if first == "conservative" else "conservative"]
    return {"title": title, "turns": [{"side": sides[i % 2], "text": text} for i, text in enumerate(texts)]}


def pack(opening: dict[str, Any], *threads: dict[str, Any]) -> Pack:
    return Pack.model_validate(
        {
            "id": "balance",
            "question": "Should it?",
            "context": "Context.",
            "hook": "Hook?",
            "opening": opening,
            "threads": list(threads),
            "hardest_questions": {"conservative": "C?", "liberal": "L?"},
            "divide": {"factions": [{"name": "A", "position": "A."}]},
            "agreement": "Both.",
            "conflict": {"text": "Conflict."},
            "unanswered": "Open.",
            "sources": ["A source"],
        }
    )


def test_the_word_list_leans_neither_way() -> None:
    terms = charged_terms()
    assert set(terms.sections) == {"either", "at-the-left", "at-the-right"}
    assert len(terms.sections["at-the-left"]) == len(terms.sections["at-the-right"]) >= 10
    assert {"radical", "extreme", "so-called", "regime", "elites", "propaganda", "scheme", "disastrous"} <= set(
        terms.sections["either"]
    )
    assert {"woke", "socialist"} <= set(terms.sections["at-the-left"])
    assert "greedy" in terms.sections["at-the-right"]
    assert len(set(terms.all)) == len(terms.all)  # no term twice


def test_charged_terms_match_whole_words_plurals_and_spelling_variants() -> None:
    text = "The so called reform is a Scheme of radical elites; woke schemes. Extremely calm; regimen."
    assert find_charged(text) == ["so called", "Scheme", "radical", "elites", "woke", "schemes"]
    assert find_charged("a socialist-style plan and a so-called plan") == ["so-called"]  # part of a longer word: no


def test_a_misplaced_term_in_the_list_is_reported_with_its_line() -> None:
    with pytest.raises(ValueError, match=r"charged_terms.txt:2: a term before any \[section\] line"):
        parse_charged_terms("# heading\nradical\n[either]\n")


def test_a_balanced_debate_breaks_no_rule() -> None:
    balanced = pack(
        thread("Opening", "conservative", "One two three four.", "One two three four."),
        thread("Second", "liberal", "One two three.", "One two three four."),
    )
    report = balance_report(balanced, {"game": {Side.CONSERVATIVE: 1.0, Side.LIBERAL: 1.0}})
    assert report.words == {Side.CONSERVATIVE: 8, Side.LIBERAL: 7}
    assert report.openers == (Side.CONSERVATIVE, Side.LIBERAL)
    assert report.problems == []
    assert report.as_json()["openers_alternate"] is True


def test_each_broken_rule_is_named_with_its_figures() -> None:
    lopsided = pack(
        thread("Opening", "conservative", "A radical scheme by greedy elites, so-called reform.", "No."),
        thread("Second", "conservative", "One two three four five six.", "Yes."),
    )
    report = balance_report(lopsided, {"game": {Side.CONSERVATIVE: 1.0, Side.LIBERAL: 3.0}})
    assert set(report.broken) == {"words", "openers", "questions", "charged"}
    assert report.broken["words"] == (
        "balance rule 'words': the sides' turns differ by 86% of the longer side's words "
        "(Conservative 14, Liberal 2; target within 15%)"
    )
    assert report.broken["openers"] == (
        "balance rule 'openers': the opening side does not alternate (C C; thread 2 opens with the same side "
        "as the thread before)"
    )
    assert report.broken["questions"] == (
        "balance rule 'questions': in a full game Conservative 1, Liberal 3 (target at most 1 apart)"
    )
    assert report.broken["charged"] == "balance rule 'charged': Conservative 5, Liberal 0 (target at most 2 apart)"
    assert [u.term for u in report.charged[Side.CONSERVATIVE]] == ["radical", "scheme", "greedy", "elites", "so-called"]
    assert any(line.startswith("  Conservative: “radical” (c-") for line in report.lines())
