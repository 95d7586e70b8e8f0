"""The Discord adapter: slash commands and buttons in, embeds and buttons out.

It stays thin. Interactions become engine commands for ``bot.games.service.GameService``; effects
are drawn from ``bot.games.presentation``'s step cards. No game state lives on Discord objects or
in this package: the database is the source of truth, and button ``custom_id``s carry just
enough (game, step, option) to route a click after a restart.
"""
