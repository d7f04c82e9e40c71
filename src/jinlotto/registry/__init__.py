"""Model files: atomic, checksummed saves with metadata and backups."""
