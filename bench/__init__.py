"""Benchmarks that measure the bot against the best this machine can do, in the same run."""
