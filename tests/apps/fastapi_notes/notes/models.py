from datetime import datetime

from pydantic import BaseModel, Field


class NoteIn(BaseModel):
    title: str = Field(max_length=200)
    body: str = ""
    tags: list[str] = []


class Note(NoteIn):
    id: int
    owner: str
    created: datetime


class User(BaseModel):
    username: str
    full_name: str | None = None


class Message(BaseModel):
    detail: str
