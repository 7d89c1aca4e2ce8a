"""Configuration: what the user wrote in ``[tool.apiscribe]``, resolved against defaults.

The raw table is validated here (unknown keys are refused with a "Did you mean" hint); the
rest of apiscribe only sees the resolved :class:`Config`.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .diagnostics import ApiscribeError


@dataclass(frozen=True)
class Config:
    """Resolved settings. Paths are absolute, anchored at the project root."""

    root: Path
    framework: str = "drf"
    pythonpath: tuple[str, ...] = ()
    django_settings: str = ""
    urlconf: str = ""
    wsgi: str = ""
    scenarios: str = ""
    setup: str = ""
    token_env: str = ""
    database_env: str = ""
    base_url: str = "https://api.example.com"
    title: str = "API Reference"
    version: str = "1.0.0"
    output: str = "api-docs"
    docs_dir: str = "docs"
    site_dir: str = "site"
    mkdocs_config: str = "mkdocs.yml"
    server_timeout: float = 30.0
    request_timeout: float = 30.0
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def output_dir(self) -> Path:
        return self.root / self.output

    @property
    def docs_path(self) -> Path:
        return self.root / self.docs_dir

    @property
    def site_path(self) -> Path:
        return self.root / self.site_dir

    @property
    def mkdocs_path(self) -> Path:
        return self.root / self.mkdocs_config

    @property
    def python_paths(self) -> tuple[Path, ...]:
        return tuple((self.root / p).resolve() for p in self.pythonpath)

    def with_overrides(self, **overrides: Any) -> Config:
        """Apply command-line flags; ``None`` means "not given"."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **given)


_FIELD_TYPES = {f.name: f.type for f in fields(Config) if f.name != "root"}
_KEY_NAMES = {name.replace("_", "-"): name for name in _FIELD_TYPES} | {
    name: name for name in _FIELD_TYPES
}


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` whose pyproject.toml has ``[tool.apiscribe]``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "apiscribe" in _read_table(candidate, quiet=True):
            return folder
    raise ApiscribeError(
        f"no pyproject.toml with a [tool.apiscribe] table at or above {start}",
        hint="run from your project folder, or pass --project PATH",
    )


def _read_table(path: Path, quiet: bool = False) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        if quiet:
            return {}
        raise ApiscribeError(f"{path}: cannot read: {exc}") from exc
    tool = data.get("tool", {})
    return tool if isinstance(tool, dict) else {}


def load_config(root: Path) -> Config:
    """Read ``root/pyproject.toml`` and resolve ``[tool.apiscribe]``."""
    path = root / "pyproject.toml"
    table = _read_table(path).get("apiscribe")
    if not isinstance(table, dict):
        raise ApiscribeError(f"{path}: no [tool.apiscribe] table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = _KEY_NAMES.get(key)
        if name is None:
            close = difflib.get_close_matches(key, sorted(_KEY_NAMES), n=1)
            hint = f"Did you mean '{close[0]}'?" if close else ""
            raise ApiscribeError(f"{path}: [tool.apiscribe]: unknown key '{key}'", hint=hint)
        values[name] = _coerce(path, key, name, value)
    return Config(root=root.resolve(), **values)


def _coerce(path: Path, key: str, name: str, value: Any) -> Any:
    kind = str(_FIELD_TYPES[name])
    where = f"{path}: [tool.apiscribe].{key}"
    if kind.startswith("tuple"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ApiscribeError(f"{where}: expected a list of strings")
        return tuple(value)
    if kind.startswith("dict"):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ApiscribeError(f"{where}: expected a table of strings")
        return dict(value)
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ApiscribeError(f"{where}: expected a number")
        return float(value)
    if not isinstance(value, str):
        raise ApiscribeError(f"{where}: expected a string")
    return value
