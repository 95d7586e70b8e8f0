"""Fixtures shared by every test folder."""

from tests.log_capture import all_logs  # noqa: F401  (pytest finds fixtures by name)
