from django.apps import AppConfig


class EngineConfig(AppConfig):
    name = "indicators.engine"
    label = "engine"
    verbose_name = "Monitoring engine"

    def ready(self) -> None:
        # Connected here, once the apps are loaded: the layers below send, and never import the engine.
        from indicators.engine import receivers
        from indicators.official.signals import observations_changed
        from surveys.signals import response_completed

        response_completed.connect(receivers.on_response_completed, dispatch_uid="engine-response-completed")
        observations_changed.connect(receivers.on_observations_changed, dispatch_uid="engine-observations-changed")
