"""A bare slack-bolt app that only acknowledges, served over HTTP on a port: the baseline
process for ``slack_http_load.py --workers N``.

Run: python benchmarks/bare_bolt.py PORT SIGNING_SECRET BOT_TOKEN API_URL
(the Web API is the benchmark's Slack stand-in: bolt checks its token there, as Rebuttal does).
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.entry import serve_http


async def serve(port: int, secret: str, token: str, api_url: str) -> None:
    app = AsyncApp(client=AsyncWebClient(token=token, base_url=api_url), signing_secret=secret)

    @app.action(re.compile(".*"))
    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    async with serve_http(app, "127.0.0.1", port, secret):
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]))
