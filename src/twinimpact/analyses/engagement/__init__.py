"""Engagement: the count models of engagement per impression, the value of an engagement, randomised tests and their planning."""
