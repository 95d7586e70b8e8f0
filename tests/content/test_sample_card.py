"""The sample card imports with exactly the structure a reader sees in it."""

from pathlib import Path

import pytest

from bot.content.card_parser import parse_card
from bot.content.model import Pack, Side

SAMPLE = Path(__file__).parents[1] / "data" / "cards" / "us-russia-normalization.txt"


@pytest.fixture(scope="module")
def pack() -> Pack:
    return parse_card(SAMPLE.read_bytes(), str(SAMPLE), pack_id="us-russia-normalization")


def test_opening_exchange(pack: Pack) -> None:
    assert [t.side for t in pack.opening.turns] == [Side.CONSERVATIVE, Side.LIBERAL, Side.CONSERVATIVE, Side.LIBERAL]
    assert pack.opening.turns[0].text.startswith("Three years of maximum pressure")


def test_threads(pack: Pack) -> None:
    assert [(t.title, len(t.turns)) for t in pack.threads] == [
        ("Preconditions before normalization steps", 4),
        ("Rewarding conquest signals to other powers", 4),
        ("Russia's rare earth offer as strategic asset", 4),
        ("Ceasefire pause versus durable peace risk", 4),
    ]
    assert all(t.turns[0].side is Side.CONSERVATIVE for t in pack.threads)


def test_header(pack: Pack) -> None:
    assert pack.question == "Should the US normalize diplomatic relations with Russia?"
    assert pack.context.startswith("Since January 2025")
    assert pack.internal_splits is not None and pack.internal_splits.startswith("Both sides have significant")
    assert pack.hook.startswith("Can the US ever negotiate with Russia")


def test_closing_sections(pack: Pack) -> None:
    assert pack.hardest_questions.conservative.startswith("The most serious vulnerability")
    assert pack.hardest_questions.liberal.startswith("The strongest challenge to my argument")
    assert pack.divide.subtitle == (
        "Both parties fracture over whether engagement with Putin is pragmatic necessity or catastrophic capitulation."
    )
    assert [f.name for f in pack.divide.factions] == [
        "MAGA/POPULIST-RIGHT",
        "ESTABLISHMENT/HAWK-RIGHT",
        "PROGRESSIVE/ANTI-WAR-LEFT",
        "MAINSTREAM-DEM/INTERNATIONALIST",
    ]
    quotes = [f.quote for f in pack.divide.factions if f.quote]
    assert len(quotes) == 1
    assert (quotes[0].text, quotes[0].attribution) == ("The first step of a long and difficult journey.", "Marco Rubio")
    assert pack.agreement.startswith("Both sides accept that U.S.-Russia communication channels")
    assert pack.conflict.kind == "FACT DISPUTE"
    assert pack.conflict.text.startswith("Whether Russian signals")
    assert pack.unanswered.startswith("If the stated precondition")
    assert len(pack.sources) == 10
    assert (
        pack.sources[-1] == "Web search compilation on U.S.-Russia diplomatic normalization, current as of April 2025"
    )


def test_ids_are_stable_and_unique(pack: Pack) -> None:
    again = parse_card(SAMPLE.read_bytes(), "again.txt", pack_id="us-russia-normalization")
    ids = [turn.id for t in pack.all_threads() for turn in t.turns]
    assert ids == [turn.id for t in again.all_threads() for turn in t.turns]
    assert len(set(ids)) == 20
    assert pack.threads[2].id == "russias-rare-earth-offer-as-strategic-asset"


def test_editing_a_turn_changes_only_its_own_id(pack: Pack) -> None:
    edited = SAMPLE.read_text(encoding="utf-8").replace("surrender it.", "give it away.")
    changed = parse_card(edited, "edited.txt", pack_id="us-russia-normalization")
    before = [turn.id for t in pack.all_threads() for turn in t.turns]
    after = [turn.id for t in changed.all_threads() for turn in t.turns]
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 1


def test_shipped_pack_is_the_card_plus_the_projects_balancing_turns(pack: Pack) -> None:
    """The shipped debate keeps every turn of the card as supplied (same ids, sides and text, in
    order) and every other section; the project added one Liberal turn opening each of two threads,
    so the opening side alternates (balance rule 'openers'), plus author decoys and sources, and
    says so in the pack's authorship. This file stays the card as supplied (with decoys)."""
    from bot.content.pack_files import load_pack_file

    shipped = load_pack_file(Path(__file__).parents[2] / "content" / "us-russia-normalization.yaml")
    assert shipped.authorship is not None and "Rebuttal project" in shipped.authorship
    sections = {"authorship", "tags", "grade_level", "sources", "opening", "threads"}
    assert shipped.model_dump(exclude=sections) == pack.model_dump(exclude=sections)
    assert shipped.sources[: len(pack.sources)] == pack.sources
    added = {"preconditions-before-normalization-steps", "russias-rare-earth-offer-as-strategic-asset"}
    assert [t.id for t in shipped.all_threads()] == [t.id for t in pack.all_threads()]
    for card_thread, shipped_thread in zip(pack.all_threads(), shipped.all_threads(), strict=True):
        turns = shipped_thread.turns
        if shipped_thread.id in added:
            assert turns[0].side is Side.LIBERAL
            assert turns[0].id not in {t.id for t in card_thread.turns}
            assert shipped_thread.title in shipped.authorship
            turns = turns[1:]
        assert [(t.id, t.side, t.text) for t in turns] == [(t.id, t.side, t.text) for t in card_thread.turns]
    openers = [t.turns[0].side for t in shipped.all_threads()]
    assert openers == [Side.CONSERVATIVE, Side.LIBERAL, Side.CONSERVATIVE, Side.LIBERAL, Side.CONSERVATIVE]
