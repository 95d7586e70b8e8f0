"""The Slack stand-in's fixtures (the browser tests follow a link the bot sent through it)."""

from tests.standins.slack_fixtures import (  # noqa: F401  (pytest finds fixtures by name)
    slack_standin,
)
