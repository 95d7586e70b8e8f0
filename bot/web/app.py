"""The site's application: routes, templates, the guards every page goes through, and serving.

``build_site`` makes the aiohttp application on a store; ``serving_site`` runs it on a port
beside anything else on the same event loop (the chat bot with ``--web-port``, or alone with
``rebuttal web``). Pages are server-rendered Jinja2 templates (autoescaped); charts are SVG;
there is no JavaScript. Every page but the sign-in and the stylesheet needs a session.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

import jinja2
from aiohttp import web
from aiohttp.typedefs import Handler

from bot.signin import SIGN_IN_PATH, SignIn
from bot.store.interface import Store
from bot.web.security import REFUSALS, FailedAttempts, client_address, security_headers
from bot.web.sessions import Session, current_session, end_session, start_session

log = logging.getLogger(__name__)

STORE = web.AppKey("store", Store)
SIGNIN = web.AppKey("signin", SignIn)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
ATTEMPTS = web.AppKey("attempts", FailedAttempts)
SESSION = web.RequestKey("session", Session)  # the request's session, set by ``signed_in``

Page = Callable[[web.Request, Session], Awaitable[web.StreamResponse]]


def templates() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=jinja2.select_autoescape(("html", "svg"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from bot.web import view  # filters and helpers the templates use

    environment.filters.update(view.FILTERS)
    environment.globals.update(view.GLOBALS)
    return environment


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    session = request.get(SESSION)
    page = request.app[TEMPLATES].get_template(template)
    html = page.render(session=session, path=request.path, query=request.query, **context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def refusal(request: web.Request, status: int, detail: str | None = None) -> web.Response:
    title, message = REFUSALS.get(status, ("Error", "Something went wrong."))
    return render(request, "refusal.html", status=status, title=title, message=detail or message)


@web.middleware
async def plain_refusals(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every error is one plain page (never a traceback or a hint of what exists)."""
    try:
        return await handler(request)
    except web.HTTPRedirection as redirect:
        return web.Response(status=redirect.status, headers={"Location": redirect.headers["Location"]})
    except web.HTTPException as error:
        if error.status < 400:
            raise
        detail = error.text if error.status == 400 and error.text and not error.text.startswith("400") else None
        return refusal(request, error.status, detail)
    except Exception:
        log.exception("the results site failed on %s", request.path)
        return refusal(request, 500)


def signed_in(page: Page) -> Handler:
    """A page that needs a session: without one (or with a revoked one), a plain 403."""

    async def handler(request: web.Request) -> web.StreamResponse:
        session = await current_session(request, request.app[SIGNIN])
        if session is None:
            raise web.HTTPForbidden()
        request[SESSION] = session
        if request.method == "POST":
            form = await request.post()
            sent = form.get("csrf")
            if not isinstance(sent, str) or not session.csrf_matches(sent):
                raise web.HTTPForbidden()
        return await page(request, session)

    return handler


async def sign_in(request: web.Request) -> web.StreamResponse:
    """A link from chat: start a session for its workspace and go to the games, so the token
    leaves the address bar (and is never sent on as a referrer: Referrer-Policy no-referrer)."""
    attempts, address = request.app[ATTEMPTS], client_address(request)
    if attempts.blocked(address):
        raise web.HTTPTooManyRequests()
    token = request.query.get("token", "")
    grant = await request.app[SIGNIN].check(token) if 0 < len(token) <= 512 else None
    if grant is None:
        attempts.record(address)
        raise web.HTTPForbidden()
    response = web.Response(status=303, headers={"Location": "/games"})
    await start_session(request, response, request.app[SIGNIN], grant)
    return response


async def sign_out(request: web.Request, session: Session) -> web.StreamResponse:
    response = web.Response(status=303, headers={"Location": "/signed-out"})
    end_session(response)
    return response


async def signed_out(request: web.Request) -> web.StreamResponse:
    return render(request, "signed_out.html")


async def revoke_links(request: web.Request, session: Session) -> web.StreamResponse:
    """Revoke every link and session of the workspace, this one included."""
    await request.app[SIGNIN].revoke(session.workspace_id)
    response = web.Response(status=303, headers={"Location": "/signed-out?revoked=1"})
    end_session(response)
    return response


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/games")


def build_site(database: Store, signin: SignIn) -> web.Application:
    """The site on ``database``; ``signin`` checks links and signs sessions."""
    from bot.web import downloads, pages

    app = web.Application(middlewares=[security_headers, plain_refusals], client_max_size=64 * 1024)
    app[STORE] = database
    app[SIGNIN] = signin
    app[TEMPLATES] = templates()
    app[ATTEMPTS] = FailedAttempts()
    routes = app.router
    routes.add_get("/", home)
    routes.add_get(SIGN_IN_PATH, sign_in)
    routes.add_get("/signed-out", signed_out)
    routes.add_post("/signout", signed_in(sign_out))
    routes.add_post("/access/revoke", signed_in(revoke_links))
    routes.add_get("/games", signed_in(pages.games))
    routes.add_get("/games/files/{name}", signed_in(downloads.games_file))
    routes.add_get("/games/{game:[0-9]{1,18}}", signed_in(pages.game))
    routes.add_get("/games/{game:[0-9]{1,18}}/questions/{number:[0-9]{1,4}}", signed_in(pages.question))
    routes.add_get("/games/{game:[0-9]{1,18}}/students", signed_in(pages.students))
    routes.add_post("/games/{game:[0-9]{1,18}}/notes", signed_in(pages.add_note))
    routes.add_get("/games/{game:[0-9]{1,18}}/files/{name}", signed_in(downloads.game_file))
    routes.add_get("/class", signed_in(pages.class_page))
    routes.add_get("/class/files/{name}", signed_in(downloads.class_file))
    routes.add_get("/rounds", signed_in(pages.rounds))
    routes.add_get("/rounds/files/{name}", signed_in(downloads.rounds_file))
    static = resources.files("bot.web") / "static"
    routes.add_static("/static", str(static), append_version=False)
    return app


@asynccontextmanager
async def serving_site(database: Store, signin: SignIn, host: str, port: int) -> AsyncIterator[web.AppRunner]:
    """Serve the site on ``host:port`` until the block ends."""
    runner = web.AppRunner(build_site(database, signin), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("results site on http://%s:%d", host, port)
        yield runner
    finally:
        await runner.cleanup()
