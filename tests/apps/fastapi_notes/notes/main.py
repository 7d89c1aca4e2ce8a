from fastapi import FastAPI

from .routers import notes, users

app = FastAPI(title="Notes API", version="2.1.0",
              description="Keep short notes, tagged and private to their owner.")
app.include_router(notes.router, prefix="/v1")
app.include_router(users.router, prefix="/v1")


@app.get("/health")
async def health() -> dict[str, str]:
    """Report that the service is up."""
    return {"status": "ok"}
