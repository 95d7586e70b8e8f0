"""Malformed cards: each names the exact line and what was expected, and loads nothing."""

import pytest

from bot.content.card_parser import parse_card
from bot.content.errors import ContentError
from tests.content.cards import VALID_CARD_LINES, card, replaced


def problems_of(text: str | bytes) -> list[tuple[int, str]]:
    with pytest.raises(ContentError) as caught:
        parse_card(text, "card.txt")
    return [(p.line, p.message) for p in caught.value.problems]


def test_the_valid_card_parses() -> None:
    pack = parse_card(card(VALID_CARD_LINES))
    assert [t.side.letter for t in pack.opening.turns] == ["C", "L"]
    assert [t.title for t in pack.threads] == ["Safety first"]


def test_empty_card() -> None:
    assert problems_of("\n \n") == [(1, "the card is empty; line 1 must be the debate question")]


def test_about_lines_each_once_with_a_value_and_only_at_the_top() -> None:
    about = ["Id: bike-lanes", "Tags: local, transport", "tags: again", "Authorship:", "Grade level: 6-8"]
    lines = [*about, *VALID_CARD_LINES]
    lines.insert(len(about) + 2, "Language: en")  # among the context paragraphs
    assert problems_of(card(lines)) == [
        (3, "a second 'Tags:' line; a card has at most one"),
        (4, "'Authorship:' needs a value after the colon"),
        (8, "a 'Language:' line belongs at the top of the card, before the debate question"),
    ]


def test_a_bad_about_value_names_its_line() -> None:
    problems = problems_of(card(["Tags: civic", "Id: Not An Id!", *VALID_CARD_LINES]))
    assert [line for line, _ in problems] == [2] and "id" in problems[0][1]


def test_a_card_of_about_lines_only() -> None:
    assert problems_of("Id: x\nTags: y\n") == [(3, "no debate question after the card's about lines")]


def test_about_lines_are_read() -> None:
    about = ["Id: bike-lanes", "TAGS: local, transport ,", "Grade level: 6-8", "Language: en-GB", "Authorship: A class"]
    pack = parse_card(card([*about, *VALID_CARD_LINES]), "card.txt", default_id="from-file-name")
    assert (pack.id, pack.tags, pack.grade_level, pack.language, pack.authorship) == (
        "bike-lanes",
        ("local", "transport"),
        "6-8",
        "en-GB",
        "A class",
    )
    assert parse_card(card(VALID_CARD_LINES), default_id="from-file-name").id == "from-file-name"


def test_label_followed_by_another_label() -> None:
    assert problems_of(replaced(9)) == [
        (7, "thread 'Safety first' has only 1 turn; a thread needs at least 2"),
        (8, "a side label (L or C) must be followed by the turn's text"),
    ]


def test_label_at_the_end_of_the_body() -> None:
    assert problems_of(replaced(11)) == [
        (7, "thread 'Safety first' has only 1 turn; a thread needs at least 2"),
        (10, "a side label (L or C) must be followed by the turn's text"),
    ]


def test_two_turns_of_the_same_side_in_a_row() -> None:
    assert problems_of(replaced(10, "L")) == [
        (
            10,
            "this Liberal turn follows another Liberal turn (line 8) in 'Safety first'; turns alternate between C and L",
        ),
    ]


def test_no_side_labels_at_all() -> None:
    lines = [line for line in VALID_CARD_LINES[:11] if line not in {"L", "C"}] + VALID_CARD_LINES[11:]
    assert problems_of(card(lines)) == [
        (8, "no turns found: a turn is a line holding only L or C, followed by the turn's text")
    ]


def test_header_too_short() -> None:
    text = card([VALID_CARD_LINES[0], VALID_CARD_LINES[3], *VALID_CARD_LINES[4:]])
    assert problems_of(text) == [
        (
            3,
            "before the first side label a card needs the debate question, a context paragraph, "
            "the hook question and the opening argument (one paragraph each); found 2 paragraph(s)",
        )
    ]


def test_thread_with_a_single_turn() -> None:
    text = card(VALID_CARD_LINES[:9] + VALID_CARD_LINES[11:])
    assert problems_of(text) == [(7, "thread 'Safety first' has only 1 turn; a thread needs at least 2")]


def test_card_without_threads() -> None:
    text = card(VALID_CARD_LINES[:6] + VALID_CARD_LINES[11:])
    assert problems_of(text) == [
        (
            6,
            "the card has no threads after the opening exchange: a thread starts with a short "
            "heading line followed by a side label line (L or C)",
        ),
    ]


def test_heading_without_a_label_after_it() -> None:
    assert problems_of(replaced(8)) == [
        (7, "'Safety first' looks like a thread heading, but the next line is not a side label (L or C)"),
        (
            10,
            "the card has no threads after the opening exchange: a thread starts with a short "
            "heading line followed by a side label line (L or C)",
        ),
    ]


def test_missing_sections_are_all_reported() -> None:
    text = card(VALID_CARD_LINES[:13] + VALID_CARD_LINES[22:25])
    assert problems_of(text) == [
        (16, "the card has no 'Liberal's hardest question' section"),
        (16, "the card has no 'Sources' section"),
        (16, "the card has no 'The Divide' section"),
    ]


def test_duplicate_section() -> None:
    assert problems_of(replaced(25, VALID_CARD_LINES[22])) == [
        (25, "a second 'Both sides agree' section (the first is on line 23)"),
        (28, "the card has no 'What nobody has answered' section"),
    ]


def test_section_after_sources() -> None:
    text = card([*VALID_CARD_LINES, "Both sides agree: more than once."])
    assert problems_of(text) == [(29, "'Both sides agree' comes after 'Sources'; Sources must be the last section")]


def test_empty_sources() -> None:
    assert problems_of(card(VALID_CARD_LINES[:26])) == [
        (26, "'Sources' must be followed by at least one source, one per line")
    ]


def test_hardest_question_without_text() -> None:
    assert problems_of(replaced(13)) == [(12, "'Conservative's hardest question' must be followed by its text")]


def test_faction_name_not_in_capitals() -> None:
    assert problems_of(replaced(18, "Shopkeepers")) == [
        (
            18,
            "expected a faction name in capitals (e.g. MAINSTREAM-DEM/INTERNATIONALIST) or 'Faction: Any name', found 'Shopkeepers'",
        ),
        (
            19,
            "expected a faction name in capitals (e.g. MAINSTREAM-DEM/INTERNATIONALIST) or 'Faction: Any name', found 'Parking is our lifeline.'",
        ),
        (
            20,
            "expected a faction name in capitals (e.g. MAINSTREAM-DEM/INTERNATIONALIST) or 'Faction: Any name', found '“Customers drive here.” — A shop owner'",
        ),
    ]


def test_faction_without_position() -> None:
    assert problems_of(card(VALID_CARD_LINES[:21] + VALID_CARD_LINES[22:])) == [
        (21, "faction 'SAFETY ADVOCATES' needs a position line after its name"),
    ]


def test_quote_without_attribution() -> None:
    assert problems_of(replaced(20, "“Customers drive here.”")) == [
        (20, "a faction quote must look like “…” — Attribution"),
    ]


def test_divide_without_factions() -> None:
    assert problems_of(card(VALID_CARD_LINES[:17] + VALID_CARD_LINES[22:])) == [
        (16, "'The Divide' needs at least one faction: a NAME line in capitals, then a position line"),
    ]


def test_divide_without_factions_is_reported_beside_other_missing_sections() -> None:
    assert problems_of(card(VALID_CARD_LINES[:17] + VALID_CARD_LINES[22:25])) == [
        (16, "'The Divide' needs at least one faction: a NAME line in capitals, then a position line"),
        (20, "the card has no 'Sources' section"),
    ]


def test_second_splits_note() -> None:
    text = card([*VALID_CARD_LINES[:2], "⚡One note.", "⚡Another note.", *VALID_CARD_LINES[2:]])
    assert problems_of(text) == [(4, "a second ⚡ note; a card has at most one")]


def test_not_utf8() -> None:
    data = card(VALID_CARD_LINES).encode("utf-8").replace(b"Safety first", b"Safety \xff first")
    assert problems_of(data) == [(7, "not valid UTF-8 text; save the file as UTF-8")]


def test_binary_file() -> None:
    assert problems_of(b"\x00\x01\x02") == [(0, "not a text file (it contains NUL bytes)")]


def test_oversized_card() -> None:
    assert problems_of("x" * (256 * 1024 + 1)) == [(0, "file is 262,145 bytes; the limit is 262,144")]


def test_turn_text_over_the_limit_names_its_line() -> None:
    assert problems_of(replaced(9, "word " * 900)) == [
        (8, "threads.0.turns.0.text: String should have at most 4000 characters"),
    ]


def test_every_problem_is_reported_together() -> None:
    lines = list(VALID_CARD_LINES)
    lines[9] = "L"  # two L turns in a row
    lines[17] = "Shopkeepers"  # not a faction name
    del lines[25:]  # no Sources
    problems = problems_of(card(lines))
    assert [line for line, _ in problems] == [10, 18, 19, 20, 25]


def test_error_string_names_file_and_line() -> None:
    with pytest.raises(ContentError) as caught:
        parse_card(replaced(9), "cards/bikes.txt")
    assert str(caught.value) == (
        "cards/bikes.txt:7: thread 'Safety first' has only 1 turn; a thread needs at least 2\n"
        "cards/bikes.txt:8: a side label (L or C) must be followed by the turn's text"
    )
