"""CLI subcommands of the gpu instrument."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add this instrument's subcommands (filled in by its issue)."""
