"""Benchmarks: large invented workspaces and timing scripts."""
