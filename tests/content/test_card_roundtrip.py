"""Property: varied well-formed cards parse to the structure they were built from, and
card → pack → card → pack is stable, whatever pasting did to the text."""

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.card_parser import parse_card
from bot.content.card_writer import render_card
from bot.content.model import Side

WORDS = st.sampled_from(
    [
        "policy",
        "voters",
        "budget",
        "schools",
        "evidence",
        "cost",
        "risk",
        "border",
        "trade",
        "power",
        "rights",
        "growth",
        "safety",
        "courts",
        "climate",
        "reform",
        "market",
        "public",
        "private",
        "local",
        "federal",
        "answer",
        "record",
    ]
)
SIDES = st.sampled_from([Side.CONSERVATIVE, Side.LIBERAL])


@st.composite
def sentences(draw: st.DrawFn, max_sentences: int = 3) -> str:
    count = draw(st.integers(1, max_sentences))
    parts = []
    for _ in range(count):
        words = draw(st.lists(WORDS, min_size=3, max_size=12))
        parts.append(" ".join(words).capitalize() + ".")
    return " ".join(parts)


@st.composite
def headings(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(WORDS, min_size=2, max_size=6))).capitalize()


@dataclass
class CardSpec:
    lines: list[str]
    opening_sides: list[Side]
    threads: list[tuple[str, list[Side]]]
    factions: list[bool]  # has a quote
    subtitle: bool
    splits: bool
    conflict_kind: str | None
    sources: int


def alternating(first: Side, count: int) -> list[Side]:
    return [first if i % 2 == 0 else first.opposite for i in range(count)]


@st.composite
def cards(draw: st.DrawFn) -> CardSpec:
    lines = [draw(sentences(1)).removesuffix(".") + "?"]
    lines += draw(st.lists(sentences(), min_size=1, max_size=2))
    splits = draw(st.booleans())
    if splits:
        lines.append("⚡" + draw(sentences()))
    lines.append(draw(sentences()))  # hook
    first_reply = draw(SIDES)
    labelled = draw(st.integers(0, 3))
    opening_sides: list[Side] = []
    thread_specs: list[tuple[str, list[Side]]] = []
    for _ in range(draw(st.integers(1, 4))):
        thread_specs.append((draw(headings()), alternating(draw(SIDES), draw(st.integers(2, 6)))))
    titles = [t for t, _ in thread_specs]
    if len(set(titles)) != len(titles):
        thread_specs = [(f"{t} {i}", s) for i, (t, s) in enumerate(thread_specs)]
    first_labelled = first_reply if labelled else thread_specs[0][1][0]
    opening_sides = alternating(first_labelled.opposite, labelled + 1)
    lines.append(draw(sentences()))  # the unlabelled opening argument
    for side in opening_sides[1:]:
        lines += [side.letter, draw(sentences())]
    for title, sides in thread_specs:
        lines.append(title)
        for side in sides:
            lines += [side.letter, draw(sentences())]
    hardest = [
        ["Conservative’s hardest question", draw(sentences())],
        ["Liberal's hardest question", draw(sentences())],
    ]
    if draw(st.booleans()):
        hardest.reverse()
    lines += hardest[0] + hardest[1] + ["The Divide"]
    subtitle = draw(st.booleans())
    if subtitle:
        lines.append(f"*{draw(sentences(1))}*")
    factions = draw(st.lists(st.booleans(), min_size=1, max_size=4))
    for index, has_quote in enumerate(factions):
        name = draw(st.sampled_from(["/", "-", " "])).join(
            w.upper() for w in draw(st.lists(WORDS, min_size=1, max_size=3))
        )
        lines += [f"{name} {index}", draw(sentences())]
        if has_quote:
            lines.append(f"“{draw(sentences(1))}” — {draw(headings())}")
    kind = draw(st.sampled_from([None, "FACT DISPUTE", "VALUES DISPUTE"]))
    prefix = f"{kind}: " if kind else ""
    lines += [
        f"Both sides agree: {draw(sentences())}",
        f"The real conflict: {prefix}{draw(sentences())}",
        f"What nobody has answered: {draw(sentences())}",
        "Sources",
    ]
    sources = draw(st.lists(sentences(1), min_size=1, max_size=10))
    lines += sources
    return CardSpec(lines, opening_sides, thread_specs, factions, subtitle, splits, kind, len(sources))


@st.composite
def pasted(draw: st.DrawFn, lines: list[str]) -> str:
    """What copying and pasting does: CRLF, a BOM, trailing spaces, blank lines."""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    out = []
    for line in lines:
        out.append(line + draw(st.sampled_from(["", " ", "\t "])))
        out.extend([""] * draw(st.integers(0, 2)))
    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + newline.join(out) + newline


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_card_pack_card_pack_is_stable(data: st.DataObject) -> None:
    spec = data.draw(cards())
    text = data.draw(pasted(spec.lines))
    pack = parse_card(text, "generated.txt", pack_id="generated")

    assert [t.side for t in pack.opening.turns] == spec.opening_sides
    assert [(t.title, [turn.side for turn in t.turns]) for t in pack.threads] == spec.threads
    assert [f.quote is not None for f in pack.divide.factions] == spec.factions
    assert (pack.divide.subtitle is not None) == spec.subtitle
    assert (pack.internal_splits is not None) == spec.splits
    assert pack.conflict.kind == spec.conflict_kind
    assert len(pack.sources) == spec.sources

    rendered = render_card(pack)
    again = parse_card(rendered, "rendered.txt", pack_id="generated")
    assert again == pack
    assert render_card(again) == rendered
