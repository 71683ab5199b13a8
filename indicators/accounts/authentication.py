"""The API's token authentication: ``Authorization: Token <secret>``, as DRF's own, against hashed tokens.

The rules (lookup, expiry, revocation, the per-address limit on failures) live in
services.api_token_authenticate; this class only reads the header and turns a
refusal into DRF's answer: 429 with Retry-After when the address is over its limit,
otherwise 403 (401 if this class were listed first).
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from indicators.accounts import services
from indicators.accounts.ratelimit import client_address

KEYWORD = "Token"


class ApiTokenAuthentication(BaseAuthentication):
    keyword = KEYWORD

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # not ours: another scheme, or no header at all
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header: give 'Token' and the secret, one space apart.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeError:
            secret = ""  # counted as a wrong token
        try:
            token = services.api_token_authenticate(secret=secret, address=client_address(request))
        except services.ApiTokenRefusedError as refused:
            if refused.retry_after is not None:
                raise exceptions.Throttled(wait=refused.retry_after, detail=refused.reason) from None
            raise exceptions.AuthenticationFailed(refused.reason) from None
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
