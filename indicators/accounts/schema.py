"""How the OpenAPI schema (drf-spectacular) describes our token authentication."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "indicators.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "An API token from the 'API tokens' page, as `Token <secret>`. Tokens expire; "
                "too many wrong ones from one address get 429 until the window ends."
            ),
        }
