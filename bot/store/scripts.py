"""A game's script stored against its pack snapshot: structure and ids, not copies of texts.

Theory of operation. Every text a script shows (a turn, an author decoy, a faction's name)
is already in the pack snapshot the game row points at (``games.pack_hash``), and a snapshot
never changes (it is addressed by the hash of its text). So a stored script keeps, per step,
its kind, its thread and turn ids, and per option a *reference* into the snapshot plus what
the snapshot cannot know (the option's order, its prompt similarity, the correct option).

The stored text is JSON: ``{"v": 1, "seed": …, "texts": […], "steps": […]}``. Each step is an
object whose one key from ``KIND_CODES`` (``"p"`` a prediction, ``"s"`` a stance, …) holds its
options: a list, ``[]`` for none, or the position of an earlier step with the same options
(the stance scale, asked between every two threads). An option is a reference, or
``[reference, similarity in ten-thousandths]``, with a third item naming what differs from
what the reference implies (``"s"`` source, ``"t"`` turn id, ``"d"`` side). References:

* ``"@"``: the text of the step's own turn (the true reply);
* ``"#2"``: the step's own turn's author decoy 2; ``"l-2fc67626#2"``: turn l-2fc67626's decoy 2
  (an author decoy borrowed from another reply);
* ``"l-18574924"``: that turn's text; ``"%1"``: faction 1's name;
* a number: the script's own ``texts`` list, for what the snapshot does not hold (the stance
  scale's labels, or whatever an older version wrote): kept once per game, so a later change
  of those labels in the code never changes a stored game.

The other keys of a step (``h`` thread, as its number in the snapshot; ``u`` turn; ``r`` the
turn it answers; ``a`` the correct option; ``o``/``e`` the threads a stance opens and ends;
``w`` words to read; ``i`` index) are written only where the step differs from what follows
from the snapshot the way ``build_script`` lays a game out (the next turn of the thread, the
turn before it, the true reply's position, the words of its texts). Nothing is recomputed by
the decoy algorithm, which changes between versions: a game keeps the exact script it started
with. ``compact_script`` checks that its result reads back equal to the script it was given;
should it not, the game row stores the full form (every option's text), which ``read_script``
still reads, as it reads rows a migration left in that form.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter

from bot.content.model import Pack, Side, Thread, Turn
from bot.engine.script import Option, OptionSource, Script, Step, StepKind

log = logging.getLogger(__name__)
FORMAT = 1  # the "v" of a compact script; the full form (before migration 7) has no "v"
_FULL = TypeAdapter(Script)
_SIDES = {side.letter: side for side in Side}
# One letter per step kind: the kind is written on every step, and a game row of about 2 KB or
# less shares its 4 KiB page with another (above, it takes a page of its own).
KIND_CODES = {
    StepKind.STANCE: "s",
    StepKind.TURN: "t",
    StepKind.PREDICT: "p",
    StepKind.STRONGER: "v",  # the stronger-point vote
    StepKind.SUMMARY: "m",
    StepKind.FACTION: "f",
    StepKind.CLOSING: "c",
    StepKind.SCOREBOARD: "b",
}
_KINDS = {code: kind for kind, code in KIND_CODES.items()}
SIMILARITY_UNITS = 10_000


class ScriptNotCompactable(ValueError):
    """``compact_script`` could not write a script that reads back equal (a bug, not bad input)."""


@dataclass
class PackIndex:
    """A snapshot's texts and ids, looked up by what a stored script names."""

    pack: Pack
    threads: tuple[Thread, ...] = ()
    thread_numbers: dict[str, int] = field(default_factory=dict)
    turns: dict[str, Turn] = field(default_factory=dict)
    thread_of: dict[str, tuple[Thread, int]] = field(default_factory=dict)  # turn id -> (thread, position)
    refs_by_text: dict[str, str] = field(default_factory=dict)  # a text -> the first reference to it
    word_counts: dict[str, int] = field(
        default_factory=dict
    )  # texts measured so far (reading a game measures them all)

    @classmethod
    def of(cls, pack: Pack) -> PackIndex:
        index = cls(pack, pack.all_threads())
        for number, thread in enumerate(index.threads):
            index.thread_numbers.setdefault(thread.id, number)
            for position, turn in enumerate(thread.turns):
                index.turns.setdefault(turn.id, turn)
                index.thread_of.setdefault(turn.id, (thread, position))
                index.refs_by_text.setdefault(turn.text, turn.id)
                for number_, decoy in enumerate(turn.decoys):
                    index.refs_by_text.setdefault(decoy, f"{turn.id}#{number_}")
        for number, faction in enumerate(pack.divide.factions):
            index.refs_by_text.setdefault(faction.name, f"%{number}")
        return index

    def turn(self, turn_id: str | None) -> Turn | None:
        return self.turns.get(turn_id) if turn_id is not None else None

    def words(self, text: str) -> int:
        count = self.word_counts.get(text)
        if count is None:
            count = self.word_counts[text] = len(text.split())
        return count


@dataclass(frozen=True)
class _Resolved:
    """What an option reference names, with the defaults it implies."""

    text: str
    source: OptionSource
    turn_id: str | None
    side: Side | None


def _literal(text: str, step_kind: StepKind) -> _Resolved:
    source = OptionSource.FACTION if step_kind is StepKind.FACTION else OptionSource.SCALE
    return _Resolved(text, source, None, None)


def _resolve(
    ref: str | int, step_kind: StepKind, step_turn: str | None, index: PackIndex, texts: Sequence[str]
) -> _Resolved:
    if isinstance(ref, int):
        return _literal(texts[ref], step_kind)
    if ref.startswith("%"):
        return _Resolved(index.pack.divide.factions[int(ref[1:])].name, OptionSource.FACTION, None, None)
    if ref == "@":
        turn = index.turns[step_turn or ""]
        return _Resolved(turn.text, OptionSource.TRUE_REPLY, turn.id, turn.side)
    owner, hash_, number = ref.partition("#")
    if hash_:
        turn = index.turns[owner or step_turn or ""]
        # A reply's own decoys carry no turn id; one borrowed from another reply carries that reply's.
        return _Resolved(turn.decoys[int(number)], OptionSource.AUTHOR_DECOY, owner or None, turn.side)
    turn = index.turns[ref]
    source = OptionSource.OTHER_TURN if step_kind is StepKind.PREDICT else OptionSource.TURN
    return _Resolved(turn.text, source, turn.id, turn.side)


def _candidate_refs(option: Option, step: Step, index: PackIndex) -> list[str]:
    """References that name ``option``'s text, the shortest-to-write first."""
    refs = []
    own = index.turn(step.turn_id)
    if own is not None:
        if own.text == option.text:
            refs.append("@")
        if option.text in own.decoys:
            refs.append(f"#{own.decoys.index(option.text)}")
    named = index.turn(option.turn_id)
    if named is not None:
        if named.text == option.text:
            refs.append(named.id)
        if option.text in named.decoys:
            refs.append(f"{named.id}#{named.decoys.index(option.text)}")
    anywhere = index.refs_by_text.get(option.text)
    if anywhere is not None:
        refs.append(anywhere)
    return refs


def _overrides(option: Option, implied: _Resolved) -> dict[str, str | None]:
    changed: dict[str, str | None] = {}
    if option.source is not implied.source:
        changed["s"] = option.source.value
    if option.turn_id != implied.turn_id:
        changed["t"] = option.turn_id
    if option.side != implied.side:
        changed["d"] = option.side.letter if option.side is not None else None
    return changed


def _option_entry(option: Option, step: Step, index: PackIndex, texts: list[str]) -> Any:
    # A text kept in the script's own list is a candidate too (last): a snapshot turn that
    # happens to read "Unsure" should not make a stance option a turn with three overrides.
    literal = texts.index(option.text) if option.text in texts else len(texts)
    best: tuple[str | int, dict[str, str | None]] | None = None
    candidates: list[str | int] = [*_candidate_refs(option, step, index), literal]
    for ref in candidates:
        implied = (
            _literal(option.text, step.kind)
            if isinstance(ref, int)
            else _resolve(ref, step.kind, step.turn_id, index, texts)
        )
        changed = _overrides(option, implied)
        if best is None or len(changed) < len(best[1]):
            best = (ref, changed)
        if not changed:
            break  # the first reference that implies everything else is the one
    assert best is not None
    ref, changed = best
    if ref == len(texts):
        texts.append(option.text)
    if option.similarity is None and not changed:
        return ref
    similarity = _similarity_out(option.similarity)
    return [ref, similarity, changed] if changed else [ref, similarity]


def _similarity_out(value: float | None) -> int | str | None:
    """A similarity in ten-thousandths (the engine rounds it to four places): 1499 for 0.1499.
    One that is not is kept exactly, as the text of the float."""
    if value is None:
        return None
    units = round(value * SIMILARITY_UNITS)
    return units if units / SIMILARITY_UNITS == value else repr(value)


def _similarity_in(stored: int | str | None) -> float | None:
    if stored is None:
        return None
    return float(stored) if isinstance(stored, str) else stored / SIMILARITY_UNITS


def _read_option(
    entry: Any, step_kind: StepKind, step_turn: str | None, index: PackIndex, texts: Sequence[str]
) -> Option:
    ref, similarity, changed = entry, None, dict[str, Any]()
    if isinstance(entry, list):
        ref, similarity, *rest = entry
        changed = rest[0] if rest else {}
    implied = _resolve(ref, step_kind, step_turn, index, texts)
    side = implied.side
    if "d" in changed:
        side = _SIDES[changed["d"]] if changed["d"] is not None else None
    return Option(
        text=implied.text,
        source=OptionSource(changed["s"]) if "s" in changed else implied.source,
        turn_id=changed.get("t", implied.turn_id),
        side=side,
        similarity=_similarity_in(similarity),
    )


def _next_turn(kind: StepKind, thread_id: str | None, previous: str | None, index: PackIndex) -> str | None:
    """The turn a TURN or PREDICT step shows as ``build_script`` lays a thread out: the turn
    after the last one shown in the same thread, or the thread's first."""
    if kind not in (StepKind.TURN, StepKind.PREDICT) or thread_id not in index.thread_numbers:
        return None
    thread = index.threads[index.thread_numbers[thread_id]]
    if previous in index.thread_of and index.thread_of[previous][0].id == thread_id:
        position = index.thread_of[previous][1] + 1
        return thread.turns[position].id if position < len(thread.turns) else None
    return thread.turns[0].id


def _prompt_of(kind: StepKind, turn_id: str | None, index: PackIndex) -> str | None:
    if kind is not StepKind.PREDICT or turn_id not in index.thread_of:
        return None
    thread, position = index.thread_of[turn_id]
    return thread.turns[position - 1].id if position else None


def _words(options: Sequence[Option], turn_id: str | None, index: PackIndex) -> int:
    """How much a step asks players to read, as ``finish_script`` measures it."""
    if options:
        return sum(index.words(o.text) for o in options)
    turn = index.turn(turn_id)
    return index.words(turn.text) if turn is not None else 0


def _correct_of(options: Sequence[Option]) -> int | None:
    return next((i for i, o in enumerate(options) if o.source is OptionSource.TRUE_REPLY), None)


def _thread_in_play(kind: StepKind, opened: str | None, closed: str | None) -> str | None:
    """The thread a step belongs to as ``build_script`` lays a game out: a thread's turns,
    predictions and vote follow the stance that opened it; its summary follows the stance
    that closed it."""
    if kind in (StepKind.TURN, StepKind.PREDICT, StepKind.STRONGER):
        return opened
    return closed if kind is StepKind.SUMMARY else None


def _thread_ref(thread_id: str | None, index: PackIndex) -> str | int | None:
    return index.thread_numbers.get(thread_id, thread_id) if thread_id is not None else None


def _thread_id(ref: str | int | None, index: PackIndex) -> str | None:
    return index.threads[ref].id if isinstance(ref, int) else ref


def _encode(script: Script, index: PackIndex) -> dict[str, Any]:
    texts: list[str] = []
    steps: list[dict[str, Any]] = []
    shown: str | None = None  # the last turn a TURN or PREDICT step showed
    opened: str | None = None  # the thread the last stance opened, and the one it closed
    closed: str | None = None
    seen_options: dict[tuple[Option, ...], int] = {}
    for position, step in enumerate(script.steps):
        # The kind's letter holds the options: a list, the position of an earlier step with the
        # same ones (the stance scale, asked between every two threads), or [] for none.
        entry: dict[str, Any] = {}
        if step.options and step.options in seen_options:
            entry[KIND_CODES[step.kind]] = seen_options[step.options]
        else:
            seen_options.setdefault(step.options, position)
            entry[KIND_CODES[step.kind]] = [_option_entry(o, step, index, texts) for o in step.options]
        if step.index != position:
            entry["i"] = step.index
        if step.thread_id != _thread_in_play(step.kind, opened, closed):
            entry["h"] = _thread_ref(step.thread_id, index)
        if step.turn_id != _next_turn(step.kind, step.thread_id, shown, index):
            entry["u"] = step.turn_id
        if step.prompt_turn_id != _prompt_of(step.kind, step.turn_id, index):
            entry["r"] = step.prompt_turn_id
        if step.correct_option != _correct_of(step.options):
            entry["a"] = step.correct_option
        if step.opens_thread is not None:
            entry["o"] = _thread_ref(step.opens_thread, index)
        if step.closes_thread is not None:
            entry["e"] = _thread_ref(step.closes_thread, index)
        if step.reading_words != _words(step.options, step.turn_id, index):
            entry["w"] = step.reading_words
        if step.kind in (StepKind.TURN, StepKind.PREDICT):
            shown = step.turn_id
        opened, closed = step.opens_thread or opened, step.closes_thread or closed
        steps.append(entry)
    stored: dict[str, Any] = {"v": FORMAT, "seed": script.seed}
    if script.pack_id != index.pack.id:
        stored["pack"] = script.pack_id
    if texts:
        stored["texts"] = texts
    stored["steps"] = steps
    return stored


def _decode(stored: dict[str, Any], index: PackIndex) -> Script:
    texts: list[str] = stored.get("texts", [])
    steps: list[Step] = []
    shown: str | None = None
    opened: str | None = None
    closed: str | None = None
    for position, entry in enumerate(stored["steps"]):
        (code,) = (key for key in entry if key in _KINDS)
        kind = _KINDS[code]
        thread_id = _thread_id(entry["h"], index) if "h" in entry else _thread_in_play(kind, opened, closed)
        turn_id = entry["u"] if "u" in entry else _next_turn(kind, thread_id, shown, index)
        if isinstance(entry[code], int):
            options = steps[entry[code]].options
        else:
            options = tuple(_read_option(o, kind, turn_id, index, texts) for o in entry[code])
        opens, closes = _thread_id(entry.get("o"), index), _thread_id(entry.get("e"), index)
        steps.append(
            Step(
                index=entry.get("i", position),
                kind=kind,
                thread_id=thread_id,
                turn_id=turn_id,
                prompt_turn_id=entry["r"] if "r" in entry else _prompt_of(kind, turn_id, index),
                options=options,
                correct_option=entry["a"] if "a" in entry else _correct_of(options),
                opens_thread=opens,
                closes_thread=closes,
                reading_words=entry["w"] if "w" in entry else _words(options, turn_id, index),
            )
        )
        if kind in (StepKind.TURN, StepKind.PREDICT):
            shown = turn_id
        opened, closed = opens or opened, closes or closed
    return Script(stored.get("pack", index.pack.id), stored["seed"], tuple(steps))


def compact_script(script: Script, pack: Pack | PackIndex) -> str:
    """The stored text of ``script`` against ``pack`` (the snapshot its game row points at).

    Raises ``ScriptNotCompactable`` if it would not read back equal."""
    index = pack if isinstance(pack, PackIndex) else PackIndex.of(pack)
    text = json.dumps(_encode(script, index), separators=(",", ":"), ensure_ascii=False)
    try:
        same = _decode(json.loads(text), index) == script
    except (LookupError, ValueError, TypeError) as error:
        raise ScriptNotCompactable(f"the compact script does not read back: {error}") from error
    if not same:
        raise ScriptNotCompactable("the compact script reads back different")
    return text


def full_script(script: Script) -> str:
    """The full form (every option's text), as games stored before migration 7."""
    return _FULL.dump_json(script).decode()


def stored_script(script: Script, pack: Pack) -> str:
    """What a game row stores: the compact form, or the full one should compacting ever fail."""
    try:
        return compact_script(script, pack)
    except ScriptNotCompactable as error:
        log.warning("game of %s (seed %s) stored in the full form: %s", script.pack_id, script.seed, error)
        return full_script(script)


def _is_compact(stored: object) -> bool:
    return isinstance(stored, dict) and "v" in stored


def read_script(text: str, index: PackIndex | None) -> Script:
    """The script a game row stores: compact (read against ``index``, its snapshot), or in the
    full form of rows before migration 7 (which needs no snapshot)."""
    stored = json.loads(text)
    if not _is_compact(stored):
        return _FULL.validate_python(stored)
    if stored["v"] != FORMAT:
        raise ValueError(f"a stored script of format {stored['v']}, newer than this program ({FORMAT})")
    if index is None:
        raise LookupError("a compact script is read against its pack snapshot")
    return _decode(stored, index)


def snapshot_index(body: str, digest: str) -> PackIndex:
    """A stored snapshot, checked against the hash it is stored under, and indexed."""
    if hashlib.sha256(body.encode()).hexdigest() != digest:
        raise ValueError(f"the stored debate {digest} does not match its hash")
    return PackIndex.of(Pack.model_validate_json(body))


def compacted_row(text: str, index: PackIndex | None) -> str | None:
    """Migration 7: a row's full-form script rewritten compact against its snapshot; None
    when there is nothing to do or it cannot be done (already compact, an unreadable row or
    snapshot, a script that would not read back equal), so the row keeps what it has: the
    full form stays readable."""
    try:
        stored = json.loads(text)
        if index is None or _is_compact(stored):
            return None
        return compact_script(_FULL.validate_python(stored), index)
    except (ValueError, LookupError, TypeError):  # pydantic's ValidationError is a ValueError
        return None


class _Scripts:
    """Pack snapshots by hash, indexed, and the scripts read against them, process-wide: a
    snapshot never changes (it is addressed by its hash) and neither does a game's script, so
    loading a game parses neither its debate nor its script again."""

    def __init__(self, snapshots: int = 64, scripts: int = 512) -> None:
        self.snapshot_capacity = snapshots
        self.script_capacity = scripts
        self._indexes: OrderedDict[str, PackIndex] = OrderedDict()
        self._scripts: OrderedDict[tuple[str, str], Script] = OrderedDict()

    async def read(self, text: str, digest: str, snapshot_body: Callable[[str], Awaitable[str | None]]) -> Script:
        key = (text, digest)
        script = self._scripts.get(key)
        if script is None:
            stored_compact = '"v"' in text  # the full form has no key "v"; read_script decides
            script = read_script(text, await self._index(digest, snapshot_body) if stored_compact else None)
            self._scripts[key] = script
            while len(self._scripts) > self.script_capacity:
                self._scripts.popitem(last=False)
        self._scripts.move_to_end(key)
        return script

    def clear(self) -> None:
        self._indexes.clear()
        self._scripts.clear()

    async def _index(self, digest: str, snapshot_body: Callable[[str], Awaitable[str | None]]) -> PackIndex:
        index = self._indexes.get(digest)
        if index is None:
            body = await snapshot_body(digest)
            if body is None:
                raise LookupError(f"no stored debate {digest}")
            index = snapshot_index(body, digest)
            self._indexes[digest] = index
            while len(self._indexes) > self.snapshot_capacity:
                self._indexes.popitem(last=False)
        self._indexes.move_to_end(digest)
        return index


_SCRIPTS = _Scripts()


async def script_of_row(text: str, digest: str, snapshot_body: Callable[[str], Awaitable[str | None]]) -> Script:
    """The script a game row stores (``text``, against snapshot ``digest``), reading the
    snapshot through ``snapshot_body`` the first time this process meets it."""
    return await _SCRIPTS.read(text, digest, snapshot_body)


def forget_read_scripts() -> None:
    """Empty this process's cache of snapshots and scripts read (a restarted process starts so)."""
    _SCRIPTS.clear()
