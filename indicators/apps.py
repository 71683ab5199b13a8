from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Places and indicators"

    def ready(self) -> None:
        from django.core.signals import request_started

        from indicators.db import health_check_by_poll

        # Connected after Django's close_old_connections, which marks each connection as not yet checked.
        request_started.connect(health_check_by_poll, dispatch_uid="indicators.db.health_check_by_poll")
