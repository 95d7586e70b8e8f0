"""The game script: its shape, and decoys that make prediction a skill."""

from bot.content.model import Pack
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
    assert kinds.count(StepKind.PREDICT) == turns - threads
    assert kinds.count(StepKind.TURN) == threads
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


def test_prediction_options_are_real_same_side_turns_from_other_threads() -> None:
    pack = sample_pack()
    for seed in range(20):
        for step in build_script(pack, seed).steps:
            if step.kind is not StepKind.PREDICT:
                continue
            true_reply = pack.turn(step.turn_id or "")
            texts = [o.text for o in step.options]
            assert len(texts) == len(set(texts)) == OPTIONS_PER_PREDICTION
            assert step.correct_option is not None and texts[step.correct_option] == true_reply.text
            assert sum(o.source is OptionSource.TRUE_REPLY for o in step.options) == 1
            for option in step.options:
                assert option.side is true_reply.side
                if option.source is OptionSource.OTHER_TURN:
                    assert option.turn_id is not None
                    assert pack.turn(option.turn_id).side is true_reply.side
                    assert option.turn_id not in {t.id for t in pack.thread(step.thread_id or "").turns}


def test_true_answer_position_varies() -> None:
    pack = sample_pack()
    positions = {
        s.correct_option for seed in range(10) for s in build_script(pack, seed).steps if s.kind is StepKind.PREDICT
    }
    assert positions == {0, 1, 2, 3}


def test_decoys_lean_towards_the_prompt() -> None:
    """Chosen decoys are closer to the prompt, on average, than same-side turns in general."""
    pack = sample_pack()
    chosen = [
        o.similarity
        for s in build_script(pack, 3).steps
        if s.kind is StepKind.PREDICT
        for o in s.options
        if o.source is OptionSource.OTHER_TURN
    ]
    assert chosen and all(value is not None for value in chosen)
    assert sum(v or 0 for v in chosen) / len(chosen) > 0.01


def test_author_decoys_are_offered_first() -> None:
    pack = sample_pack()
    raw = pack.model_dump(mode="json")
    raw["threads"][0]["turns"][1]["decoys"] = ["An author-written wrong reply.", "Another wrong reply."]
    with_decoys = Pack.model_validate(raw)
    steps = build_script(with_decoys, 5).steps
    target = next(s for s in steps if s.kind is StepKind.PREDICT and s.turn_id == with_decoys.threads[0].turns[1].id)
    sources = sorted(o.source.value for o in target.options)
    assert sources == ["author-decoy", "author-decoy", "other-turn", "true-reply"]


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
