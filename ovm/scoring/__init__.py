"""Scoring: the engine, aggregation, site statistics and bootstrap intervals, result types."""
