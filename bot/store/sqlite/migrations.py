"""Schema migrations, applied in order; ``PRAGMA user_version`` records how far a file is.

A migration is SQL, or a coroutine for what SQL alone cannot do (migration 7 rewrites rows
in Python); either runs in one transaction with its version bump. Append new migrations;
never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiosqlite

from bot.store.scripts import PackIndex, compacted_row, snapshot_index

# A migration in Python: rewrites what it must on the connection (inside the migration's
# transaction) and returns how many rows it rewrote.
Rewrite = Callable[[aiosqlite.Connection], Awaitable[int]]
REWRITE_BATCH = 500  # game rows read and rewritten at a time, so memory stays flat

# Columns holding instants, rewritten by migration 5 into the codec's one format
# (``bot.store.codec.instant``: UTC, microseconds, "+00:00").
_INSTANTS = {
    "games": ("phase_started_at", "deadline", "started_at", "ended_at"),
    "questions": ("opened_at", "closed_at"),
    "answers": ("answered_at",),
    "processed_events": ("handled_at",),
    "workspace_packs": ("added_at",),
    "heartbeats": ("beat_at",),
    "schedules": ("next_run_at", "updated_at"),
    "rounds": ("scheduled_for", "closes_at", "closed_at"),
    "round_progress": ("started_at", "finished_at"),
    "seasons": ("started_at",),
    "leaderboard_optouts": ("opted_out_at",),
}


def _utc_text(column: str) -> str:
    # SQLite's strftime reads the "+HH:MM" offset and gives UTC; Python's isoformat writes the
    # fraction as six digits or not at all, so the fraction is kept or made ".000000".
    return (
        f"strftime('%Y-%m-%dT%H:%M:%S', {column}) || "
        f"CASE WHEN substr({column}, 20, 1) = '.' THEN substr({column}, 20, 7) ELSE '.000000' END || '+00:00'"
    )


def _normalise_instants() -> str:
    return "\n".join(
        f"UPDATE {table} SET {column} = {_utc_text(column)} WHERE {column} IS NOT NULL;"
        for table, columns in _INSTANTS.items()
        for column in columns
    )


async def compact_scripts(connection: aiosqlite.Connection) -> int:
    """Migration 7: every game's script rewritten from the full form (every option's text) to
    the compact one against its pack snapshot (``bot.store.scripts``). A row that cannot be
    (an unreadable script or snapshot) keeps its full form, which stays readable."""
    indexes: dict[str, PackIndex | None] = {}
    rewritten, last = 0, 0
    while True:
        async with connection.execute(
            "SELECT id, pack_hash, script FROM games WHERE id > ? ORDER BY id LIMIT ?", (last, REWRITE_BATCH)
        ) as cursor:
            rows = list(await cursor.fetchall())
        if not rows:
            return rewritten
        updates = []
        for game_id, digest, text in rows:
            if digest not in indexes:
                indexes[digest] = await _snapshot(connection, digest)
            compact = compacted_row(text, indexes[digest])
            if compact is not None:
                updates.append((compact, game_id))
        await connection.executemany("UPDATE games SET script = ? WHERE id = ?", updates)
        rewritten += len(updates)
        last = rows[-1][0]


async def _snapshot(connection: aiosqlite.Connection, digest: str) -> PackIndex | None:
    async with connection.execute("SELECT body FROM pack_snapshots WHERE hash = ?", (digest,)) as cursor:
        row = await cursor.fetchone()
    try:
        return snapshot_index(row[0], digest) if row else None
    except ValueError:  # a snapshot this program cannot read: its games keep their full scripts
        return None


MIGRATIONS: tuple[str | Rewrite, ...] = (
    # 1: workspaces, players, games and everything a game records.
    """
    CREATE TABLE workspaces (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        external_id TEXT NOT NULL,
        UNIQUE (platform, external_id)
    );
    CREATE TABLE channels (
        id INTEGER PRIMARY KEY,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        external_id TEXT NOT NULL,
        UNIQUE (workspace_id, external_id)
    );
    CREATE TABLE pack_snapshots (
        hash TEXT PRIMARY KEY,
        pack_id TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE TABLE games (
        id INTEGER PRIMARY KEY,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        thread_ref TEXT,
        pack_hash TEXT NOT NULL REFERENCES pack_snapshots(hash),
        pack_id TEXT NOT NULL,
        seed INTEGER NOT NULL,
        settings TEXT NOT NULL,
        script TEXT NOT NULL,
        host TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'ended')),
        step INTEGER NOT NULL,
        phase TEXT NOT NULL CHECK (phase IN ('shown', 'open', 'revealed')),
        phase_started_at TEXT NOT NULL,
        deadline TEXT,
        paused_remaining REAL,
        asked INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL DEFAULT 0,  -- bumped by every write; validates cached state
        started_at TEXT NOT NULL,
        ended_at TEXT
    );
    CREATE INDEX games_by_status ON games (status);
    CREATE INDEX games_by_channel ON games (workspace_id, channel_id, status);
    CREATE TABLE game_players (
        game_id INTEGER NOT NULL REFERENCES games(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        display_name TEXT NOT NULL,
        score INTEGER NOT NULL DEFAULT 0,
        streak INTEGER NOT NULL DEFAULT 0,
        correct INTEGER NOT NULL DEFAULT 0,
        answered INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (game_id, user_id)
    );
    CREATE TABLE questions (
        game_id INTEGER NOT NULL REFERENCES games(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        kind TEXT NOT NULL,
        thread_id TEXT,
        opens_thread TEXT,
        closes_thread TEXT,
        correct_option INTEGER,
        option_count INTEGER NOT NULL,
        opened_at TEXT,
        closed_at TEXT,
        PRIMARY KEY (game_id, step)
    );
    -- One row per player and question; a changed answer replaces the row until the close.
    CREATE TABLE answers (
        game_id INTEGER NOT NULL,
        step INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        option INTEGER NOT NULL,
        answered_at TEXT NOT NULL,
        points INTEGER,
        PRIMARY KEY (game_id, step, user_id),
        FOREIGN KEY (game_id, step) REFERENCES questions(game_id, step) ON DELETE CASCADE
    );
    -- Stances and stronger-point votes are answers to those kinds of question.
    CREATE VIEW stances AS
        SELECT a.game_id, a.step, a.user_id, a.option, q.opens_thread, q.closes_thread
        FROM answers a JOIN questions q USING (game_id, step) WHERE q.kind = 'stance';
    CREATE VIEW votes AS
        SELECT a.game_id, a.step, a.user_id, a.option, q.thread_id
        FROM answers a JOIN questions q USING (game_id, step) WHERE q.kind = 'stronger';
    CREATE TABLE step_messages (
        game_id INTEGER NOT NULL REFERENCES games(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        message_ref TEXT NOT NULL,
        PRIMARY KEY (game_id, step)
    );
    -- Platform events already handled, so a redelivery gets the same reply and no effect.
    CREATE TABLE processed_events (
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        event_id TEXT NOT NULL,
        reply TEXT,
        handled_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, event_id)
    );
    """,
    # 2: per-workspace settings, debates imported into one workspace, and game lookup by thread.
    """
    CREATE TABLE workspace_settings (
        workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
        teacher_role TEXT,
        teacher_users TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE workspace_packs (
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        pack_id TEXT NOT NULL,
        body TEXT NOT NULL,
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, pack_id)
    );
    CREATE INDEX games_by_thread ON games (workspace_id, thread_ref);
    """,
    # 3: a heartbeat per platform connection, so `rebuttal health` (another process) can tell
    # whether the bot is connected.
    """
    CREATE TABLE heartbeats (
        platform TEXT PRIMARY KEY,
        beat_at TEXT NOT NULL
    );
    """,
    # 4: daily rounds. A schedule per channel; each round is a self-paced game (so reports,
    # answers and forget-me work on it unchanged) plus each player's place in it; seasons
    # and leaderboard opt-outs per workspace.
    """
    CREATE TABLE schedules (
        id INTEGER PRIMARY KEY,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        time_of_day TEXT NOT NULL,  -- HH:MM, local to zone
        zone TEXT NOT NULL,  -- an IANA name
        weekdays TEXT NOT NULL,  -- JSON list, 0 = Monday
        close_time TEXT,  -- HH:MM local; NULL: a round closes when the next one posts
        ping_role TEXT,  -- the only mention the bot ever makes, and only when set
        packs TEXT NOT NULL DEFAULT '[]',  -- JSON list of debate ids; empty: the whole library
        paused INTEGER NOT NULL DEFAULT 0,
        next_run_at TEXT NOT NULL,  -- an absolute UTC instant, so DST or a restart never moves it
        rounds_posted INTEGER NOT NULL DEFAULT 0,  -- the rotation's position and the last round number
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (workspace_id, channel_id)
    );
    CREATE INDEX schedules_due ON schedules (paused, next_run_at);
    CREATE TABLE rounds (
        id INTEGER PRIMARY KEY,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        schedule_id INTEGER REFERENCES schedules(id) ON DELETE SET NULL,
        game_id INTEGER NOT NULL UNIQUE REFERENCES games(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,  -- the schedule's round count: consecutive numbers make a streak
        thread_id TEXT NOT NULL,
        ping_role TEXT,
        scheduled_for TEXT NOT NULL,
        closes_at TEXT NOT NULL,
        closed_at TEXT,
        announcement_ref TEXT,  -- set once posted; NULL after a crash means "post it on start"
        summary_ref TEXT  -- likewise for the summary of a closed round
    );
    CREATE INDEX rounds_by_schedule ON rounds (schedule_id, number);
    CREATE INDEX rounds_open ON rounds (closed_at, closes_at);
    CREATE TABLE round_progress (
        round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        step INTEGER NOT NULL,
        phase TEXT NOT NULL CHECK (phase IN ('shown', 'open', 'revealed')),
        predicted INTEGER NOT NULL DEFAULT 0,
        chosen INTEGER,
        earned INTEGER,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        PRIMARY KEY (round_id, user_id)
    );
    CREATE TABLE seasons (
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        started_by TEXT NOT NULL,
        PRIMARY KEY (workspace_id, number)
    );
    CREATE TABLE leaderboard_optouts (
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        opted_out_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, user_id)
    );
    """,
    # 5: the store's invariants as constraints. Games have a kind (daily rounds are games too);
    # at most one live game not yet ended per channel, as a partial unique index that holds
    # across processes. Players get an explicit joining order (pseudonyms number by it; it was
    # SQLite's rowid). Every stored instant is rewritten into one format, so text order is time
    # order.
    """
    ALTER TABLE games ADD COLUMN kind TEXT NOT NULL DEFAULT 'live' CHECK (kind IN ('live', 'round'));
    UPDATE games SET kind = 'round' WHERE id IN (SELECT game_id FROM rounds);
    -- Before the constraint, two racing starts could leave two live games in one channel; only
    -- the newest stays live (the older one could no longer be reached from the channel anyway).
    UPDATE games SET status = 'ended', ended_at = phase_started_at, version = version + 1
    WHERE kind = 'live' AND status != 'ended' AND EXISTS (
        SELECT 1 FROM games newer WHERE newer.kind = 'live' AND newer.status != 'ended'
          AND newer.workspace_id = games.workspace_id AND newer.channel_id = games.channel_id AND newer.id > games.id
    );
    CREATE UNIQUE INDEX one_live_game_per_channel ON games (workspace_id, channel_id)
        WHERE status != 'ended' AND kind = 'live';
    ALTER TABLE game_players ADD COLUMN joined INTEGER;
    UPDATE game_players SET joined = rowid;
    CREATE INDEX game_players_by_join ON game_players (game_id, joined);
    """
    + _normalise_instants(),
    # 6: the results web site. Channels get the name the platform showed when a game started
    # (teachers know "#civics-3b", not "C0123"); each workspace's sign-in links carry a
    # generation that revoking bumps (a link or session of an older generation is refused); the
    # key that signs links and sessions, made once per database so every process (the bot, the
    # site, `rebuttal web link`) agrees; and teachers' notes on a game.
    """
    ALTER TABLE channels ADD COLUMN name TEXT;
    CREATE TABLE web_access (
        workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
        generation INTEGER NOT NULL DEFAULT 0,
        revoked_at TEXT
    );
    CREATE TABLE web_signing_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE game_notes (
        id INTEGER PRIMARY KEY,
        game_id INTEGER NOT NULL REFERENCES games(id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        written_at TEXT NOT NULL
    );
    CREATE INDEX game_notes_by_game ON game_notes (game_id, id);
    """,
    # 7: games store their script compact, as ids into the pack snapshot the row already points
    # at, instead of a copy of every option's text (about 40 KB a game before, 2 KB after).
    compact_scripts,
    # 8: claims on a round's two posts, so that of several processes on one database exactly one
    # posts its announcement and one its summary, and another takes over if the claimer dies
    # (its lease runs out). Who holds each claim, and until when.
    """
    ALTER TABLE rounds ADD COLUMN announcement_claimed_by TEXT;
    ALTER TABLE rounds ADD COLUMN announcement_lease_until TEXT;
    ALTER TABLE rounds ADD COLUMN summary_claimed_by TEXT;
    ALTER TABLE rounds ADD COLUMN summary_lease_until TEXT;
    """,
)
