"""Set-up hooks for the recorder fixture app (run in the server process before serving)."""

from __future__ import annotations

import uuid

from .app import connect, now


def setup() -> None:
    """Create the schema and two things with volatile ids and dates."""
    with connect() as db:
        db.execute("CREATE TABLE things (id TEXT PRIMARY KEY, name TEXT, created TEXT)")
        for name in ("Pump Station", "Water Tower"):
            db.execute("INSERT INTO things VALUES (?, ?, ?)", (str(uuid.uuid4()), name, now()))


def broken_setup() -> None:
    """A set-up hook that fails, as a broken seed script would."""
    raise RuntimeError("the seed data is corrupt")
