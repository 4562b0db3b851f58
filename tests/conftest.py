"""Shared fixtures for the test suite (pytest-django supplies `client`, `db` and friends)."""
