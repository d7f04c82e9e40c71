"""Queries, one module per aggregate. Services call these; routes never write SQL."""
