"""Sign-in links to the results web site: signed, expiring, revocable, for one workspace.

A link carries ``{workspace, generation, expires}`` signed with the database's key (made once
and kept in the store, so the bot, ``rebuttal web`` and ``rebuttal web link`` agree; or
``$REBUTTAL_WEB_SECRET`` if set). It opens only that workspace; revoking bumps the workspace's
generation in the store, which refuses every older link and every session made from one.
The adapters ask for a link through the core (``Core.signin``) and send it privately; the
site (``bot.web``) checks it. Signing is itsdangerous's HMAC (a well-kept library, rather than
hand-written signing code); expiry is checked here against the injected clock.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from bot.games.service import utc_now
from bot.store.interface import Store

LINK_LIFETIME = timedelta(days=7)
SECRET_VARIABLE = "REBUTTAL_WEB_SECRET"
URL_VARIABLE = "REBUTTAL_WEB_URL"
LINK_SALT = "rebuttal.signin-link"
SIGN_IN_PATH = "/signin"


def site_url(environ: Mapping[str, str], port: int | None) -> str | None:
    """Where teachers reach the site: ``$REBUTTAL_WEB_URL`` (a deployment's public address),
    else this machine on ``port`` when the bot serves it, else nowhere (no links are offered)."""
    configured = environ.get(URL_VARIABLE, "").strip().rstrip("/")
    if configured:
        return configured
    return f"http://localhost:{port}" if port else None


@dataclass(frozen=True)
class Grant:
    """What a valid link (or session) opens: one workspace, as of one link generation."""

    workspace_id: int
    generation: int


class SignIn:
    """Makes and checks sign-in links for the site at ``base_url`` (None: no site is served)."""

    def __init__(
        self,
        database: Store,
        base_url: str | None = None,
        clock: Callable[[], datetime] = utc_now,
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        self.database = database
        self.base_url = base_url
        self.clock = clock
        self._configured_secret = environ.get(SECRET_VARIABLE, "").strip() or None
        self._secret: str | None = None

    async def secret(self) -> str:
        """The signing key: the environment's, else the database's (made on first use)."""
        if self._secret is None:
            if self._configured_secret is not None:
                self._secret = self._configured_secret
            else:
                async with self.database.write() as uow:
                    self._secret = await uow.web.signing_secret(secrets.token_urlsafe(32), self.clock())
        return self._secret

    async def serializer(self, salt: str) -> URLSafeSerializer:
        return URLSafeSerializer(await self.secret(), salt=salt)

    async def token(self, workspace_id: int, lifetime: timedelta = LINK_LIFETIME) -> str:
        async with self.database.read() as uow:
            generation = await uow.web.access_generation(workspace_id)
        expires = int((self.clock() + lifetime).timestamp())
        return str((await self.serializer(LINK_SALT)).dumps({"w": workspace_id, "g": generation, "e": expires}))

    async def link(self, workspace_id: int) -> str | None:
        """A private sign-in link for the workspace's teachers, or None when no site is served."""
        if self.base_url is None:
            return None
        return f"{self.base_url}{SIGN_IN_PATH}?token={await self.token(workspace_id)}"

    async def check(self, token: str) -> Grant | None:
        """The grant of a link that is genuine, unexpired and not revoked; None for anything else
        (the caller shows one plain refusal: which check failed is not told)."""
        try:
            payload = (await self.serializer(LINK_SALT)).loads(token)
        except BadSignature:
            return None
        if not isinstance(payload, dict) or not all(isinstance(payload.get(k), int) for k in ("w", "g", "e")):
            return None
        if payload["e"] <= self.clock().timestamp():
            return None
        grant = Grant(payload["w"], payload["g"])
        return grant if await self.is_current(grant) else None

    async def is_current(self, grant: Grant) -> bool:
        """The workspace exists and its links were not revoked since the grant was made."""
        async with self.database.read() as uow:
            if await uow.web.workspace_ref(grant.workspace_id) is None:
                return False
            return await uow.web.access_generation(grant.workspace_id) == grant.generation

    async def revoke(self, workspace_id: int) -> int:
        """Refuse every link and session of the workspace made so far; returns the new generation."""
        async with self.database.write() as uow:
            return await uow.web.revoke_links(workspace_id, self.clock())


def link_message(link: str) -> str:
    """What ``/debate results`` says with a link, on every platform (the adapters only draw it)."""
    return (
        f"Your class's results on the web (opens only this workspace's games; valid for 7 days; "
        f"do not share it, it signs in whoever opens it): {link}"
    )
