from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status

from ..dependencies import current_user
from ..models import Message, Note, NoteIn
from .. import storage

router = APIRouter(
    prefix="/notes",
    tags=["notes"],
    dependencies=[Depends(current_user)],
    responses={404: {"model": Message, "description": "Note not found"}},
)

User = Annotated[str, Depends(current_user)]


@router.get("/", response_model=list[Note])
async def list_notes(user: User, tag: str | None = None,
                     limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[Note]:
    """List your notes.

    Newest last. Filter by one tag with `tag`.
    """
    mine = [n for n in storage.NOTES.values() if n.owner == user]
    if tag is not None:
        mine = [n for n in mine if tag in n.tags]
    return mine[:limit]


@router.post("/", response_model=Note, status_code=status.HTTP_201_CREATED)
async def create_note(note: NoteIn, user: User) -> Note:
    """Create a note."""
    return storage.add(user, note)


def _own(note_id: int, user: str) -> Note:
    note = storage.NOTES.get(note_id)
    if note is None or note.owner != user:
        raise HTTPException(status_code=404, detail="Note not found")
    return note


@router.get("/{note_id}", response_model=Note)
async def read_note(note_id: int, user: User) -> Note:
    """Read one note."""
    return _own(note_id, user)


@router.put("/{note_id}", response_model=Note)
async def update_note(note_id: int, data: NoteIn, user: User) -> Note:
    """Replace a note's title, body and tags."""
    note = _own(note_id, user)
    updated = note.model_copy(update=data.model_dump())
    storage.NOTES[note_id] = updated
    return updated


@router.delete("/{note_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_note(note_id: int, user: User) -> None:
    """Delete a note."""
    _own(note_id, user)
    del storage.NOTES[note_id]
