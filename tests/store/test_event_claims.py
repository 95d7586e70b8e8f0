"""Claiming platform events with their replies in one write, on both store engines."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.store.database import Database
from tests import sqlite_rows

AT = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


async def test_a_claim_with_its_reply_stores_both_and_reports_the_events_claimed_before(
    database_at: Path | str,
) -> None:
    async with Database.open(database_at) as store:
        async with store.write() as uow:
            workspace = await uow.games.ensure_workspace("slack", "T1")
            other = await uow.games.ensure_workspace("slack", "T2")
            assert await uow.events.claim_with_replies([(workspace, "e1", "Locked in: A.")], AT) == set()
        async with store.write() as uow:
            claimed_before = await uow.events.claim_with_replies(
                [(workspace, "e1", "Locked in: B."), (workspace, "e2", None), (other, "e1", "Locked in: C.")], AT
            )
            assert claimed_before == {(workspace, "e1")}
        async with store.write() as uow:
            # The first claim's reply is what a redelivery gets; the later attempt changed nothing.
            claims = await uow.events.claim_many([(workspace, "e1"), (workspace, "e2"), (other, "e1")], AT)
        assert {key: (claim.is_new, claim.earlier_reply) for key, claim in claims.items()} == {
            (workspace, "e1"): (False, "Locked in: A."),
            (workspace, "e2"): (False, None),
            (other, "e1"): (False, "Locked in: C."),
        }
        rows = await sqlite_rows.rows(store, "SELECT COUNT(*) FROM processed_events")
        assert rows[0][0] == 3


async def test_a_claim_made_by_another_process_is_reported_as_claimed_before(database_at: Path | str) -> None:
    async with Database.open(database_at) as store, Database.open(database_at) as other_process:
        async with store.write() as uow:
            workspace = await uow.games.ensure_workspace("discord", "G1")
            await uow.events.claim_with_replies([(workspace, "click-1", "first")], AT)
        async with other_process.write() as uow:
            claimed_before = await uow.events.claim_with_replies(
                [(workspace, "click-1", "second"), (workspace, "click-2", "new")], AT
            )
        assert claimed_before == {(workspace, "click-1")}
        replies = await sqlite_rows.rows(store, "SELECT event_id, reply FROM processed_events ORDER BY event_id")
        assert [tuple(r) for r in replies] == [("click-1", "first"), ("click-2", "new")]


async def test_more_claims_than_one_statement_holds_are_all_written(database_at: Path | str) -> None:
    async with Database.open(database_at) as store:
        async with store.write() as uow:
            workspace = await uow.games.ensure_workspace("slack", "T1")
            await uow.events.claim_with_replies([(workspace, "e5", "early")], AT)
        events = [(workspace, f"e{n}", f"reply {n}") for n in range(2500)]
        async with store.write() as uow:
            assert await uow.events.claim_with_replies(events, AT) == {(workspace, "e5")}
        rows = await sqlite_rows.rows(store, "SELECT COUNT(*), COUNT(reply) FROM processed_events")
        assert tuple(rows[0]) == (2500, 2500)
