"""``Authorization: Bearer <token>`` authentication, backed by :class:`refapi.models.Token`."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from ..models import Token


class BearerTokenAuthentication(BaseAuthentication):
    """Authenticates a request by its bearer token; the token is also the request's user."""

    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Token, Token] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, key = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        key = key.strip()
        if not key or " " in key:
            raise AuthenticationFailed("Invalid token header.")
        try:
            token = Token.objects.get(key_hash=Token.hash_key(key))
        except Token.DoesNotExist:
            raise AuthenticationFailed("Invalid token.") from None
        return token, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
