"""Configuration: what the user wrote in ``[tool.apiscribe]``, resolved against defaults.

The raw table is validated here against a declared schema (:data:`TABLE_SCHEMA`: unknown keys
are refused with a "Did you mean" hint, values of the wrong kind say what was expected); the
rest of apiscribe only sees the resolved :class:`Config`. Keys may be written with ``_`` or
``-``.
"""

from __future__ import annotations

import difflib
import functools
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .diagnostics import ApiscribeError
from .formats.validation import validator_of

#: The docs' title when neither the config nor the app gives one.
DEFAULT_TITLE = "API Reference"

#: The layout of the output folder (``api-docs/``).
ENDPOINTS_DIR = "endpoints"
OPENAPI_FILE = "openapi.json"


@dataclass(frozen=True)
class Config:
    """Resolved settings. Paths are absolute, anchored at the project root."""

    root: Path
    app: str = ""
    recordings: str = ""
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
    title: str = DEFAULT_TITLE
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
    def endpoints_dir(self) -> Path:
        """Where the JSON docs go: ``<output>/endpoints``."""
        return self.output_dir / ENDPOINTS_DIR

    @property
    def spec_path(self) -> Path:
        """Where the OpenAPI document goes: ``<output>/openapi.json``."""
        return self.output_dir / OPENAPI_FILE

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
        """The folders the app is imported from: ``pythonpath``; an ``app`` with none
        imports from the project root, as ``--app`` imports from the working folder."""
        if self.app and not self.pythonpath:
            return (self.root.resolve(),)
        return tuple((self.root / p).resolve() for p in self.pythonpath)

    def with_overrides(self, **overrides: Any) -> Config:
        """Apply command-line flags; ``None`` means "not given"."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **given)


_TEXT = {"type": "string"}
_STRINGS = {"anyOf": [_TEXT, {"type": "array", "items": _TEXT}]}
_SECONDS = {"type": "number"}
_TABLE = {"type": "object", "additionalProperties": _TEXT}
#: What each key of ``[tool.apiscribe]`` holds; every other key of :class:`Config` is a string.
_KINDS: dict[str, tuple[dict[str, Any], str]] = {
    "pythonpath": (_STRINGS, "a list of strings"),
    "server_timeout": (_SECONDS, "a number"),
    "request_timeout": (_SECONDS, "a number"),
    "extra_env": (_TABLE, "a table of strings"),
}
_NAMES = [f.name for f in fields(Config) if f.name != "root"]
TABLE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {name: _KINDS.get(name, (_TEXT, ""))[0] for name in _NAMES},
}


@functools.cache
def _validator() -> Any:
    return validator_of(TABLE_SCHEMA)


_KEY_NAMES = {name.replace("_", "-"): name for name in _NAMES} | {name: name for name in _NAMES}


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
    spelled: dict[str, str] = {}
    for key, value in table.items():
        name = _KEY_NAMES.get(key)
        if name is None:
            close = difflib.get_close_matches(key, sorted(_KEY_NAMES), n=1)
            hint = f"Did you mean '{close[0]}'?" if close else ""
            raise ApiscribeError(f"{path}: [tool.apiscribe]: unknown key '{key}'", hint=hint)
        values[name], spelled[name] = value, key
    for err in sorted(_validator().iter_errors(values), key=lambda e: list(e.absolute_path)):
        name = str(err.absolute_path[0])
        expected = _KINDS.get(name, (_TEXT, "a string"))[1]
        raise ApiscribeError(f"{path}: [tool.apiscribe].{spelled[name]}: expected {expected}")
    if isinstance(values.get("pythonpath"), str):
        values["pythonpath"] = [values["pythonpath"]]
    converted: dict[str, Any] = {name: tuple(value) if isinstance(value, list) else
                 float(value) if _KINDS.get(name, ({}, ""))[0] is _SECONDS else value
                 for name, value in values.items()}
    return Config(root=root.resolve(), **converted)
