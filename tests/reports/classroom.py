"""A small classroom game with known answers, played through the real service and store."""

from dataclasses import dataclass

from bot.engine.commands import Advanced, PlayerAnswered
from bot.engine.script import StepKind
from bot.engine.state import GameSettings, Phase, Status
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.store.records import GameRef
from tests.engine.helpers import ManualClock, sample_pack

STRONG_YES, LEAN_YES, UNSURE, LEAN_NO, STRONG_NO = range(5)
STUDENTS = {"u1": "Ada", "u2": 'O"Brien, Pat', "u3": "Zoë"}


@dataclass
class Plan:
    """Each student's stance at each stance question (by order), None to skip it."""

    stances: dict[str, list[int | None]]
    predict_right: dict[str, bool]  # always right, or always wrong
    vote_first: dict[str, bool]


DEFAULT_PLAN = Plan(
    stances={
        "u1": [STRONG_YES, STRONG_NO, STRONG_NO, STRONG_NO, LEAN_NO, LEAN_NO],
        "u2": [UNSURE, None, UNSURE, UNSURE, UNSURE, UNSURE],  # skips the stance after the opening
        "u3": [STRONG_NO, STRONG_NO, STRONG_NO, STRONG_NO, STRONG_NO, STRONG_YES],
    },
    predict_right={"u1": True, "u2": False, "u3": True},
    vote_first={"u1": True, "u2": True, "u3": False},
)


async def play_classroom(
    service: GameService,
    clock: ManualClock,
    plan: Plan = DEFAULT_PLAN,
    seed: int = 5,
    students: dict[str, str] | None = None,
    channel: str = "room-7",
) -> GameRef:
    """A whole game; ``students`` (user id -> name, in joining order) play as the plan's
    u1, u2, u3 do in turn (a user the plan does not name plays as u1)."""
    students = students or STUDENTS
    ref, _ = await service.start_game(
        Venue("test", "school", channel),
        Player("test", "school", "teacher"),
        "Teacher",
        sample_pack(),
        GameSettings(),
        seed,
    )
    stance_number = 0
    while True:
        state = await service.load(ref)
        if state.status is Status.ENDED:
            return ref
        step = state.current
        if state.phase is Phase.OPEN:
            for number, (user, name) in enumerate(students.items(), start=1):
                as_user = user if user in plan.stances else f"u{number}" if f"u{number}" in plan.stances else "u1"
                option: int | None
                if step.kind is StepKind.STANCE:
                    option = plan.stances[as_user][stance_number]
                elif step.kind is StepKind.PREDICT:
                    right = step.correct_option or 0
                    option = right if plan.predict_right[as_user] else (right + 1) % len(step.options)
                elif step.kind is StepKind.STRONGER:
                    option = 0 if plan.vote_first[as_user] else 1
                else:
                    option = 0
                if option is not None:
                    await service.handle(ref, PlayerAnswered(user, name, step.index, option, clock.tick()))
            stance_number += step.kind is StepKind.STANCE
        await service.handle(ref, Advanced("teacher", False, clock.tick()))
