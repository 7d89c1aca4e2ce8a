from fastapi import APIRouter, HTTPException

from ..models import User
from ..storage import USERS

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/{username}", response_model=User)
async def read_user(username: str) -> User:
    """Look up a user by name."""
    if username not in USERS:
        raise HTTPException(status_code=404, detail="User not found")
    return User(username=username, full_name=USERS[username])
