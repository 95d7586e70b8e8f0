"""Traps a new author falls into, each reported at the line where it is, with what to do."""

import pytest

from bot.content.card_parser import parse_card
from bot.content.card_writer import render_card
from bot.content.errors import ContentError
from bot.content.model import Pack
from tests.content.cards import VALID_CARD_LINES, card, replaced


def problems_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(ContentError) as caught:
        parse_card(text, "card.txt")
    return [(p.line, p.message) for p in caught.value.problems]


def test_a_thread_heading_ending_in_a_full_stop_is_not_merged_silently() -> None:
    assert problems_of(replaced(7, "Safety first.")) == [
        (
            7,
            "'Safety first.' is followed by a side label, like a thread heading, but ends with '.'; "
            "remove it to start a thread, or join the line to the paragraph above",
        )
    ]


def test_a_missing_side_label_is_reported_where_it_is_missing() -> None:
    # Line 10 ("C") deleted: the Conservative reply now continues the Liberal turn.
    assert problems_of(replaced(10)) == [
        (
            10,
            "thread 'Safety first' has only 1 turn, and this paragraph continues it: if it is the "
            "Conservative reply, put C on a line of its own before it",
        )
    ]


def test_a_missing_side_label_between_two_turns_of_one_side() -> None:
    lines = [
        *VALID_CARD_LINES[:11],
        "L",
        "Lanes pay for themselves within a decade in lower hospital bills.",
        *VALID_CARD_LINES[11:],
    ]
    del lines[9]  # the "C" before "Injury numbers fell…" (line 11 becomes line 10)
    assert problems_of(card(lines)) == [
        (
            10,
            "this paragraph sits between two Liberal turns (lines 8 and 11): if it is the Conservative "
            "reply, put C on a line of its own before it",
        )
    ]


@pytest.mark.parametrize(
    ("line", "typo", "meant"),
    [
        (26, "Source", "'Sources'"),
        (23, "Both side agree: streets should be safe and shops should survive.", "'Both sides agree'"),
        (12, "Conservatives' hardest question", '"Conservative\'s hardest question"'),
    ],
)
def test_a_misspelt_section_heading_is_named_at_its_line(line: int, typo: str, meant: str) -> None:
    shown = repr(typo.split(":")[0])
    assert problems_of(replaced(line, typo)) == [(line, f"{shown} is not a section heading; did you mean {meant}?")]


def test_a_mixed_case_faction_name_exports_to_a_card_that_imports() -> None:
    raw = parse_card(card(VALID_CARD_LINES)).model_dump(mode="json")
    raw["divide"]["factions"][0]["name"] = "Shopkeepers (main street)"
    pack = Pack.model_validate(raw)
    text = render_card(pack)
    assert "Faction: Shopkeepers (main street)" in text
    assert parse_card(text, pack_id=pack.id) == pack


def test_author_decoys_round_trip_card_pack_card() -> None:
    lines = list(VALID_CARD_LINES)
    lines[10:11] = [
        lines[10],
        "Not said: Injuries are down because cars are safer now, not because of the lanes.",
        "not said: The lanes moved crashes to side streets; the total did not change.",
    ]
    pack = parse_card(card(lines), pack_id="bike-lanes")
    assert pack.threads[0].turns[1].decoys == (
        "Injuries are down because cars are safer now, not because of the lanes.",
        "The lanes moved crashes to side streets; the total did not change.",
    )
    text = render_card(pack)
    assert parse_card(text, pack_id="bike-lanes") == pack
    assert render_card(parse_card(text, pack_id="bike-lanes")) == text


def test_a_decoy_on_a_thread_opening_turn_is_refused_at_its_line() -> None:
    lines = list(VALID_CARD_LINES)
    lines[8:9] = [lines[8], "Not said: Lanes are popular, so build them."]
    assert problems_of(card(lines)) == [
        (10, "a 'Not said:' decoy belongs to a reply; the turn above opens its thread and replies to nothing")
    ]


def test_a_decoy_that_is_a_real_turn_is_refused_at_its_line() -> None:
    lines = list(VALID_CARD_LINES)
    lines[10:11] = [lines[10], f"Not said: {VALID_CARD_LINES[5]}"]
    problems = problems_of(card(lines))
    assert [line for line, _ in problems] == [12]
    assert "is the text of a real turn" in problems[0][1]
