"""cockpit's benchmarks. ``python -m benchmarks [NAME ...]`` runs them and rewrites BENCHMARKS.md."""
