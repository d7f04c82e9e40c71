"""Use cases: the one place that combines database, engine and outside sources."""
