"""Names made from free text: the one slug function, and the names built on it.

A slug is lower case ASCII letters, digits and ``-``: ``List an Organization's Teams`` →
``list-an-organizations-teams``, ``listPets`` → ``list-pets``. python-slugify does the work
(transliteration included: ``Café`` → ``cafe``); camelCase words are split first.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from slugify import slugify

MAX_NAME = 120
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORDS = re.compile(r"[-_\s]+")
#: Quotes inside words are dropped, not turned into a separator.
_QUOTES = [["'", ""], ["\u2019", ""]]


@functools.lru_cache(maxsize=16384)  # a large API slugs the same names on every read
def slug(text: str, *, max_length: int = MAX_NAME) -> str:
    """``text`` as a slug (``[a-z0-9-]``, at most ``max_length`` characters); may be empty."""
    words = _ACRONYM.sub(r"\1-\2", _CAMEL.sub(r"\1-\2", text))
    return slugify(words, max_length=max_length, word_boundary=False, save_order=True,
                   replacements=_QUOTES).strip("-")


def title_of(slug_text: str) -> str:
    """A title from a slug or identifier: ``debug-files`` → ``Debug Files``."""
    return " ".join(w[:1].upper() + w[1:] for w in _WORDS.split(slug_text) if w)


def endpoint_name(operation_id: str, method: str, path: str) -> str:
    """An operation's endpoint name: from its operationId, else ``<method>-<path slug>``."""
    return slug(operation_id) or f"{method.lower()}-{slug(path) or 'root'}"[:MAX_NAME]


_UNSAFE_FILE = re.compile(r"[^A-Za-z0-9_.@+-]+")
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")
#: Names Windows keeps for its devices, in any case and with any extension (``con.md``).
DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)),
                          *(f"lpt{n}" for n in range(1, 10))})
#: The longest file or folder name most file systems take, in bytes of UTF-8.
MAX_FILE_NAME_BYTES = 255
#: Characters no file name may hold on Windows (and the NUL byte, which none may hold).
_FORBIDDEN = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def is_device_name(name: str) -> bool:
    """Whether ``name`` is a Windows device name (``CON``, ``con.md``, ``Com1.txt``)."""
    return name.split(".", 1)[0].rstrip(" ").lower() in DEVICE_NAMES


def file_name(name: str, fallback: str) -> str:
    """A name (already a slug, or a JSON doc's name) made safe as a file name: unchanged when
    it is one, else each run of other characters is a ``-``; ``fallback`` when none is left.
    It is at most :data:`MAX_NAME` characters, and a device name gets a ``_`` (``con_``)."""
    safe = _UNSAFE_FILE.sub("-", name)[:MAX_NAME].strip(".-") or fallback
    return f"{safe}_" if is_device_name(safe) else safe


def file_name_problem(name: str) -> str:
    """Why ``name`` cannot be a file or folder name on every system apiscribe's users share
    outputs on (Linux, macOS, Windows), or ``""`` when it can."""
    if name in ("", ".", ".."):
        return "is not a file name"
    if _FORBIDDEN.search(name):
        return 'holds a character that file names cannot hold (control, <>:"/\\|?*)'
    if name[-1] in ". ":
        return "ends with a dot or a space, which Windows drops"
    if is_device_name(name):
        return "is a device name on Windows"
    if len(name.encode("utf-8")) > MAX_FILE_NAME_BYTES:
        return f"is longer than {MAX_FILE_NAME_BYTES} bytes"
    return ""


def same_file_key(path: str) -> str:
    """What two paths share when they are one file on a case-insensitive or normalizing file
    system (macOS, Windows): ``Teams/Foo.md`` and ``teams/foo.md`` have the same key."""
    return unicodedata.normalize("NFC", path).casefold()


def html_id(prefix: str, name: str) -> str:
    """An HTML id for a name that keeps its case (``schema-Pet``)."""
    return f"{prefix}-" + (_UNSAFE_ID.sub("-", name).strip("-") or "unnamed")


def heading_anchor(text: str) -> str:
    """The id Python-Markdown's ``toc`` extension (and GitHub) gives a heading."""
    from markdown.extensions.toc import slugify

    return slugify(text, "-")


def unique_name(name: str, taken: set[str], separator: str = "-") -> str:
    """``name``, or ``name`` with the first free number appended (``a-2``); it is added to
    ``taken``."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}{separator}{number}"
    taken.add(candidate)
    return candidate


def unique(names: list[str], reserved: set[str]) -> list[str]:
    """``names`` with a number appended to each repeat (``a``, ``a-2``), avoiding
    ``reserved``."""
    taken = set(reserved)
    return [unique_name(name, taken) for name in names]
