from rest_framework.routers import SimpleRouter

from indicators import api

router = SimpleRouter()
router.register("local-authorities", api.LocalAuthorityViewSet, basename="local-authority")
router.register("neighbourhoods", api.NeighbourhoodViewSet, basename="neighbourhood")
router.register("matched-pairs", api.MatchedPairViewSet, basename="matched-pair")
# Official data
router.register("indicators", api.IndicatorViewSet, basename="indicator")
router.register("imports", api.ImportViewSet, basename="import")
router.register("observations", api.ObservationViewSet, basename="observation")
router.register("neighbourhood-figures", api.NeighbourhoodFigureViewSet, basename="neighbourhood-figure")

urlpatterns = router.urls
