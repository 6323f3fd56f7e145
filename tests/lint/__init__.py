"""Checks of the code's shape run by tests/run: the import-linter cycle contract, module length."""
