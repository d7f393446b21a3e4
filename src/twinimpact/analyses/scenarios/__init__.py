"""Scenarios over years: the adoption path, its Monte Carlo NPV, sensitivity and tornado."""
