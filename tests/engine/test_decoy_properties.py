"""Properties of prediction questions over seeds and packs (shipped ones and a teacher's card
with no author decoys): never a revealed text as a decoy, always four options, the real
reply's position uniform."""

from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.library import load_any, load_library
from bot.content.model import Pack
from bot.engine.audit import game_questions, round_questions
from bot.engine.script import build_script

CARDS = Path(__file__).parents[1] / "data" / "cards"


@cache
def packs() -> tuple[Pack, ...]:
    shipped = tuple(load_library().packs[name] for name in sorted(load_library().packs))
    return (*shipped, load_any(CARDS / "congestion-pricing.txt"))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**31 - 1), st.integers(min_value=0, max_value=4), st.booleans())
def test_no_revealed_text_is_offered_and_every_question_has_four_options(seed: int, which: int, daily: bool) -> None:
    pack = packs()[which]
    asked = round_questions(pack, seed) if daily else game_questions(pack, seed)
    for one in asked:
        q = one.question
        assert len(q.options) == len(set(q.options)) == 4
        decoys = [o for i, o in enumerate(q.options) if i != q.answer]
        assert not set(decoys) & q.revealed, "a text already shown as said was offered as a decoy"


def test_a_game_is_deterministic_for_its_seed() -> None:
    for pack in packs():
        assert build_script(pack, 11) == build_script(pack, 11)


def test_the_real_replys_position_is_uniform() -> None:
    """Chi-square over 4 positions (3 degrees of freedom): 16.27 is the 0.1% critical value,
    so a fair draw fails this about once in a thousand runs; a position bias of a few points
    over these ~3,000 questions fails it almost always."""
    counts = [0, 0, 0, 0]
    for pack in packs()[:4]:
        for seed in range(50):
            for one in game_questions(pack, seed):
                counts[one.question.answer] += 1
    total = sum(counts)
    expected = total / 4
    chi_square = sum((c - expected) ** 2 / expected for c in counts)
    assert total > 2000
    assert chi_square < 16.27, counts
