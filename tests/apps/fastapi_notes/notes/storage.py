from datetime import UTC, datetime

from .models import Note, NoteIn

NOTES: dict[int, Note] = {}
USERS = {"alice": "Alice Liddell", "bob": "Bob Builder"}
TOKENS = {"alice-secret-token": "alice", "bob-secret-token": "bob"}


def reset() -> None:
    NOTES.clear()


def add(owner: str, data: NoteIn) -> Note:
    note = Note(id=max(NOTES, default=0) + 1, owner=owner, created=datetime.now(UTC),
                **data.model_dump())
    NOTES[note.id] = note
    return note
