from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "indicators.alerts"
    label = "alerts"
    verbose_name = "Alerts and digests"
    default_auto_field = "django.db.models.BigAutoField"
