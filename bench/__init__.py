"""Benchmarks: `python -m bench [NAME ...]` (or `make bench`). Each prints ratios against a
baseline measured in the same run; none is a test, and nothing here asserts a time."""
