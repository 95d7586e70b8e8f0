"""What each step says, as platform-neutral text; adapters only lay it out.

Both sides get the same shape everywhere: a side is named in words ("Conservative",
"Liberal") with the same emphasis, and options are listed by letter in the script's
seeded order, never grouped by side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.content.model import Pack, Side
from bot.engine.script import STANCE_SCALE, STANCE_VALUES, Step, StepKind, option_letter
from bot.engine.state import GameState, PlayerRecord


@dataclass(frozen=True)
class Section:
    heading: str
    text: str
    side: Side | None = None


@dataclass(frozen=True)
class StepCard:
    """One message: a title, sections of text, and options to choose from (if a question)."""

    title: str
    sections: tuple[Section, ...] = ()
    prompt: str | None = None
    options: tuple[str, ...] = ()
    is_question: bool = False


def thread_title(pack: Pack, thread_id: str | None) -> str:
    return pack.thread(thread_id).title if thread_id else ""


def step_card(pack: Pack, step: Step) -> StepCard:
    match step.kind:
        case StepKind.STANCE:
            moment = "before" if step.closes_thread is None else ("now" if step.opens_thread else "at the end")
            return StepCard(
                title="Where do you stand?",
                sections=(Section("The question", pack.question),)
                + ((Section("", pack.hook),) if not step.closes_thread else ()),
                prompt=f"Your stance {moment} (never scored, never shown to others):",
                options=STANCE_SCALE,
                is_question=True,
            )
        case StepKind.TURN:
            turn = pack.turn(step.turn_id or "")
            # Context comes with the debate's first turn only, not with a later turn shown
            # unasked (a reply the game could not give fair decoys, see bot.engine.decoys).
            intro = (Section("Context", pack.context),) if turn.id == pack.opening.turns[0].id else ()
            return StepCard(
                title=thread_title(pack, step.thread_id),
                sections=(*intro, Section(turn.side.title, turn.text, turn.side)),
            )
        case StepKind.PREDICT:
            prompt_turn = pack.turn(step.prompt_turn_id or "")
            replier = prompt_turn.side.opposite.title
            return StepCard(
                title=f"Predict the rebuttal — {thread_title(pack, step.thread_id)}",
                sections=(Section(f"{prompt_turn.side.title} said", prompt_turn.text, prompt_turn.side),),
                prompt=f"What did the {replier} side actually reply?",
                options=tuple(o.text for o in step.options),
                is_question=True,
            )
        case StepKind.STRONGER:
            return StepCard(
                title=f"Which is the stronger point? — {thread_title(pack, step.thread_id)}",
                prompt="Your opinion only: this is never scored.",
                options=tuple(o.text for o in step.options),
                is_question=True,
            )
        case StepKind.SUMMARY:
            return StepCard(title=f"End of thread: {thread_title(pack, step.thread_id)}")
        case StepKind.FACTION:
            return StepCard(
                title=f"The Divide{': ' + pack.divide.subtitle if pack.divide.subtitle else ''}",
                sections=tuple(_faction_section(pack, i) for i in range(len(pack.divide.factions))),
                prompt="Which faction is closest to you? (never scored, never shown to others)",
                options=tuple(f.name for f in pack.divide.factions),
                is_question=True,
            )
        case StepKind.CLOSING:
            kind = f"{pack.conflict.kind}: " if pack.conflict.kind else ""
            return StepCard(
                title="Closing",
                sections=(
                    Section(
                        "The Conservative side's hardest question",
                        pack.hardest_questions.conservative,
                        Side.CONSERVATIVE,
                    ),
                    Section("The Liberal side's hardest question", pack.hardest_questions.liberal, Side.LIBERAL),
                    Section("Both sides agree", pack.agreement),
                    Section("The real conflict", kind + pack.conflict.text),
                    Section("What nobody has answered", pack.unanswered),
                    Section("Sources", "\n".join(f"• {s}" for s in pack.sources)),
                ),
            )
        case StepKind.SCOREBOARD:
            return StepCard(title="Final scoreboard")
    raise AssertionError(step.kind)  # pragma: no cover


def _faction_section(pack: Pack, index: int) -> Section:
    faction = pack.divide.factions[index]
    quote = f"\n“{faction.quote.text}” — {faction.quote.attribution}" if faction.quote else ""
    return Section(f"{option_letter(index)}. {faction.name}", faction.position + quote)


def reveal_text(step: Step, tally: Sequence[int], correct_option: int | None) -> str:
    """The room's tally after a question closes; only predictions have a right answer."""
    total = sum(tally)
    lines = []
    for index, count in enumerate(tally):
        share = f"{round(100 * count / total)}%" if total else "0%"
        label = STANCE_SCALE[index] if step.kind is StepKind.STANCE else option_letter(index)
        mark = "  ✓ what was actually said" if index == correct_option else ""
        lines.append(f"{label}: {count} ({share}){mark}")
    if step.kind is not StepKind.PREDICT:
        lines.append("An opinion: no answer is right or wrong.")
    return "\n".join(lines)


def scoreboard_lines(players: Mapping[str, PlayerRecord], limit: int = 10) -> list[str]:
    """The top players; someone who answered nothing (a host who only ran the game) is not ranked."""
    playing = [p for p in players.values() if p.answered]
    ranked = sorted(playing, key=lambda p: (-p.score, -p.correct, p.name.casefold()))
    return [f"{rank}. {p.name} — {p.score} pts ({p.correct} correct)" for rank, p in enumerate(ranked[:limit], start=1)]


def stance_value(option: int) -> int:
    return STANCE_VALUES[option]


PUBLIC_MIN_RESPONDENTS = 3  # below this, an average would show a student's own stance


def shift_line(title: str, pairs: Mapping[str, tuple[int, int]], min_respondents: int = PUBLIC_MIN_RESPONDENTS) -> str:
    """A thread's mean stance shift among players who gave both stances, on a -2..+2 scale.

    Shown only when at least ``min_respondents`` gave both: with one or two, the "average"
    would tell the room how a particular student moved. Pass 1 where only that student reads it.
    """
    if not pairs:
        return f"{title}: no one gave both stances"
    if len(pairs) < min_respondents:
        return f"{title}: fewer than {min_respondents} gave both stances (not shown, to keep stances private)"
    shifts = [stance_value(after) - stance_value(before) for before, after in pairs.values()]
    mean = sum(shifts) / len(shifts)
    direction = shift_direction(mean)
    return f"{title}: {mean:+.2f} ({direction}; {len(shifts)} player{'s' if len(shifts) != 1 else ''})"


SHIFTS_HEADING = "Stance shifts by thread (+ towards yes, − towards no; never scored)"
SCOREBOARD_TITLE = "Final scoreboard"
NO_ONE_PLAYED = "No one played."


@dataclass(frozen=True)
class FinalScoreboard:
    """What every platform posts when a game ends: the ranked scores, then each thread's
    public stance shift. Plain text; adapters escape and lay it out."""

    score_lines: tuple[str, ...]
    shift_lines: tuple[str, ...]


def public_shift_lines(pack: Pack, host: str, pairs: Mapping[str, Mapping[str, tuple[int, int]]]) -> tuple[str, ...]:
    """Each thread's shift for the class to see: students only (the host runs the game and is
    left out, as in the teacher's files), and only with enough respondents to stay anonymous."""
    return tuple(
        shift_line(thread_title(pack, thread.id), {u: p for u, p in pairs.get(thread.id, {}).items() if u != host})
        for thread in pack.all_threads()
    )


def final_scoreboard(
    pack: Pack, state: GameState, pairs: Mapping[str, Mapping[str, tuple[int, int]]]
) -> FinalScoreboard:
    return FinalScoreboard(tuple(scoreboard_lines(state.players)), public_shift_lines(pack, state.host, pairs))


def shift_direction(mean: float) -> str:
    return "towards yes" if mean > 0 else "towards no" if mean < 0 else "no net change"
