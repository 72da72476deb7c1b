"""Helpers and hand-made data shared by several test modules (never imported from a test module)."""
