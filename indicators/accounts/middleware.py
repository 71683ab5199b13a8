"""Staff sessions must pass the second factor before anything else (when REBALANCE_REQUIRE_2FA is on).

Runs after django_otp's OTPMiddleware. Residents are anonymous and never
affected. An unverified staff session may reach only the sign-in, sign-out and
two-factor pages and static files: pages and the admin redirect to the second
factor, the API answers 403. API tokens (authentication.py) carry no session and
are not seen here: a token can be made only after the second factor, and stands
in for it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from indicators.accounts.services import two_factor_required
from indicators.accounts.views import second_factor_url


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.REBALANCE_REQUIRE_2FA and self._blocked(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Two-factor authentication is required."}, status=403)
            return redirect(second_factor_url(request, request.get_full_path()))
        return self.get_response(request)

    @staticmethod
    def _blocked(request) -> bool:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False  # no session, no one signed in: residents' requests never load a session or user
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return False
        allowed = (reverse("login"), reverse("logout"), reverse("two-factor"), reverse("two-factor-enrol"))
        if request.path in allowed or request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return False
        return two_factor_required(user)
