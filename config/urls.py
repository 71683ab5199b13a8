from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from indicators.accounts import views as account_views
from indicators.monitoring import views as indicator_views

# The survey API first: its submit endpoint is the busiest URL of the site, and no pattern of the
# others overlaps its paths (the order of the other two matters: neighbourhoods/<pk>/status/).
api_v1 = [
    path("", include("surveys.api_urls")),
    path("", include("indicators.api_urls")),
    path("", include("indicators.engine.api_urls")),
]

urlpatterns = [
    path("", indicator_views.home, name="home"),
    path("accounts/", include("indicators.accounts.urls")),
    # The admin signs in through the same lockout and second factor as every page.
    path("admin/login/", account_views.LoginView.as_view(), name="admin-login"),
    path("admin/", admin.site.urls),
    path("places/", include("indicators.urls")),
    path("survey/", include("surveys.urls")),
    path("api/v1/", include((api_v1, "v1"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", indicator_views.healthz, name="healthz"),
]
