from django.urls import path
from rest_framework.routers import SimpleRouter

from indicators.engine import api, api_comparisons

router = SimpleRouter()
router.register("factor-scores", api.FactorScoreViewSet, basename="factor-score")
router.register("worklessness", api.WorklessnessViewSet, basename="worklessness")
router.register("pair-comparisons", api.PairComparisonViewSet, basename="pair-comparison")

urlpatterns = [
    *router.urls,
    path("neighbourhoods/<int:pk>/status/", api.NeighbourhoodStatusView.as_view(), name="neighbourhood-status"),
    path("neighbourhoods/<int:pk>/similar/", api_comparisons.SimilarNeighbourhoodsView.as_view(), name="similar"),
    path("effect-estimates/", api_comparisons.EffectEstimatesView.as_view(), name="effect-estimates"),
    path("improvement-report/", api.ImprovementReportView.as_view(), name="improvement-report"),
]
