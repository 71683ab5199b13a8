from django.apps import AppConfig


class EngineConfig(AppConfig):
    name = "indicators.engine"
    label = "engine"
    verbose_name = "Monitoring engine"
