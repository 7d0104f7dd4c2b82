"""Live updates: a publisher/subscriber protocol with Redis and in-process adapters."""
