"""One diagnostic type for every problem apiscribe reports, the one way to print them, and the
base exception."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .redact import redact_text

Level = Literal["error", "warning"]


class ApiscribeError(Exception):
    """A broken environment or a job that cannot go on (not a problem in the user's docs).

    The command line prints ``Error: <message>`` and, when given, a hint; never a traceback,
    and exits with ``exit_code``: 1, or 2 when what the user named is not usable at all.
    """

    def __init__(self, message: str, hint: str = "", *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code


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

    def headline(self) -> str:
        """``file:line: level code: message (endpoint NAME) [/pointer]``."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.level} {self.code}: {self.message}"
        if self.endpoint:
            text += f" (endpoint {self.endpoint})"
        if self.pointer:
            text += f" [{self.pointer}]"
        return text

    def format(self) -> str:
        """:meth:`headline`, and the hint on a line of its own."""
        return self.headline() + (f"\n    hint: {self.hint}" if self.hint else "")


def summary(diagnostics: Sequence[Diagnostic], files: int | None = None) -> str:
    """The line that ends every run, then one line per code::

        3 file(s) checked: 1 error(s), 2 warning(s)
          no-example: 2
          spec-invalid: 1
    """
    levels = Counter(d.level for d in diagnostics)
    head = f"{levels['error']} error(s), {levels['warning']} warning(s)"
    if files is not None:
        head = f"{files} file(s) checked: {head}"
    codes = Counter(d.code for d in diagnostics)
    return "\n".join([head, *(f"  {code}: {n}" for code, n in sorted(codes.items()))])


def report_text(diagnostics: Sequence[Diagnostic], files: int | None = None) -> str:
    """Every diagnostic (sorted by file, line and code), then the summary."""
    ordered = sorted(diagnostics, key=lambda d: (d.file, d.line, d.code, d.message, d.pointer))
    return "".join(d.format() + "\n" for d in ordered) + summary(ordered, files) + "\n"


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.level == "error" for d in diagnostics)


def error(
    code: str, message: str, *, file: str, line: int = 0, pointer: str = "",
    endpoint: str = "", hint: str = "",
) -> Diagnostic:
    """An error; a credential quoted in its text is redacted (:mod:`apiscribe.redact`)."""
    return Diagnostic(file, line, "error", code, redact_text(message), pointer, endpoint,
                      redact_text(hint))


def warning(
    code: str, message: str, *, file: str, line: int = 0, pointer: str = "",
    endpoint: str = "", hint: str = "",
) -> Diagnostic:
    """A warning; a credential quoted in its text is redacted (:mod:`apiscribe.redact`)."""
    return Diagnostic(file, line, "warning", code, redact_text(message), pointer, endpoint,
                      redact_text(hint))
