"""Live games: the service that applies commands, the runner that presents effects and arms
timers, and what each step says."""
