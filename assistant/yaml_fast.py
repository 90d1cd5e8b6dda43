"""YAML data files read with libyaml when PyYAML was built with it (about 10x faster than the pure
Python parser, with the same data, nodes and line marks): the lexicon and the knowledge load on
every start, so this is most of a cold `tk-advisor ask`'s parsing time."""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """`yaml.safe_load`, through libyaml when it is there."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 (a safe loader)
