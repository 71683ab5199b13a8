from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "indicators.accounts"
    label = "accounts"
    verbose_name = "Sign-in, two-factor authentication and API tokens"

    def ready(self):
        from indicators.accounts import schema  # noqa: F401  (registers the token scheme with drf-spectacular)
