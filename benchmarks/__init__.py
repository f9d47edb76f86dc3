"""Benchmarks of baked projects against a plain scikit-learn script doing the same work."""
