"""Pure domain: draws, games, validation, prize rules. No I/O."""
