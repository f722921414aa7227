"""Benchmarks of the mock broker, the SDK and codegen (``nox -s bench``; see docs/benchmarks.md)."""
