"""The debate pack: what a card becomes once imported, and what the game is played from.

Pydantic models are the schema: ``content/pack.schema.json`` is generated from ``Pack`` so
authors can validate a pack file in their editor. Models are frozen; a loaded pack never
changes under a running game.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from bot.content.ids import ID_PATTERN, OPENING_THREAD_ID, slugify, turn_id, unique

MAX_TEXT = 4000
MAX_TURNS_PER_THREAD = 30
MAX_THREADS = 30
DEFAULT_LANGUAGE = "en"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
# A card lists tags on one line, separated by commas.
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^,]+$")]


class Side(StrEnum):
    CONSERVATIVE = "conservative"
    LIBERAL = "liberal"

    @property
    def opposite(self) -> Side:
        return Side.LIBERAL if self is Side.CONSERVATIVE else Side.CONSERVATIVE

    @property
    def letter(self) -> str:
        """The card label for this side: ``C`` or ``L``."""
        return "C" if self is Side.CONSERVATIVE else "L"

    @property
    def title(self) -> str:  # type: ignore[override]
        return "Conservative" if self is Side.CONSERVATIVE else "Liberal"

    @classmethod
    def from_letter(cls, letter: str) -> Side:
        return cls.CONSERVATIVE if letter.upper() == "C" else cls.LIBERAL


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Turn(_Frozen):
    """One side speaking once."""

    id: Id = Field(description="Stable id; derived from side and text when omitted.")
    side: Side
    text: Text
    decoys: tuple[Text, ...] = Field(
        default=(),
        max_length=6,
        description="Author-written decoys for 'predict this reply': plausible replies to the turn "
        "before, in the same side's voice, that were not said. One paragraph each. In a card: a "
        "'Not said: …' line after the turn's text.",
    )

    @model_validator(mode="after")
    def _decoys_are_other_paragraphs(self) -> Turn:
        for decoy in self.decoys:
            if "\n" in decoy:
                raise ValueError("a decoy is one paragraph (no line breaks)")
            if decoy == self.text:
                raise ValueError("a decoy repeats the turn's own text")
        if len(set(self.decoys)) != len(self.decoys):
            raise ValueError("the same decoy is given twice")
        return self


class Thread(_Frozen):
    """A titled exchange of alternating turns on one sub-topic."""

    id: Id = Field(description="Stable id; a slug of the title when omitted.")
    title: ShortText
    turns: tuple[Turn, ...] = Field(min_length=1, max_length=MAX_TURNS_PER_THREAD)

    @model_validator(mode="after")
    def _first_turn_has_no_decoys(self) -> Thread:
        if self.turns and self.turns[0].decoys:
            raise ValueError("the first turn of a thread replies to nothing, so it cannot have decoys")
        return self

    @model_validator(mode="after")
    def _turns_alternate(self) -> Thread:
        for index in range(1, len(self.turns)):
            if self.turns[index].side is self.turns[index - 1].side:
                raise ValueError(
                    f"turns {index} and {index + 1} are both {self.turns[index].side.title}; "
                    "turns in a thread alternate sides"
                )
        return self


class Quote(_Frozen):
    text: Text
    attribution: ShortText


class Faction(_Frozen):
    name: ShortText
    position: Text
    quote: Quote | None = None


class Divide(_Frozen):
    subtitle: Text | None = None
    factions: tuple[Faction, ...] = Field(min_length=1, max_length=12)


class HardestQuestions(_Frozen):
    """Each side naming its own weakest point."""

    conservative: Text
    liberal: Text


class Conflict(_Frozen):
    kind: ShortText | None = Field(default=None, description="e.g. FACT DISPUTE, VALUES DISPUTE")
    text: Text


class Pack(_Frozen):
    """A whole debate, ready to be played."""

    schema_version: Literal[1] = 1
    id: Id = Field(description="Stable id of the debate; a slug of the question when omitted.")
    question: Text
    context: Text
    internal_splits: Text | None = Field(default=None, description="The card's ⚡ note.")
    hook: Text
    opening: Thread = Field(description="The opening exchange; its id is always 'opening'.")
    threads: tuple[Thread, ...] = Field(min_length=1, max_length=MAX_THREADS)
    hardest_questions: HardestQuestions
    divide: Divide
    agreement: Text
    conflict: Conflict
    unanswered: Text
    sources: tuple[Text, ...] = Field(min_length=1, max_length=100)
    tags: tuple[Tag, ...] = ()
    grade_level: ShortText | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = DEFAULT_LANGUAGE
    authorship: Text | None = Field(default=None, description="Who wrote this debate, e.g. 'Original writing by …'.")

    @model_validator(mode="before")
    @classmethod
    def _fill_missing_ids(cls, data: Any) -> Any:
        """Derive any id the author left out, so hand-written packs need none."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if not data.get("id") and isinstance(data.get("question"), str):
            data["id"] = slugify(data["question"], fallback="debate")
        taken_turns: set[str] = set()
        opening = data.get("opening")
        if isinstance(opening, dict):
            data["opening"] = _fill_thread(
                {"title": "Opening exchange", **opening, "id": OPENING_THREAD_ID}, set(), taken_turns
            )
        threads = data.get("threads")
        if isinstance(threads, list):
            taken_threads = {OPENING_THREAD_ID}
            data["threads"] = [
                _fill_thread(t, taken_threads, taken_turns) if isinstance(t, dict) else t for t in threads
            ]
        return data

    @model_validator(mode="after")
    def _threads_have_exchanges(self) -> Pack:
        for thread in self.threads:
            if len(thread.turns) < 2:
                raise ValueError(
                    f"thread {thread.title!r} has {len(thread.turns)} turn; a thread needs at "
                    "least 2 so that a reply can be predicted"
                )
        return self

    @model_validator(mode="after")
    def _ids_unique(self) -> Pack:
        thread_ids = [t.id for t in self.all_threads()]
        turn_ids = [turn.id for t in self.all_threads() for turn in t.turns]
        for kind, ids in (("thread", thread_ids), ("turn", turn_ids)):
            seen: set[str] = set()
            for one in ids:
                if one in seen:
                    raise ValueError(f"{kind} id {one!r} is used twice; ids must be unique")
                seen.add(one)
        return self

    @model_validator(mode="after")
    def _decoys_are_not_turns(self) -> Pack:
        said = {turn.text for thread in self.all_threads() for turn in thread.turns}
        for thread in self.all_threads():
            for turn in thread.turns:
                for decoy in turn.decoys:
                    if decoy in said:
                        raise ValueError(f"a decoy of turn {turn.id!r} is the text of a real turn")
        return self

    def all_threads(self) -> tuple[Thread, ...]:
        """The opening exchange followed by the titled threads, in playing order."""
        return (self.opening, *self.threads)

    def thread(self, thread_id: str) -> Thread:
        for thread in self.all_threads():
            if thread.id == thread_id:
                return thread
        raise KeyError(thread_id)

    def turn(self, turn_id_: str) -> Turn:
        for thread in self.all_threads():
            for one in thread.turns:
                if one.id == turn_id_:
                    return one
        raise KeyError(turn_id_)


def _fill_thread(raw: dict[str, Any], taken_threads: set[str], taken_turns: set[str]) -> dict[str, Any]:
    thread = dict(raw)
    if thread.get("id"):
        taken_threads.add(str(thread["id"]))
    elif isinstance(thread.get("title"), str):
        thread["id"] = unique(slugify(thread["title"], fallback="thread"), taken_threads)
    turns = thread.get("turns")
    if isinstance(turns, list):
        filled = []
        for turn in turns:
            if isinstance(turn, dict) and not turn.get("id"):
                side, text = turn.get("side"), turn.get("text")
                if isinstance(side, str) and isinstance(text, str) and side in set(Side):
                    turn = {**turn, "id": unique(turn_id(Side(side).letter, text), taken_turns)}
            elif isinstance(turn, dict):
                taken_turns.add(str(turn["id"]))
            filled.append(turn)
        thread["turns"] = filled
    return thread
