"""The theme's templates compiled once per process, not once per build.

MkDocs makes a new Jinja environment for every build, so each rebuild of ``mkdocs serve``
compiled Material's templates again: 42 of them, 0.7 s of a rebuild under a profile of
GitHub's site. :class:`TemplateMemo` is a Jinja bytecode cache that the ``apiscribe`` plugin
(which ``mkdocs serve`` keeps from one build to the next) gives each build's environment.

A compiled template depends on its source, which Jinja checks against a hash of it for every
entry, and on the environment that compiled it. Jinja folds constant expressions while it
compiles, calling filters and tests there, so the memo keeps the code only for environments
alike in their settings, extensions, policies and the very filter and test functions they
hold (:func:`signature`); a build whose environment differs starts the memo afresh. The memo
holds code objects in memory only: nothing is written, and nothing outlives the process.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache

#: The settings of an environment that change the code it compiles.
_SETTINGS = ("block_start_string", "block_end_string", "variable_start_string",
             "variable_end_string", "comment_start_string", "comment_end_string",
             "line_statement_prefix", "line_comment_prefix", "trim_blocks", "lstrip_blocks",
             "newline_sequence", "keep_trailing_newline", "optimized", "is_async",
             "autoescape", "finalize")


def signature(env: Environment) -> tuple[Any, ...]:
    """What of ``env`` its compiled templates depend on, besides their source. The filter
    and test functions themselves are in it (compared by identity), so it keeps them alive
    and no other function can take one's place under the same ``id``."""
    settings = (getattr(env, name) for name in _SETTINGS)
    return (
        type(env),
        tuple(value if callable(value) else repr(value) for value in settings),
        tuple(sorted(env.extensions)),
        tuple(sorted(env.filters.items(), key=lambda item: item[0])),
        tuple(sorted(env.tests.items(), key=lambda item: item[0])),
        repr(sorted(env.policies.items(), key=lambda item: item[0])),
    )


class TemplateMemo(BytecodeCache):
    """Compiled templates, kept in memory for the environments of later builds."""

    def __init__(self) -> None:
        self._signature: tuple[Any, ...] | None = None
        self._codes: dict[str, tuple[str, Any]] = {}  # key -> (source checksum, code)

    def install(self, env: Environment) -> None:
        """Give ``env`` this memo, unless it has a bytecode cache of its own; one of another
        signature than the last empties the memo."""
        if env.bytecode_cache is not None:
            return
        found = signature(env)
        if found != self._signature:
            self._signature, self._codes = found, {}
        env.bytecode_cache = self

    def load_bytecode(self, bucket: Bucket) -> None:
        kept = self._codes.get(bucket.key)
        if kept is not None and kept[0] == bucket.checksum:
            bucket.code = kept[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._codes[bucket.key] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        self._codes = {}
