"""Teacher results: opinion-shift analytics, question results, rankings and exports."""
