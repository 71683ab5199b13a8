from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from indicators.monitoring import help as help_views
from indicators.monitoring.views import common as indicator_views

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
    path("alerts/", include("indicators.alerts.urls")),
    # The admin signs in through the same lockout and second factor as every page; someone signed in who may
    # not use the admin is told why.
    path("admin/login/", help_views.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("places/", include("indicators.urls")),
    path("survey/", include("surveys.urls")),
    path("api/v1/", include((api_v1, "v1"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", indicator_views.healthz, name="healthz"),
    path("help/glossary/", help_views.glossary_page, name="glossary"),
    path("help/accessibility/", help_views.accessibility, name="accessibility"),
    path("favicon.ico", help_views.favicon, name="favicon"),
]

# Styled, with a way back; the 500 page is Django's own handler with templates/500.html (no database needed).
handler403 = "indicators.monitoring.help.permission_denied"
handler404 = "indicators.monitoring.help.page_not_found"
