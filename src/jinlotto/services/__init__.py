"""Use cases: the one place that combines database, engine and outside sources.

Transactions: a use case that is one unit of work takes the caller's ``Session`` and only flushes;
the route, command or job runner that called it commits (``Database.transaction()``), so a
failure anywhere leaves nothing half-written. A job made of several units of work (an update
that keeps the whole draws fetched before a source error, a training run, the weekly job) opens
one transaction per unit itself. Queries live in :mod:`jinlotto.db.repositories`.
"""
