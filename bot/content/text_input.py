"""Turning raw bytes or pasted text into numbered lines, tolerant of what pasting does."""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.errors import ContentError, ContentProblem

MAX_CONTENT_BYTES = 256 * 1024


@dataclass(frozen=True)
class Line:
    number: int
    text: str


def decode_text(data: bytes | str, source: str) -> str:
    """Text with a byte-order mark removed and line endings normalised to ``\\n``.

    Refuses oversized input and anything that is not UTF-8 text, naming the file.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_CONTENT_BYTES:
        raise ContentError(
            [ContentProblem(source, 0, f"file is {len(raw):,} bytes; the limit is {MAX_CONTENT_BYTES:,}")]
        )
    if b"\x00" in raw:
        raise ContentError([ContentProblem(source, 0, "not a text file (it contains NUL bytes)")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError([ContentProblem(source, line, "not valid UTF-8 text; save the file as UTF-8")]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def nonblank_lines(text: str) -> list[Line]:
    """Every line holding more than white space, its spacing folded, numbered from 1."""
    lines = []
    for number, line in enumerate(text.split("\n"), start=1):
        folded = " ".join(line.split())  # also folds tabs and no-break spaces from pasting
        if folded:
            lines.append(Line(number, folded))
    return lines
