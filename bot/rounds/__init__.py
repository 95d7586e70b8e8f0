"""Daily rounds: timing, the round service, the scheduler, leaderboards, summaries and wording."""
