"""Makers' Till benchmarks: each figure measured beside its physical limit in the same run. See bench/README.md."""
