from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from indicators.accounts import services
from indicators.accounts.ratelimit import client_address
from indicators.core.text import validate_storable


class LoginForm(AuthenticationForm):
    """Django's sign-in form, behind the lockout and the per-address rate limit."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": "Too many failed sign-ins for this username. Wait 15 minutes, then try again.",
        "rate": "Too many sign-in attempts from this connection. Wait 15 minutes, then try again.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        refused = services.login_allowed(username=username, address=client_address(self.request))
        if refused:
            raise ValidationError(self.error_messages[refused], code=refused)
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                services.login_failed(username=username)
            raise
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "spellcheck": "false"}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so you know it again: for example “Nightly figures script”.",
        validators=[validate_storable],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    days = forms.TypedChoiceField(label="Lasts for", coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, lifetimes: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [(days, f"{days} days") for days in lifetimes]
        self.fields["days"].initial = max(lifetimes)
