from django.urls import include, path, re_path

from indicators.monitoring.views import answers, interventions, league, neighbourhood, neighbourhoods, pairs
from indicators.official import views as views_imports
from indicators.official import views_areas
from indicators.places import views as views_places

app_name = "indicators"

urlpatterns = [
    path("", neighbourhoods.my_neighbourhoods, name="my-neighbourhoods"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", neighbourhoods.my_neighbourhoods_export, name="my-neighbourhoods-export"),
    path("neighbourhoods/<int:pk>/", neighbourhood.neighbourhood_detail, name="neighbourhood-detail"),
    path("neighbourhoods/build/", views_places.neighbourhood_build, name="neighbourhood-build"),
    re_path(
        r"^neighbourhoods/(?P<pk>[0-9]+)/export\.(?P<fmt>csv|xlsx)$",
        neighbourhood.neighbourhood_export,
        name="neighbourhood-export",
    ),
    path("neighbourhoods/<int:pk>/answers/", answers.neighbourhood_answers, name="neighbourhood-answers"),
    re_path(
        r"^neighbourhoods/(?P<pk>[0-9]+)/answers\.(?P<fmt>csv|xlsx)$",
        answers.neighbourhood_answers_export,
        name="neighbourhood-answers-export",
    ),
    path("pairs/", pairs.matched_pair_list, name="matched-pair-list"),
    re_path(r"^pairs/export\.(?P<fmt>csv|xlsx)$", pairs.matched_pair_list_export, name="matched-pair-list-export"),
    path("pairs/<int:pk>/", pairs.matched_pair_detail, name="matched-pair-detail"),
    re_path(r"^pairs/(?P<pk>[0-9]+)/export\.(?P<fmt>csv|xlsx)$", pairs.matched_pair_export, name="matched-pair-export"),
    path("interventions/<int:pk>/", interventions.intervention_detail, name="intervention-detail"),
    path("interventions/", include("indicators.interventions.urls")),
    path("league/", league.league, name="league"),
    re_path(r"^league/export\.(?P<fmt>csv|xlsx)$", league.league_export, name="league-export"),
    # Official data imports (admins)
    path("imports/", views_imports.import_list, name="import-list"),
    path("imports/upload/", views_imports.import_upload, name="import-upload"),
    path("imports/areas/", views_areas.areas_upload, name="areas-upload"),
    path("imports/<int:pk>/", views_imports.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress.json", views_imports.import_progress_json, name="import-progress"),
]
