"""State-machine property test: random commands from many players keep the invariants."""

from datetime import timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from bot.engine import engine
from bot.engine.commands import Advanced, Command, DeadlinePassed, Ended, Paused, PlayerAnswered, Resumed, Skipped
from bot.engine.effects import RevealStep
from bot.engine.script import STANCE_VALUES, StepKind, build_script
from bot.engine.state import GameSettings, GameState, Mode, Phase, Status
from tests.engine.helpers import T0, sample_pack

PLAYERS = [f"p{i}" for i in range(6)]
ACTORS = ["host", "p0", "teacher"]
PACK = sample_pack()
SCRIPT = build_script(PACK, 3)


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.at = T0
        self.state: GameState | None = None
        self.points: dict[str, int] = {}
        self.counted: dict[int, dict[str, int]] = {}  # step -> player -> option, as revealed
        self.closed_steps: list[int] = []

    @rule(mode=st.sampled_from(list(Mode)), speed=st.booleans(), streak=st.booleans())
    @precondition(lambda self: self.state is None)
    def start(self, mode: Mode, speed: bool, streak: bool) -> None:
        game = GameSettings(
            mode=mode, speed_bonus=speed, streak_bonus=streak, question_seconds=10 if mode is Mode.TIMED else None
        )
        self.state = engine.start(1, "host", "Host", game, SCRIPT, self.at).state

    def send(self, command: Command) -> None:
        assert self.state is not None
        before = self.state
        try:
            transition = engine.apply(before, command)
        except engine.IllegalCommand as refusal:
            assert refusal.reason
            assert self.state is before  # refused: nothing changed
            return
        open_answers = dict(before.answers)
        for effect in transition.effects:
            if isinstance(effect, RevealStep):
                assert effect.step == before.step and effect.step not in self.counted
                self.counted[effect.step] = {p: a.option for p, a in open_answers.items()}
                assert sum(effect.tally) == len(open_answers)
                self.closed_steps.append(effect.step)
        for step, by_player in transition.scored.items():
            assert SCRIPT.steps[step].kind is StepKind.PREDICT
            assert set(by_player) == set(self.counted[step])
            for player, value in by_player.items():
                correct = self.counted[step][player] == SCRIPT.steps[step].correct_option
                assert (value > 0) == correct
                self.points[player] = self.points.get(player, 0) + value
        self.state = transition.state

    @rule(player=st.sampled_from(PLAYERS), option=st.integers(0, 5), late=st.booleans())
    @precondition(lambda self: self.state is not None)
    def answer(self, player: str, option: int, late: bool) -> None:
        assert self.state is not None
        step = self.state.step - 1 if late else self.state.step
        self.at += timedelta(seconds=1)
        self.send(PlayerAnswered(player, player.upper(), step, option, self.at))

    @rule(actor=st.sampled_from(ACTORS), kind=st.sampled_from([Advanced, Skipped, Paused, Resumed, Ended]))
    @precondition(lambda self: self.state is not None)
    def control(self, actor: str, kind: type) -> None:
        self.at += timedelta(seconds=1)
        self.send(kind(actor, actor == "teacher", self.at))

    @rule()
    @precondition(lambda self: self.state is not None and self.state.deadline is not None)
    def deadline(self) -> None:
        assert self.state is not None and self.state.deadline is not None
        self.at = max(self.at, self.state.deadline)
        self.send(DeadlinePassed(self.state.step, self.state.phase, self.at))

    @invariant()
    def scores_are_the_points_of_correct_predictions(self) -> None:
        if self.state is None:
            return
        for player, record in self.state.players.items():
            assert record.score == self.points.get(player, 0)
            assert record.answered == sum(player in answers for answers in self.counted.values())
            correct = sum(
                answers.get(player) == SCRIPT.steps[step].correct_option
                for step, answers in self.counted.items()
                if SCRIPT.steps[step].kind is StepKind.PREDICT
            )
            assert record.correct == correct

    @invariant()
    def answers_only_on_the_open_question(self) -> None:
        if self.state is None:
            return
        if self.state.phase is not Phase.OPEN:
            assert self.state.answers == {} or self.state.phase is Phase.REVEALED
        assert self.state.asked == len(self.closed_steps)
        assert len(self.closed_steps) == len(set(self.closed_steps))  # each question closed once
        if self.state.status is Status.ENDED:
            assert self.state.deadline is None

    @invariant()
    def stance_shifts_use_only_players_with_both_stances(self) -> None:
        for thread in PACK.all_threads():
            before = next((s.index for s in SCRIPT.steps if s.opens_thread == thread.id), None)
            after = next((s.index for s in SCRIPT.steps if s.closes_thread == thread.id), None)
            if before not in self.counted or after not in self.counted:
                continue
            both = set(self.counted[before]) & set(self.counted[after])
            shifts = [STANCE_VALUES[self.counted[after][p]] - STANCE_VALUES[self.counted[before][p]] for p in both]
            assert all(-4 <= s <= 4 for s in shifts)
            assert len(shifts) == len(both) <= len(PLAYERS)


EngineMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=80, deadline=None)
TestEngineProperties = EngineMachine.TestCase
