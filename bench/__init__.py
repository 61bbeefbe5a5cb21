"""Saksi's benchmarks: throughput as ratios against limits measured in the same run.

Run them with ``make bench`` (or ``python -m bench --help``); docs/benchmarks.md
says what each case measures and gives the figures of one run.
"""
