"""One diagnostic type for every problem apiscribe reports, and the base exception."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]


class ApiscribeError(Exception):
    """A broken environment or a job that cannot go on (not a problem in the user's docs).

    The command line prints ``Error: <message>`` and, when given, a hint; never a traceback.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A problem found in input or output.

    ``file`` and ``line`` say where; ``pointer`` is a JSON pointer inside that file when the
    file is JSON; ``endpoint`` names the endpoint concerned; ``code`` is a short stable
    identifier such as ``unknown-field``.
    """

    file: str
    line: int
    level: Level
    code: str
    message: str
    pointer: str = ""
    endpoint: str = ""
    hint: str = ""

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.level} {self.code}: {self.message}"
        if self.endpoint:
            text += f" (endpoint {self.endpoint})"
        if self.pointer:
            text += f" [at {self.pointer}]"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.level == "error" for d in diagnostics)


def error(
    code: str, message: str, *, file: str, line: int = 0, pointer: str = "",
    endpoint: str = "", hint: str = "",
) -> Diagnostic:
    return Diagnostic(file, line, "error", code, message, pointer, endpoint, hint)


def warning(
    code: str, message: str, *, file: str, line: int = 0, pointer: str = "",
    endpoint: str = "", hint: str = "",
) -> Diagnostic:
    return Diagnostic(file, line, "warning", code, message, pointer, endpoint, hint)
