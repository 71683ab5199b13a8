from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "indicators.accounts"
    label = "accounts"
    verbose_name = "Sign-in and two-factor authentication"
