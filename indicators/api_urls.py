from rest_framework.routers import SimpleRouter

from indicators.interventions import api as interventions
from indicators.official import api as official
from indicators.places import api as places

router = SimpleRouter()
router.register("local-authorities", places.LocalAuthorityViewSet, basename="local-authority")
router.register("neighbourhoods", places.NeighbourhoodViewSet, basename="neighbourhood")
router.register("matched-pairs", places.MatchedPairViewSet, basename="matched-pair")
router.register("interventions", interventions.InterventionViewSet, basename="intervention")
router.register("indicators", official.IndicatorViewSet, basename="indicator")
router.register("imports", official.ImportViewSet, basename="import")
router.register("observations", official.ObservationViewSet, basename="observation")
router.register("neighbourhood-figures", official.NeighbourhoodFigureViewSet, basename="neighbourhood-figure")

urlpatterns = router.urls
