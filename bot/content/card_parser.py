"""The card importer: a plain-text debate card in, a validated ``Pack`` out.

Theory of operation. A card is read as non-blank lines, each one paragraph. Its about lines
(``Id:``, ``Tags:``, …; ``bot.content.card_about``) come off the top. The first line that
opens a closing section ("Conservative's hardest question", "The Divide", …) splits the rest
into a *body* (header, opening exchange, threads) and a *tail* (the closing sections, read by
``bot.content.card_sections``).
In the body, a label line (``L``/``C``) starts a turn whose text is the next line; a short line
followed by a label line is a thread heading; any other line continues the turn before it as
a further paragraph. Every problem is collected with its line number and reported together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from bot.content import card_format as fmt
from bot.content.card_about import misplaced, read_about
from bot.content.card_sections import ClosingSections
from bot.content.errors import ContentError, ContentProblem, problems_from_validation
from bot.content.ids import slugify
from bot.content.model import Pack, Side
from bot.content.text_input import Line, decode_text, nonblank_lines


@dataclass
class _DraftTurn:
    side: Side | None  # None only for the unlabelled opening argument, until inferred
    line: int
    paragraphs: list[str]
    paragraph_lines: list[int] = field(default_factory=list)
    decoys: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of "Not said:" lines


@dataclass
class _DraftThread:
    title: str
    line: int
    turns: list[_DraftTurn] = field(default_factory=list)


def parse_card(
    data: bytes | str, source: str = "<card>", pack_id: str | None = None, *, default_id: str | None = None
) -> Pack:
    """Parse a debate card; raise ``ContentError`` listing every problem found. The debate's id
    is ``pack_id`` if given, else the card's ``Id:`` line, else ``default_id`` (a file's name),
    else a slug of the question."""
    text = decode_text(data, source)
    return _CardParser(nonblank_lines(text), source, pack_id, default_id).parse()


class _CardParser:
    def __init__(self, lines: Sequence[Line], source: str, pack_id: str | None, default_id: str | None) -> None:
        self.lines = list(lines)
        self.source = source
        self.pack_id = pack_id
        self.default_id = default_id
        self.problems: list[ContentProblem] = []
        self.loc_lines: dict[tuple[str | int, ...], int] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(ContentProblem(self.source, line, message))

    def parse(self) -> Pack:
        if not self.lines:
            raise ContentError(
                [ContentProblem(self.source, 1, "the card is empty; line 1 must be the debate question")]
            )
        about = read_about(self.lines, self.source)
        if not about.rest:
            after = self.lines[-1].number + 1
            raise ContentError(
                [*about.problems, ContentProblem(self.source, after, "no debate question after the card's about lines")]
            )
        self.lines, self.problems = about.rest, list(about.problems)
        self.loc_lines.update(about.lines_of)
        tail_start = next((i for i, line in enumerate(self.lines) if _opens_section(line.text)), len(self.lines))
        data: dict[str, Any] = dict(about.data)
        self._parse_body(self.lines[:tail_start], data)
        ClosingSections(self.source, self.problems, self.loc_lines).read(
            self.lines[tail_start:], self.lines[-1].number, data
        )
        if self.problems:
            raise ContentError(self.problems)
        chosen_id = self.pack_id or (
            None if "id" in data else self.default_id
        )  # the card's Id: is validated as written
        if chosen_id:
            data["id"] = slugify(chosen_id, fallback="debate")
        try:
            return Pack.model_validate(data)
        except ValidationError as error:
            raise ContentError(self._validation_problems(error)) from None

    # -- body: header, opening exchange, threads ---------------------------------------

    def _parse_body(self, body: list[Line], data: dict[str, Any]) -> None:
        first_label = next((i for i, line in enumerate(body) if fmt.side_label(line.text)), None)
        if first_label is None:
            where = body[-1].number if body else self.lines[0].number
            self.problem(where, "no turns found: a turn is a line holding only L or C, followed by the turn's text")
            return
        header = body[:first_label]
        opening_heading: Line | None = None
        paragraphs = [line for line in header if not line.text.startswith(fmt.SPLITS_MARK)]
        if len(paragraphs) >= 5 and fmt.looks_like_heading(header[-1].text):
            # The opening exchange has no labelled turns: the line before the first label
            # heads the first thread.
            opening_heading, header = header[-1], header[:-1]
        opening_argument = self._parse_header(header, body[first_label].number, data)
        if opening_argument is None:
            return
        opening = _DraftThread("Opening exchange", opening_argument.number)
        opening.turns.append(
            _DraftTurn(None, opening_argument.number, [opening_argument.text], [opening_argument.number])
        )
        threads = [opening]
        if opening_heading is not None:
            threads.append(_DraftThread(opening_heading.text, opening_heading.number))
        self._parse_turns(body[first_label:], threads)
        self._finish_threads(threads, body[-1].number, data)

    def _parse_header(self, header: list[Line], first_label_line: int, data: dict[str, Any]) -> Line | None:
        """Question, context, optional ⚡ note, hook; returns the opening argument's line."""
        for line in header:
            if fmt.decoy_text(line.text) is not None:
                self.problem(line.number, "a 'Not said:' decoy must follow a reply (a labelled turn after the first)")
            elif (problem := misplaced(line, self.source)) is not None:
                self.problems.append(problem)
        header = [line for line in header if fmt.decoy_text(line.text) is None]
        splits = [i for i, line in enumerate(header) if line.text.startswith(fmt.SPLITS_MARK)]
        for extra in splits[1:]:
            self.problem(header[extra].number, "a second ⚡ note; a card has at most one")
        if splits and splits[0] == 0:
            self.problem(header[0].number, "the card must begin with the debate question, not the ⚡ note")
            return None
        if splits:
            at = splits[0]
            context, hook = header[1:at], header[at + 1 : -1]
            note = header[at].text.removeprefix(fmt.SPLITS_MARK).strip()
            if note:
                data["internal_splits"] = note
                self.loc_lines[("internal_splits",)] = header[at].number
        else:
            context, hook = header[1:-2], header[-2:-1]
        if len(header) < 4 or not context or not hook:
            self.problem(
                first_label_line,
                "before the first side label a card needs the debate question, a context "
                "paragraph, the hook question and the opening argument (one paragraph each); "
                f"found {len(header) - len(splits)} paragraph(s)",
            )
            return None
        data["question"] = header[0].text
        data["context"] = "\n\n".join(line.text for line in context)
        data["hook"] = "\n\n".join(line.text for line in hook)
        self.loc_lines.update(
            {("question",): header[0].number, ("context",): context[0].number, ("hook",): hook[0].number}
        )
        return header[-1]

    def _parse_turns(self, lines: list[Line], threads: list[_DraftThread]) -> None:
        index = 0
        while index < len(lines):
            line = lines[index]
            following = lines[index + 1] if index + 1 < len(lines) else None
            side = fmt.side_label(line.text)
            if side is not None:
                if following is None or fmt.side_label(following.text):
                    self.problem(line.number, "a side label (L or C) must be followed by the turn's text")
                    index += 1
                    continue
                threads[-1].turns.append(_DraftTurn(side, line.number, [following.text], [following.number]))
                index += 2
                continue
            decoy = fmt.decoy_text(line.text)
            if decoy is not None:
                self._decoy(line, decoy, threads[-1])
            elif following is not None and fmt.side_label(following.text) and fmt.looks_like_heading(line.text):
                threads.append(_DraftThread(line.text, line.number))
            elif following is not None and fmt.side_label(following.text) and fmt.looks_like_dotted_heading(line.text):
                self.problem(
                    line.number,
                    f"{line.text!r} is followed by a side label, like a thread heading, but ends with "
                    f"{line.text[-1]!r}; remove it to start a thread, or join the line to the paragraph above",
                )
                threads.append(_DraftThread(line.text[:-1], line.number))  # read on as the heading it meant
            elif fmt.looks_like_lost_heading(line.text):
                self.problem(
                    line.number,
                    f"{line.text!r} looks like a thread heading, but the next line is not a side label (L or C)",
                )
            else:
                last = threads[-1].turns[-1]
                if last.decoys:
                    self.problem(line.number, "a turn's paragraphs come before its 'Not said:' decoys")
                last.paragraphs.append(line.text)
                last.paragraph_lines.append(line.number)
            index += 1

    def _decoy(self, line: Line, text: str, thread: _DraftThread) -> None:
        if not text:
            self.problem(line.number, "'Not said:' must be followed by the decoy's text on the same line")
        elif len(thread.turns) < 2:
            self.problem(
                line.number,
                "a 'Not said:' decoy belongs to a reply; the turn above opens its thread and replies to nothing",
            )
        else:
            thread.turns[-1].decoys.append((line.number, text))

    def _finish_threads(self, threads: list[_DraftThread], last_line: int, data: dict[str, Any]) -> None:
        opening = threads[0]
        first_labelled = next((t.side for thread in threads for t in thread.turns if t.side), None)
        if first_labelled is not None:
            opening.turns[0].side = first_labelled.opposite
        for position, thread in enumerate(threads):
            previous: _DraftTurn | None = None
            for turn in thread.turns:
                if (
                    previous is not None
                    and turn.side is previous.side
                    and turn.side is not None
                    and len(previous.paragraphs) > 1
                ):
                    # The paragraph before this label is most likely a turn whose label is
                    # missing: say so where it is missing, not at the next label.
                    self.problem(
                        previous.paragraph_lines[-1],
                        f"this paragraph sits between two {turn.side.title} turns (lines {previous.line} and "
                        f"{turn.line}): if it is the {turn.side.opposite.title} reply, put "
                        f"{turn.side.opposite.letter} on a line of its own before it",
                    )
                elif previous is not None and turn.side is previous.side and turn.side is not None:
                    self.problem(
                        turn.line,
                        f"this {turn.side.title} turn follows another {turn.side.title} turn "
                        f"(line {previous.line}) in {thread.title!r}; turns alternate between C and L",
                    )
                previous = turn
            if position > 0 and len(thread.turns) == 1 and len(thread.turns[0].paragraphs) > 1:
                only = thread.turns[0]
                assert only.side is not None
                self.problem(
                    only.paragraph_lines[-1],
                    f"thread {thread.title!r} has only 1 turn, and this paragraph continues it: if it is the "
                    f"{only.side.opposite.title} reply, put {only.side.opposite.letter} on a line of its own before it",
                )
            elif position > 0 and len(thread.turns) < 2:
                count = "no turns" if not thread.turns else "only 1 turn"
                self.problem(thread.line, f"thread {thread.title!r} has {count}; a thread needs at least 2")
        if len(threads) == 1:
            self.problem(
                last_line,
                "the card has no threads after the opening exchange: a thread starts with a short "
                "heading line followed by a side label line (L or C)",
            )
        said = {"\n\n".join(turn.paragraphs) for thread in threads for turn in thread.turns}
        for thread in threads:
            for turn in thread.turns:
                for line, text in turn.decoys:
                    if text in said:
                        self.problem(line, "this decoy is the text of a real turn; a decoy was not said")
        data["opening"] = self._thread_data(opening, ("opening",))
        data["threads"] = [self._thread_data(t, ("threads", i)) for i, t in enumerate(threads[1:])]

    def _thread_data(self, thread: _DraftThread, loc: tuple[str | int, ...]) -> dict[str, Any]:
        self.loc_lines[loc] = thread.line
        turns = []
        for index, turn in enumerate(thread.turns):
            self.loc_lines[(*loc, "turns", index)] = turn.line
            entry: dict[str, Any] = {
                "side": turn.side.value if turn.side else None,
                "text": "\n\n".join(turn.paragraphs),
            }
            if turn.decoys:
                entry["decoys"] = [text for _, text in turn.decoys]
                for number, (line, _) in enumerate(turn.decoys):
                    self.loc_lines[(*loc, "turns", index, "decoys", number)] = line
            turns.append(entry)
        return {"title": thread.title, "turns": turns}

    # -- model validation -----------------------------------------------------------------

    def _validation_problems(self, error: ValidationError) -> list[ContentProblem]:
        def line_of(loc: tuple[int | str, ...]) -> int:
            for cut in range(len(loc), 0, -1):
                if loc[:cut] in self.loc_lines:
                    return self.loc_lines[loc[:cut]]
            return 0

        return problems_from_validation(error, self.source, line_of)


def _opens_section(text: str) -> bool:
    """A closing section's marker, or a misspelling of one (reported where it is)."""
    return fmt.section_marker(text) is not None or fmt.near_section(text) is not None
