"""Hostile input to the card importer and the pack loader: a pack or a clear error, never a
crash or a hang. Bounded in examples and time so it runs in the normal suite."""

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content.card_parser import parse_card
from bot.content.errors import ContentError
from bot.content.pack_files import parse_pack
from tests.content.cards import VALID_CARD_LINES

CARD_LINES = st.sampled_from(
    [
        *VALID_CARD_LINES,
        "L",
        "C",
        "l",
        "",
        "⚡",
        "*",
        "**",
        "“",
        "The Divide",
        "Sources",
        "Both sides agree:",
        "X" * 300,
    ]
)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome_of(load: object, data: bytes | str) -> str:
    started = time.perf_counter()
    try:
        load(data, "fuzz")  # type: ignore[operator]
        result = "pack"
    except ContentError as error:
        assert error.problems, "an error must say what is wrong"
        for problem in error.problems:
            assert problem.message and problem.source == "fuzz" and problem.line >= 0
        result = "error"
    assert time.perf_counter() - started < 2.0, "parsing took too long"
    return result


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes_as_a_card(data: bytes) -> None:
    outcome_of(parse_card, data)


@FUZZ
@given(st.lists(CARD_LINES, max_size=60), st.sampled_from(["\n", "\r\n", "\r"]))
def test_shuffled_card_lines(lines: list[str], newline: str) -> None:
    outcome_of(parse_card, newline.join(lines))


@FUZZ
@given(st.lists(st.integers(0, len(VALID_CARD_LINES) - 1), max_size=8), st.text(max_size=40))
def test_a_valid_card_with_lines_replaced(positions: list[int], replacement: str) -> None:
    lines = list(VALID_CARD_LINES)
    for position in positions:
        lines[position] = replacement
    outcome_of(parse_card, "\n".join(lines))


@FUZZ
@given(st.text(max_size=3000))
def test_random_text_as_a_pack(text: str) -> None:
    outcome_of(parse_pack, text)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=30,
)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["id", "question", "opening", "threads", "divide", "sources", "conflict", "x"]), JSONISH
    )
)
def test_structured_garbage_as_a_pack(fields: dict[str, object]) -> None:
    import json

    outcome_of(parse_pack, json.dumps(fields))


def test_yaml_bombs_are_refused_quickly() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    assert outcome_of(parse_pack, bomb) == "error"
