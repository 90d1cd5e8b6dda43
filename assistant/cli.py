"""The `tk-advisor` command: each package registers its own subcommands."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from assistant.config import ConfigError

COMMAND_MODULES = (
    "assistant.kb.commands",  # kb validate | kb list | index | search
    "assistant.tools.commands",  # calc
    "assistant.engine.commands",  # ask
    "assistant.store.commands",  # db upgrade | sessions | feedback export
    "assistant.evaluation.commands",  # eval
    "assistant.service.commands",  # serve
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tk-advisor", description="Sourced answers for TikTok Shop sellers (zh/en).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Each subcommand sets `handler(args) -> exit status`; heavy imports stay inside handlers."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(f"tk-advisor: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `tk-advisor kb list | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
