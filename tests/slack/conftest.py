"""The Slack stand-in's fixtures, for every test in this folder."""

from tests.standins.slack_fixtures import (  # noqa: F401  (pytest finds fixtures by name)
    slack_no_resource_warnings,
    slack_standin,
    slack_transport,
)
