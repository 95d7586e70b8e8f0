"""The cookie session a sign-in link starts, and the CSRF token that goes with it.

The cookie is signed (itsdangerous, with the database's key and its own salt, so a link can
never pass as a session) and holds the workspace, the link generation it came from, an
expiry and a random CSRF token. It is HttpOnly, SameSite=Lax (a teacher arriving from a chat
link is a top-level navigation, which Lax lets through and Strict would not) and Secure when
the site is reached over HTTPS. Every request re-checks the generation, so revoking the
workspace's links ends its sessions at once.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web
from itsdangerous import BadSignature

from bot.signin import Grant, SignIn

COOKIE = "rebuttal_session"
SESSION_SALT = "rebuttal.session"
SESSION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class Session:
    grant: Grant
    csrf: str

    @property
    def workspace_id(self) -> int:
        return self.grant.workspace_id

    def csrf_matches(self, sent: str) -> bool:
        return hmac.compare_digest(self.csrf.encode(), sent.encode())


def is_https(request: web.Request, signin: SignIn) -> bool:
    return request.secure or bool(signin.base_url and signin.base_url.startswith("https://"))


async def start_session(request: web.Request, response: web.StreamResponse, signin: SignIn, grant: Grant) -> None:
    expires = int((signin.clock() + SESSION_LIFETIME).timestamp())
    value = (await signin.serializer(SESSION_SALT)).dumps(
        {"w": grant.workspace_id, "g": grant.generation, "e": expires, "c": secrets.token_urlsafe(24)}
    )
    response.set_cookie(
        COOKIE,
        str(value),
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        secure=is_https(request, signin),
        samesite="Lax",
    )


def end_session(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/")


async def current_session(request: web.Request, signin: SignIn) -> Session | None:
    """The request's valid, unexpired, unrevoked session, or None."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    try:
        payload = (await signin.serializer(SESSION_SALT)).loads(cookie)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), int) for k in ("w", "g", "e")):
        return None
    if not isinstance(payload.get("c"), str) or payload["e"] <= signin.clock().timestamp():
        return None
    grant = Grant(payload["w"], payload["g"])
    if not await signin.is_current(grant):
        return None
    return Session(grant, payload["c"])
