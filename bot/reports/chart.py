"""The class chart: each thread's stance distribution before and after, then the whole game's
(first stance against last), with each one's net shift.

Titled with the debate, the date and the class (channel). The axis runs 0–100%; the note
under the legend says what the shift numbers mean. Neutral, colour-blind-safe colours
(Okabe–Ito orange, grey and bluish green, with hatching as a second cue); no red/blue party
coding. Drawn on a bare ``Figure`` (no pyplot), so it needs no display and keeps no global
state: ``chart_png`` and ``chart_svg`` are pure functions of the report, for chat, files and
the results web site alike.
"""

from __future__ import annotations

import io
import textwrap
from datetime import UTC

import matplotlib
from matplotlib.figure import Figure

from bot.games.presentation import PUBLIC_MIN_RESPONDENTS
from bot.reports.game_report import GameReport
from bot.reports.shifts import Shift

CAMP_STYLE = (("Yes", "#E69F00", ""), ("Unsure", "#999999", "//"), ("No", "#009E73", ".."))
WHOLE_GAME = "Whole game (first stance → last)"
SCALE_NOTE = (
    "Net shift: the average change of a student's stance, on a scale from +2 (Strongly yes) "
    "through 0 (Unsure) to −2 (Strongly no); + is a move towards yes, − towards no "
    "(from −4 to +4). n: students who gave both stances."
)


def chart_png(report: GameReport, *, public: bool = False, class_name: str | None = None) -> bytes:
    """The chart as PNG bytes; ``public`` leaves out groups too small to stay anonymous."""
    buffer = io.BytesIO()
    chart_figure(report, public=public, class_name=class_name).savefig(buffer, format="png")
    return buffer.getvalue()


def chart_svg(report: GameReport, *, public: bool = False, class_name: str | None = None) -> str:
    """The chart as SVG text, which prints and scales; its words stay text (not outlines)."""
    buffer = io.BytesIO()
    figure = chart_figure(report, public=public, class_name=class_name)
    # rcParams are global; only SVG output reads this key, and every SVG is drawn with it.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"game-{report.game_id}"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue().decode("utf-8")


def chart_title(report: GameReport, class_name: str | None = None) -> str:
    day = report.started_at.astimezone(UTC).strftime("%Y-%m-%d")
    where = class_name or report.channel
    return f"{textwrap.fill(report.pack.question, 80)}\nClass {where} · {day} · game {report.game_id}"


def chart_figure(report: GameReport, *, public: bool = False, class_name: str | None = None) -> Figure:
    """Two bars (before, after) per thread with respondents, and for the whole game; each bar
    split yes / unsure / no.

    For a class (``public``), a group is drawn only if at least PUBLIC_MIN_RESPONDENTS
    students gave both stances: a bar of one student is that student's stance.
    """
    smallest = PUBLIC_MIN_RESPONDENTS if public else 1
    groups: list[tuple[str, Shift]] = [(t.title, t.shift) for t in report.threads if t.shift.respondents >= smallest]
    hidden = sum(1 for t in report.threads if 0 < t.shift.respondents < smallest)
    if report.whole_game.respondents >= smallest:
        groups.append((WHOLE_GAME, report.whole_game))
    figure = Figure(figsize=(max(7.0, 2.2 * max(1, len(groups))), 5.6), dpi=110)
    axis = figure.subplots()
    positions: list[float] = []
    for index, (_, shift) in enumerate(groups):
        for offset, shares in ((-0.2, shift.before), (0.2, shift.after)):
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
    if len(groups) > 1 and groups[-1][0] == WHOLE_GAME:  # set the whole game apart from the threads
        axis.axvline(len(groups) - 1.5, color="#555555", linewidth=0.8, linestyle=":")
    axis.set_xticks(positions, ["before", "after"] * len(groups), fontsize=8)
    for index, (title, shift) in enumerate(groups):
        net = shift.net_shift or 0.0
        axis.text(
            index,
            -9,
            f"{textwrap.fill(title, 22)}\nnet {net:+.2f} (n={shift.respondents})",
            ha="center",
            va="top",
            fontsize=8,
            fontweight="bold" if title == WHOLE_GAME else "normal",
        )
    axis.set_ylim(0, 100)
    axis.set_yticks(range(0, 101, 20), [f"{v}%" for v in range(0, 101, 20)])
    axis.set_ylabel("share of students")
    axis.set_title(chart_title(report, class_name), fontsize=10, pad=26)
    if groups:
        axis.legend(loc="lower center", fontsize=8, ncols=3, frameon=False, bbox_to_anchor=(0.5, 1.0))
    else:
        axis.text(0.5, 50, "No student has given both stances of a thread yet.", ha="center", fontsize=9)
        axis.set_xlim(0, 1)
    axis.spines[["top", "right"]].set_visible(False)
    notes = [textwrap.fill(SCALE_NOTE, 190)]
    if hidden:
        notes.append(f"{hidden} thread(s) with fewer than {smallest} students who gave both stances are not shown.")
    figure.text(0.01, 0.01, "\n".join(notes), fontsize=7, va="bottom")
    figure.subplots_adjust(bottom=0.28, top=0.84)
    return figure
