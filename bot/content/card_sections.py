"""A card's closing sections: the hardest questions, The Divide and its factions, the
agreement, the real conflict, what nobody has answered, and the sources (``parse_card``
reads the rest). Every problem is added, with its line, to the list the parser reports."""

from __future__ import annotations

from typing import Any

from bot.content import card_format as fmt
from bot.content.card_format import Section
from bot.content.errors import ContentProblem
from bot.content.text_input import Line


class ClosingSections:
    def __init__(
        self, source: str, problems: list[ContentProblem], loc_lines: dict[tuple[str | int, ...], int]
    ) -> None:
        self.source = source
        self.problems = problems  # shared with the parser: one list, every problem of the card
        self.loc_lines = loc_lines  # each field's line, for the model's validation errors

    def problem(self, line: int, message: str) -> None:
        self.problems.append(ContentProblem(self.source, line, message))

    def read(self, tail: list[Line], end: int, data: dict[str, Any]) -> None:
        """Read the closing sections into ``data``; ``end`` is the card's last line."""
        sections: dict[Section, tuple[Line, str, list[Line]]] = {}
        current: Section | None = None
        for line in tail:
            marker = fmt.section_marker(line.text)
            near = fmt.near_section(line.text)
            if near is not None and near not in sections:
                self.problem(
                    line.number, f"{line.text.split(':')[0]!r} is not a section heading; did you mean {near.value!r}?"
                )
                inline = line.text.split(":", 1)[1].strip() if ":" in line.text else ""
                marker = (near, inline)  # read on as that section, so one typo gives one problem
            if marker and current is Section.SOURCES:
                self.problem(
                    line.number, f"'{marker[0].value}' comes after 'Sources'; Sources must be the last section"
                )
                continue
            if marker:
                section, inline = marker
                if section in sections:
                    first = sections[section][0].number
                    self.problem(line.number, f"a second '{section.value}' section (the first is on line {first})")
                    current = None
                    continue
                sections[section] = (line, inline, [])
                current = section
            elif current is not None:
                sections[current][2].append(line)
        for section in Section:
            if section not in sections:
                self.problem(end, f"the card has no '{section.value}' section")
        for section, (marker_line, inline, body) in sections.items():
            self._section_data(section, marker_line, inline, body, data)

    def _section_data(
        self, section: Section, marker: Line, inline: str, body: list[Line], data: dict[str, Any]
    ) -> None:
        paragraphs = ([inline] if inline else []) + [line.text for line in body]
        if section is Section.DIVIDE:
            data["divide"] = self._divide(marker, body)
            return
        if section is Section.SOURCES:
            if not body:
                self.problem(marker.number, "'Sources' must be followed by at least one source, one per line")
            data["sources"] = [line.text for line in body]
            for index, line in enumerate(body):
                self.loc_lines[("sources", index)] = line.number
            return
        if not paragraphs:
            self.problem(marker.number, f"'{section.value}' must be followed by its text")
            return
        text = "\n\n".join(paragraphs)
        if section is Section.CONFLICT:
            kind, text = fmt.split_conflict_kind(text)
            data["conflict"] = {"kind": kind, "text": text}
            self.loc_lines[("conflict",)] = marker.number
        elif section in (Section.CONSERVATIVE_HARDEST, Section.LIBERAL_HARDEST):
            key = "conservative" if section is Section.CONSERVATIVE_HARDEST else "liberal"
            data.setdefault("hardest_questions", {})[key] = text
            self.loc_lines[("hardest_questions", key)] = marker.number
        else:
            key = "agreement" if section is Section.AGREEMENT else "unanswered"
            data[key] = text
            self.loc_lines[(key,)] = marker.number

    def _divide(self, marker: Line, body: list[Line]) -> dict[str, Any]:
        self.loc_lines[("divide",)] = marker.number
        problems_before = len(self.problems)
        divide: dict[str, Any] = {"factions": []}
        lines = list(body)
        if lines and fmt.is_subtitle(lines[0].text):
            divide["subtitle"] = lines.pop(0).text[1:-1].strip()
        index = 0
        while index < len(lines):
            name = lines[index]
            faction_name = fmt.faction_line(name.text)
            if faction_name is None:
                self.problem(
                    name.number,
                    "expected a faction name in capitals (e.g. MAINSTREAM-DEM/INTERNATIONALIST) or "
                    f"'Faction: Any name', found {name.text!r}",
                )
                index += 1
                continue
            position = lines[index + 1] if index + 1 < len(lines) else None
            if position is None or fmt.faction_line(position.text) or position.text.startswith(fmt.QUOTE_OPENERS):
                self.problem(name.number, f"faction {name.text!r} needs a position line after its name")
                index += 1
                continue
            faction: dict[str, Any] = {"name": faction_name, "position": position.text}
            self.loc_lines[("divide", "factions", len(divide["factions"]))] = name.number
            index += 2
            if index < len(lines) and lines[index].text.startswith(fmt.QUOTE_OPENERS):
                quote = fmt.parse_quote(lines[index].text)
                if quote is None:
                    self.problem(lines[index].number, "a faction quote must look like “…” — Attribution")
                else:
                    faction["quote"] = {"text": quote[0], "attribution": quote[1]}
                index += 1
            divide["factions"].append(faction)
        # A Divide whose lines were all rejected above needs no second message about it.
        if not divide["factions"] and len(self.problems) == problems_before:
            self.problem(
                marker.number, "'The Divide' needs at least one faction: a NAME line in capitals, then a position line"
            )
        return divide
