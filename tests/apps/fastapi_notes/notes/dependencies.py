from typing import Annotated

from fastapi import Header, HTTPException

from .storage import TOKENS


async def current_user(x_token: Annotated[str, Header()]) -> str:
    user = TOKENS.get(x_token)
    if user is None:
        raise HTTPException(status_code=401, detail="Invalid X-Token header")
    return user
