"""What keeps the server safe to leave running: a limit on request bodies, and the token that
writing needs. (Reading is safe by construction: the store is opened read-only without a
token, and no SQL comes from the client.)"""

from __future__ import annotations

import hmac
import json
from typing import Any

from fastapi import Request
from starlette.exceptions import HTTPException

TOKEN_ENV = "WHODID_TOKEN"


class BodyLimit:
    """ASGI middleware refusing a request body over `limit` bytes (413), by its declared
    length and, for a chunked body, as it arrives."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await _too_large(self.limit, send)
        seen = 0

        async def limited() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await _too_large(self.limit, send)


class _BodyTooLarge(Exception):
    pass


async def _too_large(limit: int, send: Any) -> None:
    body = json.dumps({"error": "too_large",
                       "detail": f"the request body is over the limit of {limit:,} bytes"})
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body.encode()})


def check_token(request: Request) -> None:
    """Writing needs the server's token, as `Authorization: Bearer TOKEN` or
    `X-Whodid-Token: TOKEN`; a server started without one writes nothing. Every refused
    write is 401: the request lacks a token the server accepts, whichever the reason."""
    token = request.app.state.settings.token
    if not token:
        raise HTTPException(401, "this server is read-only: it was started without a token, so "
                                 f"it accepts no write (start it with --token or ${TOKEN_ENV} "
                                 "to accept documents)")
    given = request.headers.get("x-whodid-token") or ""
    auth = request.headers.get("authorization") or ""
    if auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    if not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "writing needs the server's token (Authorization: Bearer "
                                 "TOKEN); the request has none or a wrong one")
