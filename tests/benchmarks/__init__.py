"""Benchmarks that print figures (JSON); never run as part of the test suite."""
