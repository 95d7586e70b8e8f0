"""Properties of prediction questions over seeds and packs (shipped ones and a teacher's card
with no author decoys): never a revealed text as a decoy, always four options, the real
reply's position uniform, borrowed decoys traced to their reply; and the eliminator player
the audit runs (it learns which strategies are reliably wrong)."""

from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.library import load_any, load_library
from bot.content.model import Pack
from bot.engine import eliminator
from bot.engine.audit import audit, game_questions, round_questions
from bot.engine.eliminator import Picks
from bot.engine.script import OptionSource, StepKind, build_script

CARDS = Path(__file__).parents[1] / "data" / "cards"


@cache
def packs() -> tuple[Pack, ...]:
    shipped = tuple(load_library().packs[name] for name in sorted(load_library().packs))
    return (*shipped, load_any(CARDS / "congestion-pricing.txt"))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**31 - 1), st.integers(min_value=0, max_value=len(packs()) - 1), st.booleans()
)
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


def test_borrowed_author_decoys_name_the_reply_they_were_written_for() -> None:
    for pack in packs()[:4]:
        for seed in range(3):
            for one in game_questions(pack, seed) + round_questions(pack, seed):
                reply = pack.turn(one.reply_turn_id)
                for text, (source, turn) in zip(one.question.options, one.sources, strict=True):
                    if source != OptionSource.AUTHOR_DECOY.value:
                        continue
                    if text in reply.decoys:
                        assert turn is None
                    else:
                        assert turn is not None and text in pack.turn(turn).decoys, (pack.id, text)


def test_a_card_without_author_decoys_shows_its_replies_and_names_each_one() -> None:
    """Real turns alone never make a fair question (a real reply echoes its prompt), so a
    reply with no 'Not said:' lines is shown, not asked, and the audit names it."""
    card = packs()[-1]  # the test card, after every shipped pack
    replies = {turn.id for thread in card.all_threads() for turn in thread.turns[1:]}
    assert all(not card.turn(turn).decoys for turn in replies)
    script = build_script(card, 3)
    assert not [step for step in script.steps if step.kind is StepKind.PREDICT]
    shown = {step.turn_id for step in script.steps if step.kind is StepKind.TURN}
    assert replies <= shown
    assert round_questions(card, 3) == []
    problems = "\n".join(audit(card, range(2)).problems)
    for turn in replies:
        assert turn in problems


def _picks(answer: int, **tops: int) -> Picks:
    return Picks(answer=answer, options=4, tops=tops)


def test_the_eliminator_learns_to_cross_out_a_reliably_wrong_strategy() -> None:
    # "nearest" always picks a decoy, "longest" picks at random: crossing out "nearest" helps.
    training = [
        _picks(answer, nearest=1 << ((answer + 1) % 4), longest=1 << (seed % 4))
        for seed, answer in enumerate([0, 1, 2, 3] * 5)
    ]
    assert eliminator.learn(training) == ("nearest",)
    assert eliminator.credit(_picks(2, nearest=1 << 3, longest=1), ("nearest",)) == 1 / 3
    assert eliminator.credit(_picks(3, nearest=1 << 3, longest=1), ("nearest",)) == 0.0


def test_strategies_at_chance_give_the_eliminator_nothing() -> None:
    # Every strategy picks the answer exactly a quarter of the time, independently: nothing to learn.
    training = [
        _picks(answer, nearest=1 << (seed % 4), longest=1 << (seed // 4 % 4))
        for seed in range(64)
        for answer in [seed // 16 % 4]
    ]
    crossed = eliminator.learn(training)
    assert sum(eliminator.credit(q, crossed) for q in training) / len(training) == 0.25


def test_a_tie_crosses_out_nothing_and_an_empty_field_falls_back_to_every_option() -> None:
    assert eliminator.credit(_picks(1, nearest=0b1111), ("nearest",)) == 0.25
    assert eliminator.credit(_picks(1, nearest=0b0001, longest=0b1110), ("nearest", "longest")) == 0.25
