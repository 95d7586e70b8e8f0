"""The class chart: each thread's stance distribution before and after, and its net shift.

Neutral, colour-blind-safe colours (Okabe–Ito orange, grey and bluish green, with hatching
as a second cue); no red/blue party coding. Drawn on a bare ``Figure`` (no pyplot), so it
needs no display and keeps no global state.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.figure import Figure

from bot.games.presentation import PUBLIC_MIN_RESPONDENTS
from bot.reports.game_report import GameReport

CAMP_STYLE = (("Yes", "#E69F00", ""), ("Unsure", "#999999", "//"), ("No", "#009E73", ".."))


def chart_png(report: GameReport, *, public: bool = False) -> bytes:
    """The chart as PNG bytes; ``public`` leaves out threads too small to stay anonymous."""
    buffer = io.BytesIO()
    chart_figure(report, public=public).savefig(buffer, format="png")
    return buffer.getvalue()


def chart_figure(report: GameReport, *, public: bool = False) -> Figure:
    """Two bars (before, after) per thread with respondents; each bar split yes / unsure / no.

    For a class (``public``), a thread is drawn only if at least PUBLIC_MIN_RESPONDENTS
    students gave both stances: a bar of one student is that student's stance.
    """
    smallest = PUBLIC_MIN_RESPONDENTS if public else 1
    threads = [t for t in report.threads if t.shift.respondents >= smallest]
    hidden = sum(1 for t in report.threads if 0 < t.shift.respondents < smallest)
    figure = Figure(figsize=(max(6.0, 2.2 * max(1, len(threads))), 4.8), dpi=110)
    axis = figure.subplots()
    positions = []
    for index, thread in enumerate(threads):
        for offset, shares in ((-0.2, thread.shift.before), (0.2, thread.shift.after)):
            assert shares is not None
            x = index + offset
            positions.append(x)
            bottom = 0.0
            for (label, colour, hatch), share in zip(CAMP_STYLE, (shares.yes, shares.unsure, shares.no), strict=True):
                axis.bar(
                    x,
                    share * 100,
                    0.36,
                    bottom=bottom,
                    color=colour,
                    hatch=hatch,
                    edgecolor="white",
                    label=label if index == 0 and offset < 0 else None,
                )
                bottom += share * 100
        net = thread.shift.net_shift or 0.0
        axis.text(index, 103, f"net {net:+.2f}\n(n={thread.shift.respondents})", ha="center", va="bottom", fontsize=8)
    axis.set_xticks(positions, ["before", "after"] * len(threads), fontsize=8)
    for index, thread in enumerate(threads):
        axis.text(index, -14, textwrap.fill(thread.title, 22), ha="center", va="top", fontsize=8)
    axis.set_ylim(0, 125)
    axis.set_ylabel("share of students (%)")
    axis.set_title(textwrap.fill(report.pack.question, 80), fontsize=10, pad=28)
    if threads:
        axis.legend(loc="lower center", fontsize=8, ncols=3, frameon=False, bbox_to_anchor=(0.5, 1.0))
    else:
        axis.text(0.5, 50, "No student has given both stances of a thread yet.", ha="center", fontsize=9)
        axis.set_xlim(0, 1)
    axis.spines[["top", "right"]].set_visible(False)
    if hidden:
        figure.text(
            0.01,
            0.01,
            f"{hidden} thread(s) with fewer than {smallest} students who gave both stances are not shown.",
            fontsize=7,
        )
    figure.subplots_adjust(bottom=0.28)
    return figure
