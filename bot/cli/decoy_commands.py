"""``rebuttal decoys``: the prediction questions a game (or a daily round) asks, as text or
JSON, and ``--audit``, how often shortcut strategies find the real reply. Only printing
lives here; the questions and the audit are ``bot.engine.audit``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.content.balance import Balance, balance_report
from bot.content.model import Pack, Side
from bot.engine.audit import TARGET, Asked, Audit, audit, game_questions, round_questions
from bot.engine.script import option_letter
from bot.engine.shortcuts import STRATEGIES

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Subcommands, find_pack: Callable[[str | None], Pack | None]) -> None:
    decoys = commands.add_parser(
        "decoys", help="show every prediction question's options, or --audit them against shortcut strategies"
    )
    decoys.add_argument("pack", help="a debate id from the library, or a pack/card file")
    decoys.add_argument("--seed", type=int, default=0)
    decoys.add_argument("--json", action="store_true", help="machine-readable questions in the order they are asked")
    decoys.add_argument("--daily", action="store_true", help="the daily rounds' questions (one round per thread)")
    decoys.add_argument("--audit", action="store_true", help="how often shortcut strategies find the real reply")
    decoys.add_argument("--seeds", type=int, default=20, help="seeds the audit averages over (default: 20)")
    decoys.set_defaults(handler=lambda args: show_decoys(args, find_pack))


def show_decoys(args: argparse.Namespace, find_pack: Callable[[str | None], Pack | None]) -> int:
    pack = find_pack(args.pack)
    if pack is None:
        return 2
    if args.seeds < 1:
        print("rebuttal decoys: --seeds must be at least 1")
        return 2
    if args.audit:
        audits = [audit(pack, range(args.seeds), daily) for daily in ((True,) if args.daily else (False, True))]
        balance = balance_report(pack, {a.mode: a.per_side for a in audits})
        if args.json:
            print(json.dumps([{**audit_json(a), "balance": balance.as_json()} for a in audits], indent=2))
        else:
            for each in audits:
                print_audit(pack, each)
            print_balance(balance)
        return 0
    asked = round_questions(pack, args.seed) if args.daily else game_questions(pack, args.seed)
    if args.json:
        document = {"debate": pack.id, "seed": args.seed, "daily": args.daily, "questions": questions_json(pack, asked)}
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    for one in asked:
        q = one.question
        print(f"\n[{pack.thread(q.thread_id).title}] {q.side.opposite.title} said: {_clip(q.prompt)}")
        for index, (text, (source, turn)) in enumerate(zip(q.options, one.sources, strict=True)):
            mark = "*" if index == q.answer else " "
            print(f"  {mark}{option_letter(index)} {source:<12} {turn or '-':<12} {_clip(text)}")
    print("\n* marks the true reply.")
    return 0


def questions_json(pack: Pack, asked: list[Asked]) -> list[dict[str, Any]]:
    return [
        {
            "thread": pack.thread(a.question.thread_id).title,
            "prompt": a.question.prompt,
            "options": list(a.question.options),
            "answer": a.question.answer,
            "sources": [{"source": source, "turn": turn} for source, turn in a.sources],
        }
        for a in asked
    ]


def audit_json(one: Audit) -> dict[str, Any]:
    name, rate = one.strongest
    return {
        "debate": one.debate,
        "mode": one.mode,
        "seeds": one.seeds,
        "strongest": {"strategy": name, "rate": round(rate, 4)},
        "rates": {k: round(v, 4) for k, v in one.rates.items()},
        "by_side": {s.value: round(one.side_strongest(s)[1], 4) for s in one.by_side},
        "questions_per_side": {s.value: one.per_side[s] for s in Side},
        "fewest_options": one.fewest_options,
        "side_gap": one.side_gap,
        "short_of_decoys": one.short,
        "most_reuse": one.most_reuse,
        "revealed_offered": one.revealed_offered,
        "sources": one.sources,
        "questions": [
            {
                "thread": q.thread_id,
                "reply": q.reply_turn_id,
                "side": q.side.value,
                "asked": q.times,
                "strongest": {"strategy": q.strongest[0], "rate": round(q.strongest[1], 4)},
            }
            for q in one.questions
        ],
        "problems": one.problems,
    }


def print_audit(pack: Pack, one: Audit) -> None:
    title = "full games" if one.mode == "game" else "daily rounds"
    print(f"\n{pack.id}: {title}, {one.seeds} seeds, {one.questions_per_game:.1f} questions per seed")
    held_out = {s.name for s in STRATEGIES if s.held_out}
    for name, rate in sorted(one.rates.items(), key=lambda item: -item[1]):
        tag = " (held out from selection)" if name in held_out else ""
        print(f"  {rate:6.1%}  {name}{tag}")
    name, rate = one.strongest
    verdict = "ok" if rate <= TARGET else "ABOVE TARGET"
    print(f"  strongest: {name} {rate:.1%} (target {TARGET:.0%}, chance 25%): {verdict}")
    for side in Side:
        side_name, side_rate = one.side_strongest(side)
        print(f"  {side.title} replies: {one.per_side[side]:.1f} per seed, strongest {side_name} {side_rate:.1%}")
    print(
        f"  fewest options {one.fewest_options}; largest side gap in one game {one.side_gap}; "
        f"one decoy offered at most {one.most_reuse}x in a game; "
        f"revealed texts offered {one.revealed_offered}; option sources {one.sources}"
    )
    print("  per question (strongest strategy):")
    for q in one.questions:
        q_name, q_rate = q.strongest
        print(f"    {q_rate:6.1%}  {q_name:<24} {q.side.letter} {q.reply_turn_id:<12} {pack.thread(q.thread_id).title}")
    for problem in one.problems:
        print(f"  ! {problem}")


def print_balance(balance: Balance) -> None:
    """The balance report (``bot.content.balance``) after the audit: both sides in equal measure."""
    print(f"\n{balance.debate}: balance")
    for line in balance.lines():
        print(f"  {line}")
    for problem in balance.problems:
        print(f"  ! {problem}")


def _clip(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
