"""The engine's comparison groups and what they show: each neighbourhood's statistical neighbours, and the
estimated change in an outcome since an intervention started, against a comparison group.

Disclosure is decided when a row is written, as for every rollup: a withheld estimate has its numbers left empty
and says why.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from indicators.places.models import Neighbourhood


class StatisticalNeighbourQuerySet(models.QuerySet):
    def visible_to(self, user) -> StatisticalNeighbourQuerySet:
        """The neighbours of the places the user sees. The neighbours themselves may lie in other authorities:
        a neighbourhood's name and distance are no personal data, and a comparison group that hid them would
        be one the officer could not check."""
        return self.filter(neighbourhood__in=Neighbourhood.objects.visible_to(user).values("pk"))


class StatisticalNeighbour(models.Model):
    """One of a neighbourhood's most similar neighbourhoods, by standardised distance on deprivation, size and
    baseline worklessness (as LG Inform's nearest-neighbour models do for councils). Rank 1 is the nearest.

    ``basis`` says what the distance was measured on, the same for every row of one computation.
    """

    neighbourhood = models.ForeignKey("indicators.Neighbourhood", on_delete=models.CASCADE, related_name="+")
    neighbour = models.ForeignKey("indicators.Neighbourhood", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    distance = models.FloatField(help_text="Euclidean distance over the standardised measures (0: identical).")
    basis = models.JSONField(default=dict, help_text="The measures and the baseline period the distance used.")
    computed_at = models.DateTimeField()

    objects = StatisticalNeighbourQuerySet.as_manager()

    class Meta:
        ordering = ["neighbourhood", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "rank"], name="statistical_neighbour_rank_once"),
            models.UniqueConstraint(fields=["neighbourhood", "neighbour"], name="statistical_neighbour_once"),
            models.CheckConstraint(
                condition=~Q(neighbourhood=models.F("neighbour")), name="statistical_neighbour_other"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1) & Q(distance__gte=0), name="statistical_neighbour_ranked"),
        ]

    def __str__(self) -> str:
        return f"{self.neighbourhood_id} → {self.neighbour_id} (#{self.rank}, {self.distance:.2f})"
