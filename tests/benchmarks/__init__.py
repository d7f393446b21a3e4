"""Benchmarks, run by ``make bench`` (never by the test suite). Each prints figures and
ratios; nothing here asserts a time."""
