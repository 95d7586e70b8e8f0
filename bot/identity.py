"""Platform-neutral identities, used as storage keys by every adapter."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Player:
    """A person in one workspace of one platform (a Discord guild, a Slack team, the terminal)."""

    platform: str
    workspace_id: str
    user_id: str

    @property
    def key(self) -> str:
        """The id the engine knows the player by; unique within a workspace."""
        return self.user_id


@dataclass(frozen=True)
class Venue:
    """Where a game is played: a channel, and the thread the game posts into once created."""

    platform: str
    workspace_id: str
    channel_id: str
    thread_id: str | None = None
