"""Synthetic register data for benchmarking and testing Cordon without real customs data."""
