from django.urls import path
from rest_framework.routers import SimpleRouter

from indicators.engine import api

router = SimpleRouter()
router.register("factor-scores", api.FactorScoreViewSet, basename="factor-score")
router.register("worklessness", api.WorklessnessViewSet, basename="worklessness")
router.register("pair-comparisons", api.PairComparisonViewSet, basename="pair-comparison")

urlpatterns = [
    *router.urls,
    path("neighbourhoods/<int:pk>/status/", api.NeighbourhoodStatusView.as_view(), name="neighbourhood-status"),
    path("improvement-report/", api.ImprovementReportView.as_view(), name="improvement-report"),
]
