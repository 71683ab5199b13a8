from django.urls import path
from rest_framework.routers import SimpleRouter

from surveys import api

router = SimpleRouter()
router.register("surveys", api.SurveyViewSet, basename="survey")
router.register("waves", api.WaveViewSet, basename="wave")

urlpatterns = [
    path("responses/", api.ResponseSubmit.as_view(), name="response-submit"),
    path("response-counts/", api.ResponseCountList.as_view(), name="response-counts"),
    *router.urls,
]
