"""JinLotto: Korean Lotto 6/45 history, analysis and honest number recommendations."""

__version__ = "0.1.0"
