"""Reports from real games: every measure, the CSVs read back, the chart, the CLI."""

import csv
import io
import json
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from bot.cli import main
from bot.games.service import GameService
from bot.reports.catalog import list_games, purge_games
from bot.reports.chart import chart_figure, chart_png
from bot.reports.exports import gradebook_csv, stances_csv, summary_json
from bot.reports.game_report import GameReport, build_report
from bot.reports.shifts import Camp
from bot.store.database import Database
from bot.store.interface import Store
from bot.store.records import GameRef
from tests import sqlite_rows
from tests.engine.helpers import ManualClock, sample_pack
from tests.engines import database_option
from tests.reports.classroom import play_classroom


async def report_of(db: Store, ref: GameRef, *, names: bool) -> GameReport:
    """The report built, as the writer does, from the record the reports repository returns."""
    async with db.read() as uow:
        record = await uow.reports.game_record(ref)
    return build_report(record, sample_pack(), names=names)


async def test_measures_of_a_known_game(database_at: Path | str) -> None:
    async with Database.open(database_at) as db:
        service = GameService(db, ManualClock())
        ref = await play_classroom(service, ManualClock())
        report = await report_of(db, ref, names=False)

    assert [p.label for p in report.players] == ["Student 01", "Student 02", "Student 03"]  # teacher left out
    ada, pat, zoe = report.players
    # 15 predictions: of the debate's 17 replies, 2 Liberal ones are shown unasked so that each
    # side answers 7 or 8 (bot.engine.script.balanced_thread_steps).
    assert (ada.correct, ada.points, pat.correct, pat.points, zoe.points) == (15, 1500, 0, 0, 1500)
    questions = len(report.questions)
    assert (ada.answered, ada.asked, pat.answered) == (questions, questions, questions - 1)
    assert pat.participation == pytest.approx((questions - 1) / questions)

    opening = report.threads[0].shift
    assert opening.respondents == 2  # Pat skipped the stance after the opening
    assert opening.net_shift == pytest.approx(-2.0)  # Ada +2 -> -2, Zoë -2 -> -2
    assert opening.transitions == ((0, 0, 1), (0, 0, 0), (0, 0, 1))
    assert opening.iq2 is not None and opening.iq2.winner is Camp.NO

    assert report.threads[1].shift.respondents == 2  # the skipped stance was also thread 2's "before"
    middle = report.threads[2].shift  # nobody moved
    assert (middle.respondents, middle.net_shift, middle.moved_share) == (3, 0.0, 0.0)
    assert middle.iq2 is not None and middle.iq2.winner is None  # a tie

    last = report.threads[-1].shift  # Zoë swings from strongly no to strongly yes
    assert last.net_shift == pytest.approx(4 / 3) and last.moved_share == pytest.approx(1 / 3)
    assert last.mean_distance_moved == pytest.approx(4.0)

    assert report.whole_game.respondents == 3
    assert report.whole_game.net_shift == pytest.approx(((-1 - 2) + 0 + (2 + 2)) / 3)

    predictions = [q for q in report.questions if q.kind.value == "predict"]
    assert all(q.share_correct == pytest.approx(2 / 3) for q in predictions)
    first_vote = next(q for q in report.questions if q.kind.value == "stronger")
    assert first_vote.counts == (2, 1) and first_vote.share_correct is None


async def test_gradebook_csv_reads_back_as_a_spreadsheet(database_at: Path | str) -> None:
    async with Database.open(database_at) as db:
        ref = await play_classroom(GameService(db, ManualClock()), ManualClock())
        report = await report_of(db, ref, names=True)
    text = gradebook_csv(report)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[0] == "Student" and "Points" in header and "Participation %" in header
    assert [row[0] for row in body] == ["Ada", 'O"Brien, Pat', "Zoë"]
    assert all(len(row) == len(header) for row in body)
    points = header.index("Points")
    assert [row[points] for row in body] == ["1500", "0", "1500"]
    shift = header.index("Shift — Opening exchange")
    assert [row[shift] for row in body] == ["-4", "", "0"]  # numbers, so a spreadsheet can sum them
    assert body[1][header.index("Q01 stance — Opening exchange")] == "Unsure"

    stance_rows = list(csv.DictReader(io.StringIO(stances_csv(report).removeprefix("\ufeff"))))
    assert len(stance_rows) == 3 * 5
    assert stance_rows[5] == {
        "Student": 'O"Brien, Pat',
        "Student id": "u2",  # the platform's user id: only in reports with names
        "Thread": "Opening exchange",
        "Before": "Unsure",
        "After": "",
        "Shift": "",
    }

    summary = json.loads(summary_json(report))
    assert summary["threads"][0]["respondents"] == 2 and summary["threads"][0]["iq2"]["winner"] == "no"
    assert summary["threads"][1]["iq2"]["winner"] == "tie"


async def test_chart_has_a_before_and_after_bar_per_thread(database_at: Path | str) -> None:
    async with Database.open(database_at) as db:
        ref = await play_classroom(GameService(db, ManualClock()), ManualClock())
        report = await report_of(db, ref, names=False)
    axis = chart_figure(report).axes[0]
    bars = [p for p in axis.patches if isinstance(p, Rectangle)]
    assert len(bars) == (5 + 1) * 2 * 3  # (threads + whole game) x (before, after) x (yes, unsure, no)
    colours = {tuple(round(c, 3) for c in to_rgb(bar.get_facecolor())) for bar in bars}
    assert (1.0, 0.0, 0.0) not in colours and (0.0, 0.0, 1.0) not in colours
    png = chart_png(report)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 1000 and height >= 500 and len(png) > 20_000


async def test_catalog_and_purge(database_at: Path | str) -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    async with Database.open(database_at) as db:
        service = GameService(db, clock)
        old = await play_classroom(service, clock)
        clock.tick(40 * 86400)
        new = await play_classroom(service, clock)
        listed = await list_games(db, channel="room-7", since=datetime(2026, 2, 1, tzinfo=UTC))
        assert [g.ref for g in listed] == [new] and listed[0].players == 3
        assert await purge_games(db, datetime(2026, 1, 15, tzinfo=UTC)) == 1
        assert [g.ref for g in await list_games(db)] == [new]
        orphans = await sqlite_rows.rows(db, "SELECT COUNT(*) FROM answers WHERE game_id = ?", (old.game_id,))
        assert orphans[0][0] == 0


def test_cli_report_and_class_report(
    tmp_path: Path, database_at: Path | str, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    database = database_at

    async def two_games() -> None:
        clock = ManualClock()
        async with Database.open(database) as db:
            service = GameService(db, clock)
            await play_classroom(service, clock)
            clock.tick(86400)
            await play_classroom(service, clock, seed=9)

    asyncio.run(two_games())
    assert main(["games", *database_option(database)]) == 0
    assert "us-russia-normalization" in capsys.readouterr().out
    out = tmp_path / "out"
    assert main(["report", "1", *database_option(database), "--format", "csv", "--format", "json", "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "game-1-questions.csv",
        "game-1-stances.csv",
        "game-1-students.csv",
        "game-1-summary.json",
    ]
    assert (
        main(
            ["report", "--channel", "room-7", "--since", "2026-01-01", *database_option(database), "-o", str(out / "c")]
        )
        == 0
    )
    rows = list(
        csv.reader(
            io.StringIO(
                (out / "c" / "class-room-7-2026-01-01-to-now-students.csv")
                .read_text(encoding="utf-8")
                .removeprefix("\ufeff")
            )
        )
    )
    assert [row[0] for row in rows[1:]] == ["Student 01", "Student 02", "Student 03"]
    assert [row[rows[0].index("Total points")] for row in rows[1:]] == [
        "3000",
        "0",
        "3000",
    ]  # total points over both games
    assert main(["report", "99", *database_option(database)]) == 1
    assert "no game 99" in capsys.readouterr().err
    assert main(["purge", "--older-than", "0", *database_option(database), "--yes"]) == 0
    assert "deleted 2 games" in capsys.readouterr().err


def test_public_shift_lines_and_charts_hide_groups_too_small_to_stay_anonymous() -> None:
    from bot.games.presentation import shift_line

    two = {"a": (0, 4), "b": (2, 2)}
    assert shift_line("T", two) == "T: fewer than 3 gave both stances (not shown, to keep stances private)"
    assert shift_line("T", {**two, "c": (4, 4)}) == "T: -1.33 (towards no; 3 players)"  # (-4 + 0 + 0) / 3
    assert shift_line("T", {"a": (0, 4)}, min_respondents=1) == "T: -4.00 (towards no; 1 player)"


async def test_public_chart_leaves_out_threads_of_fewer_than_three(database_at: Path | str) -> None:
    async with Database.open(database_at) as db:
        ref = await play_classroom(GameService(db, ManualClock()), ManualClock())
        report = await report_of(db, ref, names=False)
    # Pat skipped one stance, so two threads rest on two students: private chart 5 threads, public 3.
    assert [t.shift.respondents for t in report.threads] == [2, 2, 3, 3, 3]

    def bars(figure: Figure) -> list[Rectangle]:
        return [p for p in figure.axes[0].patches if isinstance(p, Rectangle)]

    assert len(bars(chart_figure(report))) == (5 + 1) * 6  # and the whole game's pair of bars
    public = chart_figure(report, public=True)
    assert len(bars(public)) == (3 + 1) * 6  # all three students gave a first and a last stance
    assert any("2 thread(s) with fewer than 3" in text.get_text() for text in public.texts)
