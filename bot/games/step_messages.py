"""Each step is one message in the game's thread, also when several bot processes draw it.

A step's message is recorded (``GameService.record_message``) only after the platform has
accepted its post, so for a moment it exists and the database does not know it. A process
that closes the question in that moment (its timer, or the host's "next" through another
Slack worker) has no message to draw the reveal on; nor does any process after a crash
between a step's commit and its post. Either way it posts the reveal as a new message, so
the players always see the real reply. A step left unposted is also posted again by the
runner (``GameRunner.post_unposted``), which may, rarely, meet a post still in flight. One
step may then have two messages. The first one recorded is the step's message; the process
whose record comes second deletes its own, so the thread ends with one message per step and
no closed question keeps its buttons:

- the poster records first: the closing process's reveal is extra and is deleted, and the
  poster, seeing the question closed when it recorded, draws the reveal on its question;
- the closing process records first: the poster's question is extra and is deleted.

The decision is here, once; each platform's presenter supplies how to post, edit and delete.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.engine.effects import RevealStep
from bot.games.service import GameService
from bot.store.records import GameRef

log = logging.getLogger(__name__)

Post = Callable[[], Awaitable[str]]  # posts the message; returns its reference
Edit = Callable[[str], Awaitable[None]]  # redraws the message with this reference
Delete = Callable[[str], Awaitable[None]]


async def post_step(service: GameService, ref: GameRef, step: int, post: Post, delete: Delete) -> RevealStep | None:
    """Post step ``step`` and record its message. Returns the step's reveal, for the caller to
    draw on the message it just posted, if another process closed the question meanwhile."""
    posted = await post()
    recorded = await service.record_message(ref, step, posted)
    if not recorded.kept:  # another process's message for this step was recorded first
        await _delete_extra(ref, step, posted, delete)
        return None
    return recorded.reveal


async def draw_on_step(service: GameService, ref: GameRef, step: int, edit: Edit, post: Post, delete: Delete) -> None:
    """Redraw step ``step``'s message with ``edit``; if it has none recorded, ``post`` it anew."""
    recorded_message = await service.message_of(ref, step)
    if recorded_message is not None:
        await edit(recorded_message)
        return
    posted = await post()
    if not (await service.record_message(ref, step, posted)).kept:  # its poster recorded it meanwhile
        await _delete_extra(ref, step, posted, delete)


async def _delete_extra(ref: GameRef, step: int, message: str, delete: Delete) -> None:
    try:
        await delete(message)
    except Exception:  # a platform error here leaves one extra message; the game goes on
        log.warning("game %s: could not delete an extra message for step %d", ref.game_id, step, exc_info=True)
