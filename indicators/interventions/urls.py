"""The intervention pages (but one intervention's own page, which shows its estimates, in the monitoring pages),
included in the places' URLs (and their namespace, so the audit log records them)."""

from django.urls import path

from indicators.interventions import views

urlpatterns = [
    path("", views.intervention_list, name="intervention-list"),
    path("new/", views.intervention_new, name="intervention-new"),
    path("<int:pk>/edit/", views.intervention_edit, name="intervention-edit"),
    path("<int:pk>/decide/", views.intervention_decide, name="intervention-decide"),
    path("<int:pk>/delete/", views.intervention_delete_view, name="intervention-delete"),
]
