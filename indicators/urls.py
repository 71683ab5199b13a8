from django.urls import path

from indicators import views, views_imports

app_name = "indicators"

urlpatterns = [
    path("", views.my_neighbourhoods, name="my-neighbourhoods"),
    path("neighbourhoods/<int:pk>/", views.neighbourhood_detail, name="neighbourhood-detail"),
    path("pairs/", views.matched_pair_list, name="matched-pair-list"),
    path("pairs/<int:pk>/", views.matched_pair_detail, name="matched-pair-detail"),
    # Official data imports (admins)
    path("imports/", views_imports.import_list, name="import-list"),
    path("imports/upload/", views_imports.import_upload, name="import-upload"),
    path("imports/<int:pk>/", views_imports.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress.json", views_imports.import_progress_json, name="import-progress"),
]
