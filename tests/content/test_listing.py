"""The library listing: tags, threads, the playing-time model, the reading level, the tag filter."""

from __future__ import annotations

import math
from typing import Any

import pytest

from bot.content.listing import (
    READING_WPM,
    SECONDS_PER_QUESTION,
    describe,
    flesch_kincaid_grade,
    known_tags,
    list_library,
)
from bot.content.model import Pack


def words(count: int, word: str = "word") -> str:
    return " ".join([word] * count) + "."


def turn(side: str, count: int) -> dict[str, Any]:
    return {"side": side, "text": words(count, side)}


def pack(pack_id: str = "sized", tags: tuple[str, ...] = ()) -> Pack:
    """A debate whose word counts are round numbers, to check the playing-time model by hand."""
    return Pack.model_validate(
        {
            "id": pack_id,
            "question": "Should it?",  # not read during play: the hook asks it
            "context": words(100),
            "hook": words(20),
            "opening": {"turns": [turn("conservative", 100), turn("liberal", 100)]},
            "threads": [
                {"title": "One", "turns": [turn("liberal", 50), turn("conservative", 50), turn("liberal", 50)]}
            ],
            "hardest_questions": {"conservative": words(10), "liberal": words(10)},
            "divide": {"factions": [{"name": "A", "position": words(10)}, {"name": "B", "position": words(10)}]},
            "agreement": words(10),
            "conflict": {"text": words(10)},
            "unanswered": words(10),
            "sources": ["A source"],
            "tags": list(tags),
        }
    )


def test_playing_time_follows_the_documented_model() -> None:
    entry = describe(pack())
    # Read: context 100 + hook 20 + closing 70 (two hardest questions, two factions' positions,
    # agreement, conflict, unanswered: 10 each); opening 200 turns + 3 decoys × 100 for its
    # reply; thread 150 turns + 3 × (50 + 50) for its two replies.
    read = 100 + 20 + 70 + (200 + 300) + (150 + 300)
    # Questions: 3 predictions, stances before each of 2 threads and after the last (3), 2 votes, 1 faction.
    questions = 3 + 3 + 2 + 1
    assert entry.live_minutes == math.ceil((read * 60 / READING_WPM + questions * SECONDS_PER_QUESTION) / 60)
    assert entry.live_minutes == 11  # 1140 words at 200 a minute (342 s) and 9 questions (270 s)
    # A round: opening (500 words, 2 stances + 1 prediction + 1 vote) and the thread (450 words, 2 + 2 + 1).
    opening_round = 500 * 60 / READING_WPM + 4 * SECONDS_PER_QUESTION
    thread_round = 450 * 60 / READING_WPM + 5 * SECONDS_PER_QUESTION
    assert entry.round_minutes == math.ceil((opening_round + thread_round) / 2 / 60) == 5
    assert (entry.threads, entry.rounds) == (1, 2)


def test_flesch_kincaid_grade_known_values() -> None:
    # Six one-syllable words in one sentence: 0.39 × 6 + 11.8 × 1 − 15.59 = −1.45.
    assert flesch_kincaid_grade("The cat sat on the mat.") == pytest.approx(-1.45)
    # Longer sentences and longer words read at a higher grade.
    easy = "We vote. You vote. They vote."
    hard = "Constitutional amendments require supermajorities, which deliberately entrench institutional continuity."
    assert flesch_kincaid_grade(easy) < 3 < 12 < flesch_kincaid_grade(hard)


def test_reading_grade_of_a_shipped_debate_is_plausible() -> None:
    from bot.content.library import load_library

    entry = describe(load_library().get("voting-age-16"))
    assert 8 <= entry.reading_grade <= 18


def test_filter_by_tag_ignores_case_and_lists_known_tags() -> None:
    packs = [pack("a", ("national", "Economy")), pack("b", ("local", "economy")), pack("c", ("national",))]
    assert known_tags(packs) == ("economy", "local", "national")
    everything = list_library(packs)
    assert [e.id for e in everything.entries] == ["a", "b", "c"] and everything.problem is None
    assert everything.heading == "3 debates"
    economy = list_library(packs, "ECONOMY")
    assert [e.id for e in economy.entries] == ["a", "b"]
    assert economy.heading == "2 debates tagged “ECONOMY”"
    assert economy.entries[0].tags == ("national", "economy")  # shown lower-cased, in the pack's order
    unknown = list_library(packs, "astrology")
    assert unknown.entries == ()
    assert unknown.problem == "No debate here is tagged “astrology”. Known tags: economy, local, national."
    assert unknown.heading == unknown.problem
    assert list_library(packs, "  ").entries == everything.entries  # a blank tag is no filter


def test_an_untagged_library_says_so() -> None:
    listing = list_library([pack()], "economy")
    assert listing.problem == "No debate here is tagged “economy”. Known tags: none (no debate here is tagged yet)."
    assert list_library([pack()]).tags_line == "No debate is tagged yet."
    assert describe(pack()).summary().startswith("untagged · 1 thread · about 11 min live, 5 min a daily round")
