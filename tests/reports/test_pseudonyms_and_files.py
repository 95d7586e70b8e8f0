"""A student keeps one pseudonym across a workspace's reports; report files never overwrite
each other silently; a class over a term; the CLI prints what a teacher reads first."""

import asyncio
import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.games.service import GameService
from bot.reports.reading import class_report, game_report
from bot.reports.writer import ReportFilesExist, write_game_report
from bot.store.database import Database, Store
from bot.store.records import GameRef
from tests.engine.helpers import ManualClock
from tests.engines import database_option
from tests.reports.classroom import play_classroom

FIRST = {"u1": "Ada", "u2": "Pat"}
SECOND = {"u4": "Dee", "u2": "Pat", "u1": "Ada"}  # a newcomer joins first
THIRD = {"u3": "Zoë", "u4": "Dee"}  # in another channel of the same workspace


async def three_games(path: Path | str) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    async with Database.open(path) as db:
        service = GameService(db, clock)
        await play_classroom(service, clock, students=FIRST)
        clock.tick(86400)
        await play_classroom(service, clock, students=SECOND, seed=9)
        clock.tick(86400)
        await play_classroom(service, clock, students=THIRD, channel="room-8")


async def test_a_student_has_one_pseudonym_in_every_report_of_the_workspace(database_at: Path | str) -> None:
    await three_games(database_at)
    async with Database.open(database_at) as db:
        async with db.read() as uow:
            [one, two, three] = [g.ref for g in await uow.reports.listings()]
        first, second, third = [await game_report(db, ref, names=False) for ref in (one, two, three)]
        named = await game_report(db, two, names=True)
        term = await class_report(db, one.workspace_id, "room-7", names=False)

    # Numbered by first joining across the workspace: Ada 01, Pat 02, Dee 03 (game 2), Zoë 04 (game 3).
    assert [p.label for p in first.players] == ["Student 01", "Student 02"]
    assert [p.label for p in second.players] == ["Student 03", "Student 02", "Student 01"]
    assert [p.label for p in third.players] == ["Student 04", "Student 03"]
    assert [p.label for p in named.players] == ["Dee", "Pat", "Ada"]
    assert [p.user_id for p in second.players] == [None, None, None]  # no platform id without names
    assert [p.user_id for p in named.players] == ["u4", "u2", "u1"]

    # The class report of room-7 uses the same labels, one row per student over both games.
    assert [s.label for s in term.students] == ["Student 01", "Student 02", "Student 03"]
    assert [s.games_played for s in term.students] == [2, 2, 1]
    ada = term.students[0]
    assert ada.per_game[0] is not None and ada.per_game[1] is not None
    assert ada.points == ada.per_game[0].points + ada.per_game[1].points == 3000
    assert ada.predictions_answered == 30 and ada.share_right == 1.0
    assert term.students[1].share_right == 0.0  # Pat is always wrong
    assert [g.game_id for g in term.games] == [one.game_id, two.game_id]


async def test_class_report_keeps_to_its_dates(database_at: Path | str) -> None:
    await three_games(database_at)
    async with Database.open(database_at) as db:
        workspace = (await db_refs(db))[0].workspace_id
        later = await class_report(db, workspace, "room-7", since=datetime(2026, 3, 3, tzinfo=UTC))
        none = await class_report(db, workspace, "room-7", until=datetime(2026, 3, 1, tzinfo=UTC))
    assert [len(g.players) for g in later.games] == [3]
    assert [s.label for s in later.students] == ["Student 01", "Student 02", "Student 03"]  # same as all term
    assert none.games == () and none.students == ()


async def db_refs(db: Store) -> list[GameRef]:
    async with db.read() as uow:
        return [g.ref for g in await uow.reports.listings()]


async def test_writing_refuses_to_replace_a_file_unless_asked(tmp_path: Path, database_at: Path | str) -> None:
    await three_games(database_at)
    out = tmp_path / "out"
    async with Database.open(database_at) as db:
        ref = (await db_refs(db))[0]
        written = await write_game_report(db, ref, out, ["csv"], names=False)
        students = out / "game-1-students.csv"
        students.write_text("the teacher's own notes", encoding="utf-8")
        with pytest.raises(ReportFilesExist) as refused:
            await write_game_report(db, ref, out, ["csv", "json"], names=True)
        assert students in refused.value.paths
        assert students.read_text(encoding="utf-8") == "the teacher's own notes"  # untouched
        assert not (out / "game-1-summary.json").exists()  # all or nothing
        again = await write_game_report(db, ref, out, ["csv"], names=False, overwrite=True)
    assert again == written and students.read_text(encoding="utf-8-sig").startswith("Student,")


def test_cli_class_and_game_reports_have_distinct_names_and_never_overwrite(
    tmp_path: Path, database_at: Path | str, capsys: pytest.CaptureFixture[str]
) -> None:
    database = database_at
    asyncio.run(three_games(database))
    out = tmp_path / "out"
    db = [*database_option(database), "-o", str(out)]
    assert main(["report", "2", "--format", "xlsx", "--format", "svg", *db]) == 0
    assert capsys.readouterr().out == ""  # stdout is for data: files written, nothing printed
    assert main(["report", "2", "--summary", *db]) == 0  # printed, and no file written
    assert len(list(out.iterdir())) == 2
    printed = capsys.readouterr().out
    assert "Hardest questions" in printed and "Strongest arguments" in printed and "vote(s)" in printed
    assert main(["report", "--channel", "room-7", "--format", "csv", "--format", "xlsx", "--format", "json", *db]) == 1
    assert "game-2-report.xlsx" in capsys.readouterr().err  # the class report would write game 2's files again
    assert main(["report", "--channel", "room-7", "--format", "csv", "--format", "json", *db]) == 0
    names = sorted(p.name for p in out.iterdir())
    stem = "class-room-7-start-to-now"
    assert {f"{stem}-students.csv", f"{stem}-summary.json", "game-1-students.csv", "game-2-report.xlsx"} <= set(names)
    assert "game-2-chart.svg" in names
    rows = list(csv.DictReader(io.StringIO((out / f"{stem}-students.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["Student"], r["Games played"]) for r in rows] == [
        ("Student 01", "2"),
        ("Student 02", "2"),
        ("Student 03", "1"),
    ]
    summary = json.loads((out / f"{stem}-summary.json").read_text(encoding="utf-8"))
    assert [g["game"] for g in summary["games"]] == [1, 2]
    assert main(["report", "--channel", "room-7", "--format", "xlsx", "--overwrite", "--summary", *db]) == 0
    digest = capsys.readouterr().out
    assert digest.startswith("Class room-7: 2 game(s), 3 student(s)") and digest.count("Strongest arguments") == 2
    book = load_workbook(out / f"{stem}-report.xlsx", read_only=True)
    assert book.sheetnames == ["Overview", "Students", "Games", "Game 1 students", "Game 2 students"]
    assert main(["report", "2", "--format", "xlsx", *db]) == 1  # exists: refused, says how to replace
    assert "--overwrite" in capsys.readouterr().err


async def test_games_are_listed_per_workspace(database_at: Path | str) -> None:
    from bot.engine.state import GameSettings
    from bot.identity import Player, Venue
    from bot.reports.catalog import list_games
    from tests.engine.helpers import sample_pack

    await three_games(database_at)
    async with Database.open(database_at) as db:
        ours = (await db_refs(db))[0].workspace_id
        other, _ = await GameService(db, ManualClock()).start_game(
            Venue("test", "other-school", "room-7"),
            Player("test", "other-school", "t"),
            "T",
            sample_pack(),
            GameSettings(),
            1,
        )
        listed = await list_games(db, channel="room-7", workspace_id=ours)
        theirs = await list_games(db, channel="room-7", workspace_id=other.workspace_id)
    assert [g.ref.game_id for g in listed] == [1, 2]
    assert [g.ref for g in theirs] == [other]
