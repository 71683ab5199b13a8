from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """The monitoring pages. An app of its own (with no models) so that Django finds its template tags."""

    name = "indicators.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring pages"
