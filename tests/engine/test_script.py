"""The game script: its shape, and decoys that make prediction a skill."""

from bot.content.model import Pack, Side
from bot.engine.script import OPTIONS_PER_PREDICTION, OptionSource, StepKind, build_script
from tests.engine.helpers import sample_pack


def test_same_seed_same_script_other_seed_other_order() -> None:
    pack = sample_pack()
    assert build_script(pack, 7) == build_script(pack, 7)
    assert build_script(pack, 7) != build_script(pack, 8)


def test_shape_per_thread() -> None:
    pack = sample_pack()
    kinds = [s.kind for s in build_script(pack, 1).steps]
    threads = len(pack.all_threads())
    turns = sum(len(t.turns) for t in pack.all_threads())
    # Every turn is either shown (a thread's first, or a reply not asked) or asked about.
    assert kinds.count(StepKind.PREDICT) + kinds.count(StepKind.TURN) == turns
    assert kinds.count(StepKind.PREDICT) >= turns - threads - 5  # at most a few kept for balance
    assert kinds.count(StepKind.STRONGER) == threads
    assert kinds.count(StepKind.STANCE) == threads + 1  # one before each thread, one after the last
    assert kinds.count(StepKind.SUMMARY) == threads
    assert kinds[-3:] == [StepKind.FACTION, StepKind.CLOSING, StepKind.SCOREBOARD]


def test_every_thread_has_a_before_and_an_after_stance() -> None:
    pack = sample_pack()
    steps = build_script(pack, 1).steps
    opened = [s.opens_thread for s in steps if s.kind is StepKind.STANCE and s.opens_thread]
    closed = [s.closes_thread for s in steps if s.kind is StepKind.STANCE and s.closes_thread]
    assert opened == closed == [t.id for t in pack.all_threads()]


def test_prediction_options_are_the_reply_and_three_same_side_decoys_never_yet_said() -> None:
    pack = sample_pack()
    decoy_texts = {d for t in pack.all_threads() for turn in t.turns for d in turn.decoys}
    for seed in range(10):
        shown: set[str] = set()
        for step in build_script(pack, seed).steps:
            if step.kind is StepKind.TURN:
                shown.add(pack.turn(step.turn_id or "").text)
            if step.kind is not StepKind.PREDICT:
                continue
            true_reply = pack.turn(step.turn_id or "")
            shown.add(pack.turn(step.prompt_turn_id or "").text)
            texts = [o.text for o in step.options]
            assert len(texts) == len(set(texts)) == OPTIONS_PER_PREDICTION
            assert step.correct_option is not None and texts[step.correct_option] == true_reply.text
            assert sum(o.source is OptionSource.TRUE_REPLY for o in step.options) == 1
            for option in step.options:
                assert option.side is true_reply.side
                if option.source is OptionSource.OTHER_TURN:
                    assert option.turn_id is not None and pack.turn(option.turn_id).side is true_reply.side
                    assert option.text not in shown  # never a text already revealed as said
                    thread = next(t for t in pack.all_threads() if option.turn_id in {x.id for x in t.turns})
                    assert thread.turns[0].id != option.turn_id  # a decoy replies to something
                if option.source is OptionSource.AUTHOR_DECOY:
                    assert option.text in decoy_texts
            shown.add(true_reply.text)


def test_a_reply_without_enough_fair_decoys_is_shown_not_asked_with_three_options() -> None:
    """The last thread of a debate with no author decoys has nothing fresh left to offer."""
    raw = sample_pack().model_dump(mode="json")
    for thread in [raw["opening"], *raw["threads"]]:
        for turn in thread["turns"]:
            turn["decoys"] = []
    pack = Pack.model_validate(raw)
    steps = build_script(pack, 3).steps
    last = pack.threads[-1]
    asked = {s.turn_id for s in steps if s.kind is StepKind.PREDICT}
    shown = {s.turn_id for s in steps if s.kind is StepKind.TURN}
    assert {t.id for t in last.turns[1:]} <= shown and not asked & {t.id for t in last.turns}
    assert all(len(s.options) == OPTIONS_PER_PREDICTION for s in steps if s.kind is StepKind.PREDICT)


def test_each_side_answers_as_many_questions_as_the_other_give_or_take_one() -> None:
    pack = sample_pack()  # every thread opens with the Conservative side: 10 Liberal replies, 5 Conservative
    for seed in range(5):
        sides = [pack.turn(s.turn_id or "").side for s in build_script(pack, seed).steps if s.kind is StepKind.PREDICT]
        assert abs(sides.count(Side.LIBERAL) - sides.count(Side.CONSERVATIVE)) <= 1


def test_author_decoys_let_the_last_reply_of_a_debate_be_asked() -> None:
    """Without author decoys the last reply has nothing fresh left; with three it is asked."""
    raw = sample_pack().model_dump(mode="json")
    for thread in [raw["opening"], *raw["threads"]]:
        for turn in thread["turns"]:
            turn["decoys"] = []
    mine = ["A reply that was not said.", "Another reply that was not said.", "A third one, also not said."]
    raw["threads"][-1]["turns"][-2]["decoys"] = mine
    pack = Pack.model_validate(raw)
    last = pack.threads[-1].turns[-2].id
    for seed in range(5):
        target = next(s for s in build_script(pack, seed).steps if s.kind is StepKind.PREDICT and s.turn_id == last)
        assert {o.text for o in target.options if o.source is OptionSource.AUTHOR_DECOY} == set(mine)


def test_stronger_point_order_is_randomised_per_game() -> None:
    pack = sample_pack()
    first_sides = set()
    for seed in range(12):
        for step in build_script(pack, seed).steps:
            if step.kind is StepKind.STRONGER:
                assert {o.side for o in step.options} == {o.side for o in step.options} and len(step.options) == 2
                assert step.options[0].side is not step.options[1].side
                first_sides.add(step.options[0].side)
    assert len(first_sides) == 2
