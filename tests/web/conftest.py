"""The chat stand-ins' fixtures: the site's tests follow links the bots sent through them."""

from tests.standins.discord_fixtures import (  # noqa: F401  (pytest finds fixtures by name)
    discord_errors,
    discord_standin,
)
from tests.standins.slack_fixtures import (  # noqa: F401
    slack_standin,
)
