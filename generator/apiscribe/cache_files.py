"""apiscribe's cache files: their one layout, and the trust in those whose loading runs code.

Every cache file of apiscribe's is a line naming its kind and layout, a line of JSON (the
header), then its body (:func:`headed`, :func:`header_of`): the kept Markdown, the page
cache's entries, the compiled templates and the kept read of a spec.

Two of them hold what runs code when loaded, as a module's ``__pycache__`` does: the kept
read (a pickle) and the compiled templates (marshalled code). Such a file is loaded only when
both hold:

- it is a regular file that the user running apiscribe owns, read neither through a
  symbolic link nor from a FIFO (:func:`read_own_file`);
- its header carries the HMAC-SHA256 of its body under the user's own key
  (:func:`write_signed`, :func:`load_signed`). The key is 32 random bytes made on first use,
  readable by its owner only, and kept outside every cache folder (:func:`key_path`), so a
  cache folder restored from elsewhere (a CI cache, an archive, a checkout) makes apiscribe
  load none of its code.

Where either cannot be had (a platform that cannot tell a file's owner, a key that cannot be
read or made), no such file is written or read.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import secrets
import stat
from pathlib import Path
from typing import Any

from .writer import write_parts_atomic

#: Whether this platform lets a cache file's owner be checked and its symbolic links refused:
#: elsewhere no cache file whose loading runs code (a pickle, compiled code) is read.
CAN_CHECK_OWNER = all(hasattr(os, name) for name in ("getuid", "O_NOFOLLOW", "O_NONBLOCK"))
#: The length of the user's key, in bytes.
KEY_BYTES = 32


def headed(magic: bytes, header: object, *body: bytes) -> bytes:
    """A cache file of apiscribe's: ``magic`` (a line naming its kind and layout), ``header``
    as a line of compact JSON, then ``body``. The kept Markdown, the page cache's entries and
    the kept read of a spec are such files; :func:`header_of` reads one."""
    return b"".join([magic, json.dumps(header, separators=(",", ":")).encode("ascii"), b"\n",
                     *body])


def header_of(data: bytes, magic: bytes) -> tuple[Any, int]:
    """The header of a file :func:`headed` made with ``magic``, and where its body starts;
    ValueError when ``data`` is not one."""
    if not data.startswith(magic):
        raise ValueError("not a file of this kind and layout")
    end = data.index(b"\n", len(magic))
    return json.loads(data[len(magic):end]), end + 1


def read_own_file(path: Path) -> bytes:
    """The bytes of the cache file ``path``, whose loading may run code: read only from a
    regular file that the user running apiscribe owns, neither through a symbolic link nor
    from a FIFO (which would block). Raises FileNotFoundError where there is none, ValueError
    for a file that cannot be trusted or a platform where that cannot be told
    (:data:`CAN_CHECK_OWNER`), OSError as reading does."""
    if not CAN_CHECK_OWNER:
        raise ValueError("a file's owner cannot be told here")
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW
    with os.fdopen(os.open(path, flags), "rb") as file:
        found = os.fstat(file.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise ValueError("not a regular file")
        if found.st_uid != os.getuid():
            raise ValueError("another user owns it")
        return file.read()


def key_path() -> Path:
    """Where the user's key is kept: ``$XDG_STATE_HOME/apiscribe/cache-key`` (by default
    under ``~/.local/state``), apart from the cache folders."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "apiscribe" / "cache-key"


@functools.cache
def signing_key() -> bytes | None:
    """The user's key (see the module's docstring), made the first time; ``None`` where it
    cannot be read or made, and then no file that runs code is kept."""
    path = key_path()
    for _ in range(2):
        try:
            key = read_own_file(path)
        except FileNotFoundError:
            try:
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                made = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                               0o600)
            except FileExistsError:  # another run made it meanwhile: read it
                continue
            except OSError:
                return None
            key = secrets.token_bytes(KEY_BYTES)
            with os.fdopen(made, "wb") as file:
                file.write(key)
            return key
        except (OSError, ValueError):
            return None
        return key if len(key) == KEY_BYTES else None
    return None


def _mac(body: bytes | memoryview) -> str | None:
    """The HMAC-SHA256 of ``body`` under the user's key; ``None`` without one."""
    key = signing_key()
    return None if key is None else hmac.new(key, body, hashlib.sha256).hexdigest()


def write_signed(path: Path, magic: bytes, header: dict[str, Any], body: bytes) -> bool:
    """Write a cache file whose loading runs code: ``header`` with the HMAC of ``body``
    under the user's key, then ``body``, readable by its owner only, without reading the
    old file first (it changed). False where there is no key: nothing is written. Raises
    :class:`~apiscribe.diagnostics.ApiscribeError` as
    :func:`~apiscribe.writer.write_parts_atomic` does."""
    signature = _mac(body)
    if signature is None:
        return False
    write_parts_atomic(path, [headed(magic, {**header, "mac": signature}), body], mode=0o600)
    return True


def load_signed(path: Path, magic: bytes, expected: dict[str, str]) -> memoryview | None:
    """The body of a file :func:`write_signed` wrote at ``path`` with a header that holds
    ``expected``; ``None`` where there is none, or it is for something else (another salt),
    or a file's owner cannot be told here. Raises ValueError for a file that cannot be
    trusted (not the user's own, not signed with the user's key, not of this layout), and
    OSError as reading does."""
    if not CAN_CHECK_OWNER:
        return None
    try:
        data = read_own_file(path)
    except FileNotFoundError:
        return None
    header, start = header_of(data, magic)
    if not isinstance(header, dict) or any(header.get(k) != v for k, v in expected.items()):
        return None
    body = memoryview(data)[start:]
    expected_mac, given = _mac(body), header.get("mac")
    if expected_mac is None or not isinstance(given, str) or not hmac.compare_digest(
            given, expected_mac):
        raise ValueError("not signed with this user's key")
    return body
