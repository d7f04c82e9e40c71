"""Test helpers: real local servers speaking outside services' formats."""
