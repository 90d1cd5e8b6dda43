"""The `tk-advisor` command: each package registers its own subcommands."""

from __future__ import annotations

import argparse
import gc
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

ONE_SHOT = frozenset({"ask", "search", "calc", "kb"})
"""Commands that do one thing and exit. They run without the cyclic garbage collector: their imports
and loading make hundreds of thousands of objects that all live until the exit, and collecting them
again and again took ~0.8 s of a cold `ask` (of ~3.7 s). A long-running command (serve, eval) keeps it."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tk-advisor", description="Sourced answers for TikTok Shop sellers (zh/en).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, exiting: bool = False) -> int:
    """Each subcommand sets `handler(args) -> exit status`; heavy imports stay inside handlers.
    `exiting`: the process ends when this returns (the `tk-advisor` program, not a test)."""
    args = build_parser().parse_args(argv)
    one_shot = args.command in ONE_SHOT
    collecting = gc.isenabled()
    if one_shot:
        gc.disable()
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
    finally:
        if one_shot and exiting:
            gc.freeze()  # the interpreter's last collection, at exit, then skips every object still alive (~0.3 s)
        if collecting:
            gc.enable()


def run() -> int:
    """The `tk-advisor` program."""
    return main(exiting=True)


if __name__ == "__main__":
    sys.exit(run())
