"""Read small settings files (TOML or YAML) into a flat mapping, with clear errors."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def read_settings(path: str | Path) -> dict[str, Any]:
    """A flat mapping from a ``.toml``, ``.yaml`` or ``.yml`` file."""
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"settings file {str(file)!r} does not exist")
    text = file.read_text(encoding="utf-8")
    suffix = file.suffix.lower()
    if suffix == ".toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - Python 3.10
            import tomli as tomllib
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{file}: not valid TOML ({error})") from None
    elif suffix in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ValueError(f"{file}: not valid YAML ({error})") from None
    else:
        raise ValueError(f"{file}: use a .toml, .yaml or .yml file")
    if not isinstance(data, dict):
        raise ValueError(f"{file}: expected key = value settings at the top level")
    return data
