"""Subcommands of this package (registered by assistant.cli)."""

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Placeholder until this package's commands land."""
