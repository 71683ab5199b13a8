from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.my_neighbourhoods, name="my-neighbourhoods"),
    path("neighbourhoods/<int:pk>/", views.neighbourhood_detail, name="neighbourhood-detail"),
    path("pairs/", views.matched_pair_list, name="matched-pair-list"),
    path("pairs/<int:pk>/", views.matched_pair_detail, name="matched-pair-detail"),
]
