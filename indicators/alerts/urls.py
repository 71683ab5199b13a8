from django.urls import path

from indicators.alerts import views

app_name = "alerts"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    # The token carries colons and dashes (django.core.signing); any text is taken and checked by the view.
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
