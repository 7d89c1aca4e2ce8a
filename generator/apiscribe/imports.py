"""The user's code: objects named as ``module:attribute``, the way uvicorn and Flask name
them: ``myapi.main:app``, ``myapi.settings:api.app`` (attributes followed after the colon), or
``myapi:create_app()`` (a factory, called with no arguments)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def add_python_paths(folders: Iterable[Path]) -> None:
    """Put ``folders`` first on ``sys.path`` (in their order), each once."""
    for folder in reversed(list(folders)):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))


def import_object(spec: str) -> Any:
    """The object ``spec`` names. ``ValueError`` when it is not ``module:attribute``; any
    error of the user's code (an import that fails, a missing attribute) propagates."""
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"expected 'module:attribute', got {spec!r}")
    call = attribute.endswith("()")
    obj: Any = importlib.import_module(module_name)
    for part in attribute.removesuffix("()").split("."):
        obj = getattr(obj, part)
    return obj() if call else obj
