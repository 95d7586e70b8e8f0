"""The daily rounds' chart: players who started and finished each round, oldest first.

Colour-blind-safe Okabe–Ito colours with hatching as a second cue, as the class charts; drawn
on a bare ``Figure`` (no pyplot), so it needs no display and keeps no global state.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.figure import Figure

from bot.rounds.service import ClosedRound

STARTED = ("started", "#56B4E9", "")
FINISHED = ("finished", "#0072B2", "//")


def rounds_figure(rounds: Sequence[ClosedRound]) -> Figure:
    ordered = sorted(rounds, key=lambda r: r.round.scheduled_for)
    figure = Figure(figsize=(max(6.0, 0.5 * len(ordered) + 2), 3.6), dpi=110)
    axis = figure.subplots()
    for offset, (label, colour, hatch), values in (
        (-0.2, STARTED, [r.summary.started for r in ordered]),
        (0.2, FINISHED, [r.summary.finished for r in ordered]),
    ):
        positions = [index + offset for index in range(len(ordered))]
        axis.bar(positions, values, 0.38, color=colour, hatch=hatch, edgecolor="white", label=label)
    axis.set_xticks(range(len(ordered)), [str(r.round.number) for r in ordered], fontsize=8)
    axis.set_xlabel("daily round")
    axis.set_ylabel("players")
    axis.set_title("Players per daily round (started, finished)", fontsize=10)
    if ordered:
        axis.legend(fontsize=8, frameon=False)
    else:
        axis.text(0.5, 0.5, "No daily round has run yet.", ha="center", transform=axis.transAxes)
    axis.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return figure


def rounds_chart(rounds: Sequence[ClosedRound], file_format: str) -> bytes:
    """The chart as PNG or SVG bytes."""
    buffer = io.BytesIO()
    rounds_figure(rounds).savefig(buffer, format=file_format)
    return buffer.getvalue()
