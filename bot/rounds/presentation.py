"""What daily rounds say, as platform-neutral text: the announcement, each player's private
view, the public summary and leaderboards. Adapters lay it out and add the buttons.

The same neutrality rules as ``bot.games.presentation``: only predictions are right or wrong;
stances and stronger-point votes are never scored, and a public summary never shows an
average stance computed over fewer than three people.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.engine.script import STANCE_VALUES, StepKind, option_letter
from bot.engine.state import Phase
from bot.games.presentation import PUBLIC_MIN_RESPONDENTS, Section, shift_direction, step_card, thread_title
from bot.rounds.leaderboards import Leaderboard
from bot.rounds.service import Announcement, ClosedRound, PrivateView
from bot.rounds.summary import Period, RoundSummary

PLAY_LABEL = "Play today's round"
CONTINUE_LABEL = "Continue"


class Action(StrEnum):
    ANSWER = "answer"  # one button per option
    CONTINUE = "continue"  # one Continue button
    NONE = "none"  # finished or closed: nothing to press


@dataclass(frozen=True)
class PrivateCard:
    title: str
    sections: tuple[Section, ...]
    prompt: str | None
    options: tuple[str, ...]
    action: Action
    step: int  # the step a button on this card acts on
    note: str | None = None


def announcement_lines(announcement: Announcement) -> tuple[str, list[str]]:
    """The public post that opens a round (the adapter adds the closing time and the button)."""
    round_, pack = announcement.round, announcement.pack
    predictions = sum(1 for s in round_.script.steps if s.kind is StepKind.PREDICT)
    return (
        f"Daily round {round_.number}: {thread_title(pack, round_.thread_id)}",
        [
            f"From the debate: {pack.question}",
            f"Play privately, at your own pace: your stance, {predictions} rebuttal{'s' if predictions != 1 else ''} "
            "to predict, "
            "one stronger-point vote, your stance again.",
            "Only predictions score; your stance and your vote are never shown to anyone.",
        ],
    )


def private_card(view: PrivateView) -> PrivateCard:
    """What this player sees now, privately."""
    script, progress = view.script, view.progress
    if view.finished:
        return _finished(view)
    if view.closed:
        return PrivateCard("This round has closed", (), None, (), Action.NONE, progress.step, view.note)
    step = script.steps[progress.step]
    card = step_card(view.pack, step)
    position = f"Step {progress.step + 1} of {len(script.steps)}"
    if progress.phase is Phase.REVEALED:
        return PrivateCard(
            card.title,
            (*card.sections, _reveal(view)),
            position,
            (),
            Action.CONTINUE,
            progress.step,
            view.note,
        )
    action = Action.ANSWER if progress.phase is Phase.OPEN else Action.CONTINUE
    prompt = f"{card.prompt} ({position})" if card.prompt else position
    return PrivateCard(card.title, card.sections, prompt, card.options, action, progress.step, view.note)


def _reveal(view: PrivateView) -> Section:
    step = view.script.steps[view.progress.step]
    assert step.correct_option is not None and view.progress.chosen is not None
    said = step.options[step.correct_option]
    verdict = (  # the note above already says "Right!" or "Not this time."
        f"+{view.progress.earned} points."
        if view.progress.chosen == step.correct_option
        else f"You picked {option_letter(view.progress.chosen)}; the reply was {option_letter(step.correct_option)}."
    )
    side = said.side.title if said.side else "The other side"
    return Section(f"{verdict} What the {side} side actually said", said.text, said.side)


def _finished(view: PrivateView) -> PrivateCard:
    progress = view.progress
    lines = [f"Score: {progress.score} points ({progress.correct} of {progress.predicted} predictions right)."]
    if view.streak:
        lines.append(f"Your streak: {view.streak} round{'s' if view.streak != 1 else ''} in a row.")
    if not view.closed:
        lines.append("The room's results are posted when the round closes.")
    title = "This round has closed" if view.closed else "You've finished today's round"
    return PrivateCard(title, (Section("", "\n".join(lines)),), None, (), Action.NONE, progress.step, view.note)


def summary_lines(closed: ClosedRound) -> tuple[str, list[str]]:
    """The public summary: participation, share correct per prediction, the room's shift,
    the top scores and streak milestones. Names appear only in the last two."""
    summary, pack = closed.summary, closed.pack
    title = f"Daily round {summary.round_number} is closed: {thread_title(pack, closed.round.thread_id)}"
    if not summary.started:
        return title, ["Nobody played this round."]
    lines = [f"Played by {summary.started} ({summary.finished} finished)."]
    shares = [
        f"{f.number}: {round(100 * f.share_correct)}% of {f.answered}"
        for f in summary.predictions
        if f.share_correct is not None
    ]
    if shares:
        lines.append("Predicted the real rebuttal — " + "; ".join(shares) + ".")
    lines.append(_shift_line(summary))
    if summary.top:
        top = ", ".join(f"{t.name} {t.score} ({t.correct}/{t.predicted})" for t in summary.top)
        lines.append(f"Top scores: {top}.")
    for name, streak in summary.milestones:
        lines.append(f"{name} has played {streak} rounds in a row!")
    return title, lines


def _shift_line(summary: RoundSummary) -> str:
    shift = summary.shift
    if shift.net_shift is None:
        if shift.respondents == 0:
            return "Stance shift: nobody gave both stances."
        return (
            f"Stance shift: fewer than {PUBLIC_MIN_RESPONDENTS} gave both stances (not shown, to keep stances private)."
        )
    mean = shift.net_shift
    direction = shift_direction(mean)
    scale = max(STANCE_VALUES) - min(STANCE_VALUES)
    return f"Stance shift: {mean:+.2f} on a ±{scale} scale ({direction}; {shift.respondents} gave both stances)."


PERIOD_TITLES = {
    Period.ROUND: "Latest round",
    Period.WEEK: "This week",
    Period.SEASON: "Season",
    Period.ALL: "All time",
}


def leaderboard_lines(board: Leaderboard) -> tuple[str, list[str]]:
    title = PERIOD_TITLES[board.period]
    if board.period is Period.SEASON:
        title = f"Season {board.season.number}"
    if board.period is Period.ROUND and board.round is not None:
        title = f"Daily round {board.round.number}"
    lines = []
    for rank, row in enumerate(board.standings, start=1):
        accuracy = f"{round(100 * row.accuracy)}%" if row.accuracy is not None else "–"
        lines.append(
            f"{rank}. {row.name} — {row.points} pts, {accuracy} accuracy "
            f"({row.correct}/{row.predicted}), {row.rounds} round{'s' if row.rounds != 1 else ''}"
        )
    return f"Leaderboard — {title}", lines or ["No one has played a daily round in this period yet."]
