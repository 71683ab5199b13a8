from rest_framework.routers import SimpleRouter

from indicators import api

router = SimpleRouter()
router.register("local-authorities", api.LocalAuthorityViewSet, basename="local-authority")
router.register("neighbourhoods", api.NeighbourhoodViewSet, basename="neighbourhood")
router.register("matched-pairs", api.MatchedPairViewSet, basename="matched-pair")

urlpatterns = router.urls
