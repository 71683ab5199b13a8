"""Sign-in, then (for staff where the setting asks for it) a second factor; a person's own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from indicators.access.permissions import is_staff_member
from indicators.accounts import selectors, services
from indicators.accounts.forms import ApiTokenForm, LoginForm, TokenForm


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("indicators:my-neighbourhoods")


def second_factor_url(request: HttpRequest, target: str) -> str:
    name = "two-factor" if services.totp_has_device(user=request.user) else "two-factor-enrol"
    return f"{reverse(name)}?{urlencode({'next': target})}"


class LoginView(auth_views.LoginView):
    form_class = LoginForm

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_succeeded(user=form.get_user())
        if services.two_factor_required(self.request.user):
            return redirect(second_factor_url(self.request, self.get_success_url()))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if not services.totp_has_device(user=request.user):
        return redirect(second_factor_url(request, _next(request)))
    form = TokenForm(request.POST or None)
    locked = services.otp_locked(user=request.user)
    if request.method == "POST" and not locked and form.is_valid():
        if services.totp_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", "That code is not right. Enter the 6-digit code your app shows now.")
    return render(request, "account/two_factor_verify.html", {"form": form, "next": _next(request), "locked": locked})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    if services.totp_has_device(user=request.user) and not request.user.is_verified():
        # A new device needs the old one first.
        return redirect(second_factor_url(request, _next(request)))
    device = services.totp_device_for_enrolment(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(request=request, device=device, token=form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", "That code is not right. Enter the 6-digit code your app shows now.")
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "account/two_factor_enrol.html",
        {
            "form": form,
            "next": _next(request),
            "qr": services.qr_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "locked": services.otp_locked(user=request.user),
        },
    )


def _staff_only(request: HttpRequest) -> None:
    if not (is_staff_member(request.user) or request.user.is_staff or request.user.is_superuser):
        raise PermissionDenied("API tokens are for staff accounts.")


@never_cache  # the page that shows a new secret must not be kept by a browser or proxy
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List, and (after this session's second factor) create, the signed-in person's API tokens."""
    _staff_only(request)
    refusal = services.api_token_refusal(user=request.user)
    # A refused session's post is not read at all: the page shows the way to the second factor instead.
    form = ApiTokenForm((request.POST or None) if refusal is None else None, lifetimes=services.api_token_lifetimes())
    created = None
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            created = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ApiTokenForm(lifetimes=services.api_token_lifetimes())
    return render(
        request,
        "account/api_tokens.html",
        {
            "form": form,
            "created": created,
            "refusal": refusal,
            "second_factor_url": second_factor_url(request, reverse("api-tokens")),
            "tokens": selectors.api_tokens_for_page(user=request.user),
        },
        # A create refused for want of this session's second factor: the page says why and links to it.
        status=403 if request.method == "POST" and refusal else 200,
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    get_object_or_404(selectors.api_tokens_of(user=request.user), pk=pk)
    if services.api_token_revoke(user=request.user, token_id=pk):
        messages.success(request, "Token revoked: it no longer opens the API.")
    else:
        messages.info(request, "That token was already revoked.")
    return redirect("api-tokens")
