"""Benchmarks: each prints its own figures; none runs in the test suite."""
