"""The results web site: teachers' games, questions, students, classes and daily rounds.

A core layer beside the services: it reads the store through ``bot.reports`` and
``bot.rounds`` and imports no adapter; adapters do not import it (``.importlinter``). The
entry points serve it (``rebuttal web``, ``rebuttal run … --web-port``).
"""
