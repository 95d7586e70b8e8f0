"""Debate content: the pack model, the card format (parser and writer), pack files and the library."""
