"""The decoy audit: how often do shortcut strategies find the real reply?

Pure functions over scripts. ``game_questions`` and ``round_questions`` turn a script into
the prediction questions a player meets, in order, with what they have already been shown;
``audit`` plays every strategy of ``bot.engine.shortcuts`` on them over many seeds and sums
up per debate, per side and per question, with the counts behind the design's rules
(options per question, decoy reuse, revealed texts offered, questions per side).

Chance is 1/4. The target (``TARGET``) is that no strategy does better than 40% on a
debate, in full games and in daily rounds alike.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.content.model import Pack, Side
from bot.engine import eliminator
from bot.engine.decoys import pack_lexicon
from bot.engine.eliminator import OTHER_DEBATES, SAME_DEBATE
from bot.engine.script import OptionSource, Script, StepKind, build_script, short_of_decoys
from bot.engine.shortcuts import NAMES, Question, all_scores, credits_from_scores
from bot.engine.solo import build_round_script

TARGET = 0.40
SIDE_GAP = 0.10  # both sides' questions within 10 points for the strongest strategy


@dataclass(frozen=True)
class Asked:
    """One question of a script with where its options came from."""

    question: Question
    reply_turn_id: str
    sources: tuple[tuple[str, str | None], ...]  # (OptionSource value, turn id) per option


def script_questions(pack: Pack, script: Script) -> list[Asked]:
    """The prediction questions of ``script`` in order, each with what was shown before it."""
    revealed: set[str] = set()
    offered: set[str] = set()
    asked: list[Asked] = []
    for step in script.steps:
        if step.kind is StepKind.TURN and step.turn_id:
            revealed.add(pack.turn(step.turn_id).text)
        if step.kind is not StepKind.PREDICT or step.turn_id is None or step.prompt_turn_id is None:
            continue
        thread = pack.thread(step.thread_id or "")
        prompt = pack.turn(step.prompt_turn_id)
        position = next(i for i, t in enumerate(thread.turns) if t.id == prompt.id)
        revealed.add(prompt.text)  # the prompt is on screen as the question is asked
        question = Question(
            thread_id=thread.id,
            side=pack.turn(step.turn_id).side,
            prompt=prompt.text,
            thread_so_far=tuple(t.text for t in thread.turns[: position + 1]),
            options=tuple(o.text for o in step.options),
            answer=step.correct_option or 0,
            revealed=frozenset(revealed),
            offered_before=frozenset(offered),
        )
        asked.append(Asked(question, step.turn_id, tuple((o.source.value, o.turn_id) for o in step.options)))
        offered.update(o.text for o in step.options if o.source is not OptionSource.TRUE_REPLY)
        revealed.add(pack.turn(step.turn_id).text)
    return asked


def game_questions(pack: Pack, seed: int) -> list[Asked]:
    return script_questions(pack, build_script(pack, seed))


def round_questions(pack: Pack, seed: int) -> list[Asked]:
    """Every thread's daily round for ``seed``, each a fresh start (nothing revealed before it)."""
    return [a for t in pack.all_threads() for a in script_questions(pack, build_round_script(pack, t.id, seed))]


@dataclass(frozen=True)
class QuestionAudit:
    thread_id: str
    reply_turn_id: str
    side: Side
    times: int  # how many of the seeds asked it
    rates: dict[str, float]

    @property
    def strongest(self) -> tuple[str, float]:
        return _strongest(self.rates)


@dataclass(frozen=True)
class Audit:
    debate: str
    mode: str  # "game" or "daily"
    seeds: int
    rates: dict[str, float]
    by_side: dict[Side, dict[str, float]]
    questions: tuple[QuestionAudit, ...]
    questions_per_game: float
    per_side: dict[Side, float]  # questions per game answered by each side
    fewest_options: int
    side_gap: int  # the largest difference, in one game (or round), between the sides' question counts
    short: dict[str, float]  # reply turn id -> share of games (or rounds) it was unasked for want of decoys
    most_reuse: int  # the most times one decoy text was offered in one game (or round)
    revealed_offered: int  # options that were texts already revealed as said, over all seeds
    sources: dict[str, int] = field(default_factory=dict)
    crossed_out: dict[str, tuple[str, ...]] = field(default_factory=dict)  # what each eliminator crosses out

    @property
    def strongest(self) -> tuple[str, float]:
        return _strongest(self.rates)

    def side_strongest(self, side: Side) -> tuple[str, float]:
        return _strongest(self.by_side.get(side, {}))

    @property
    def problems(self) -> list[str]:
        """What fails the design's targets, in words an author can act on."""
        found = []
        name, rate = self.strongest
        if rate > TARGET:
            found.append(f"{self.mode}: strategy {name!r} finds the real reply in {rate:.0%} (target {TARGET:.0%})")
            for q in self.questions:
                q_name, q_rate = q.strongest
                if q_rate > TARGET + 0.2:
                    found.append(
                        f"{self.mode}: question answered by turn {q.reply_turn_id} ({q.thread_id}): "
                        f"{q_name!r} finds it in {q_rate:.0%}; write author decoys for it"
                    )
        if not self.questions:
            found.append(f"{self.mode}: no prediction is asked (a reply needs its own 'Not said:' decoys to be asked)")
        elif self.fewest_options < 4:
            found.append(f"{self.mode}: a question has only {self.fewest_options} options")
        for turn, share in sorted(self.short.items()):
            if share >= 0.5:
                found.append(
                    f"{self.mode}: the reply {turn} cannot get four good options in {share:.0%} of "
                    "games and is shown unasked; give it author decoys ('Not said:' lines)"
                )
        if self.side_gap > 1:
            found.append(f"{self.mode}: in one game a side answers {self.side_gap} more questions than the other")
        sides = [self.side_strongest(side)[1] for side in Side if side in self.by_side]
        if len(sides) == 2 and abs(sides[0] - sides[1]) > SIDE_GAP:
            found.append(f"{self.mode}: one side's questions are {abs(sides[0] - sides[1]):.0%} easier to shortcut")
        return found


def _strongest(rates: dict[str, float]) -> tuple[str, float]:
    if not rates:
        return ("-", 0.0)
    name = max(sorted(rates), key=lambda n: rates[n])
    return name, rates[name]


def audit(pack: Pack, seeds: Iterable[int], daily: bool = False, others: Sequence[Pack] = ()) -> Audit:
    """Every strategy's success rate on ``pack`` over ``seeds``, in games or daily rounds.

    The eliminator (``bot.engine.eliminator``) is scored two ways, each out of sample: trained
    on ``others`` (the other debates of a library; left out when there are none) and on
    this debate's seeds of the other parity (even seeds train for odd ones and vice versa)."""
    seeds = tuple(seeds)
    scored, short = _scored(pack, seeds, daily)
    crossed_out = _learn_eliminators(pack, seeds, daily, scored, others)
    totals: dict[str, float] = defaultdict(float)
    side_totals: dict[Side, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    side_counts: Counter[Side] = Counter()
    per_question: dict[tuple[str, str], list[dict[str, float]]] = defaultdict(list)
    sides: dict[str, Side] = {}
    fewest, most_reuse, revealed_offered, count, side_gap = 99, 0, 0, 0, 0
    sources: Counter[str] = Counter()
    for run in scored:
        sides_here = Counter(one.asked.question.side for one in run)
        side_gap = max(side_gap, abs(sides_here[Side.CONSERVATIVE] - sides_here[Side.LIBERAL]))
        reuse: Counter[str] = Counter()
        for one in run:
            asked, q = one.asked, one.asked.question
            credits = dict(one.credits)
            if OTHER_DEBATES in crossed_out:
                credits[OTHER_DEBATES] = eliminator.credit(one.picks, crossed_out[OTHER_DEBATES])
            credits[SAME_DEBATE] = eliminator.credit(one.picks, crossed_out[_same_key(one.seed)])
            for name, value in credits.items():
                totals[name] += value
                side_totals[q.side][name] += value
            side_counts[q.side] += 1
            count += 1
            per_question[(q.thread_id, asked.reply_turn_id)].append(credits)
            sides[asked.reply_turn_id] = q.side
            fewest = min(fewest, len(q.options))
            revealed_offered += sum(1 for i, o in enumerate(q.options) if i != q.answer and o in q.revealed)
            reuse.update(o for i, o in enumerate(q.options) if i != q.answer)
            sources.update(source for source, _ in asked.sources)
        most_reuse = max([most_reuse, *reuse.values()])
    names = [*NAMES, *(n for n in eliminator.NAMES if n in crossed_out or n == SAME_DEBATE)]
    rates = {name: totals[name] / count for name in names} if count else {}
    by_side = {s: {n: side_totals[s][n] / side_counts[s] for n in names} for s in side_counts}
    questions = tuple(
        QuestionAudit(thread, turn, sides[turn], len(runs), {n: sum(r[n] for r in runs) / len(runs) for n in names})
        for (thread, turn), runs in per_question.items()
    )
    games = len(seeds) or 1
    return Audit(
        debate=pack.id,
        mode="daily" if daily else "game",
        seeds=len(seeds),
        rates=rates,
        by_side=by_side,
        questions=questions,
        questions_per_game=count / games,
        per_side={s: side_counts[s] / games for s in Side},
        fewest_options=fewest if count else 0,
        side_gap=side_gap,
        short={turn: n / games for turn, n in short.items()},
        most_reuse=most_reuse,
        revealed_offered=revealed_offered,
        sources=dict(sources),
        crossed_out=crossed_out,
    )


@dataclass(frozen=True)
class _Scored:
    """One asked question with every strategy's credit and picks on it."""

    seed: int
    asked: Asked
    credits: dict[str, float]
    picks: eliminator.Picks


@lru_cache(maxsize=32)
def _scored(pack: Pack, seeds: tuple[int, ...], daily: bool) -> tuple[tuple[tuple[_Scored, ...], ...], Counter[str]]:
    """Every game (or round) of ``seeds`` as scored questions, and the replies left unasked.
    Cached: the eliminator trained on other debates needs theirs too, and a library audit
    would otherwise build every script once per debate."""
    lexicon = pack_lexicon(pack)
    runs: list[tuple[_Scored, ...]] = []
    short: Counter[str] = Counter()
    for seed in seeds:
        short.update(_short(pack, seed, daily))
        for run in _runs(pack, seed, daily):
            scored = []
            for asked in run:
                scores = all_scores(lexicon, asked.question)
                answer = asked.question.answer
                picks = eliminator.question_picks(scores, answer)
                scored.append(_Scored(seed, asked, credits_from_scores(scores, answer), picks))
            runs.append(tuple(scored))
    return tuple(runs), short


def _learn_eliminators(
    pack: Pack, seeds: tuple[int, ...], daily: bool, scored: Sequence[Sequence[_Scored]], others: Sequence[Pack]
) -> dict[str, tuple[str, ...]]:
    """What the eliminator crosses out: learned on the other debates, and per seed parity on
    this debate's seeds of the other parity."""
    crossed_out = {
        _same_key(parity): eliminator.learn([one.picks for run in scored for one in run if one.seed % 2 != parity])
        for parity in (0, 1)
    }
    training = [
        one.picks for other in others if other.id != pack.id for run in _scored(other, seeds, daily)[0] for one in run
    ]
    if training:
        crossed_out[OTHER_DEBATES] = eliminator.learn(training)
    return crossed_out


def _same_key(seed: int) -> str:
    return f"{SAME_DEBATE}, tested on {'even' if seed % 2 == 0 else 'odd'} seeds"


def _runs(pack: Pack, seed: int, daily: bool) -> Sequence[list[Asked]]:
    if not daily:
        return [game_questions(pack, seed)]
    return [script_questions(pack, build_round_script(pack, t.id, seed)) for t in pack.all_threads()]


def _short(pack: Pack, seed: int, daily: bool) -> set[str]:
    """Replies left unasked for want of decoys: in a game, as the script builder reports;
    in a daily round (where nothing is dropped for balance), every reply not asked."""
    if not daily:
        return set(short_of_decoys(pack, seed))
    asked = {a.reply_turn_id for a in round_questions(pack, seed)}
    return {turn.id for thread in pack.all_threads() for turn in thread.turns[1:]} - asked
