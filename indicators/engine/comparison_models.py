"""The engine's comparison groups and what they show: each neighbourhood's statistical neighbours, and the
estimated change in an outcome since an intervention started, against a comparison group.

Disclosure is decided when a row is written, as for every rollup: a withheld estimate has its numbers left empty
and says why.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from indicators.interventions.models import Intervention
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


class EffectEstimateQuerySet(models.QuerySet):
    def visible_to(self, user) -> EffectEstimateQuerySet:
        """Estimates for the user's neighbourhoods, of interventions they may see."""
        return self.filter(
            neighbourhood__in=Neighbourhood.objects.visible_to(user).values("pk"),
            intervention__in=Intervention.objects.visible_to(user).values("pk"),
        )


class EffectEstimate(models.Model):
    """Did it work? The change in one outcome in one neighbourhood an intervention covers, from before its start
    to after, minus a comparison group's change over the same periods (a difference in differences), with a 95%
    interval. ``measure`` is ``worklessness`` or a factor key. A row that could not be estimated says why
    (``status``, ``note``); a withheld one carries no numbers, as every withheld figure in the engine.
    """

    class Status(models.TextChoices):
        ESTIMATED = "estimated", "Estimated"
        TOO_EARLY = "too_early", "Too early to say"
        NO_BASELINE = "no_baseline", "Too few figures from before it started"
        NO_COMPARISON = "no_comparison", "No comparison group"
        WITHHELD = "withheld", "Withheld"

    class Comparison(models.TextChoices):
        NEIGHBOURS = "statistical_neighbours", "Its statistical neighbours"
        ALL = "all_neighbourhoods", "Every other neighbourhood without a programme at the time"

    intervention = models.ForeignKey("interventions.Intervention", on_delete=models.CASCADE, related_name="+")
    neighbourhood = models.ForeignKey("indicators.Neighbourhood", on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=40, help_text="'worklessness' or a factor key.")
    status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(blank=True, help_text="Why there is no estimate, in plain words.")
    withheld = models.BooleanField(default=False)
    withheld_reason = models.CharField(max_length=200, blank=True)
    before_label = models.CharField(max_length=120, blank=True)
    after_label = models.CharField(max_length=120, blank=True)
    after_amount = models.PositiveIntegerField(default=0, help_text="Months (worklessness) or waves since the start.")
    treated_before = models.FloatField(null=True, blank=True)
    treated_after = models.FloatField(null=True, blank=True)
    comparison_before = models.FloatField(null=True, blank=True)
    comparison_after = models.FloatField(null=True, blank=True)
    treated_change = models.FloatField(null=True, blank=True)
    comparison_change = models.FloatField(null=True, blank=True)
    estimate = models.FloatField(null=True, blank=True, help_text="Its change minus the comparison group's.")
    standard_error = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    comparison_kind = models.CharField(max_length=30, choices=Comparison.choices, blank=True)
    comparison_ids = models.JSONField(default=list, blank=True, help_text="The comparison neighbourhoods.")
    weak_reasons = models.JSONField(default=list, blank=True, help_text="Why the comparison is weak, if it is.")
    pretrend_difference = models.FloatField(
        null=True, blank=True, help_text="Before the start: its change minus the comparison group's."
    )
    measurable_since = models.DateTimeField(
        null=True, blank=True, help_text="When an estimate was first made: kept across recomputes."
    )
    computed_at = models.DateTimeField()

    objects = EffectEstimateQuerySet.as_manager()

    class Meta:
        ordering = ["intervention", "neighbourhood", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["intervention", "neighbourhood", "measure"], name="effect_estimate_once"),
            models.CheckConstraint(
                condition=Q(status__in=["estimated", "too_early", "no_baseline", "no_comparison", "withheld"]),
                name="effect_estimate_status_known",
            ),
            # A withheld estimate carries no numbers at all; a shown one has its estimate and interval.
            models.CheckConstraint(
                condition=Q(withheld=False)
                | Q(
                    status="withheld",
                    treated_before__isnull=True,
                    treated_after__isnull=True,
                    comparison_before__isnull=True,
                    comparison_after__isnull=True,
                    treated_change__isnull=True,
                    comparison_change__isnull=True,
                    estimate__isnull=True,
                    standard_error__isnull=True,
                    ci_low__isnull=True,
                    ci_high__isnull=True,
                    pretrend_difference__isnull=True,
                ),
                name="effect_estimate_withheld_is_empty",
            ),
            models.CheckConstraint(
                condition=~Q(status="estimated")
                | Q(estimate__isnull=False, ci_low__isnull=False, ci_high__isnull=False, withheld=False),
                name="effect_estimate_estimated_has_interval",
            ),
        ]

    def __str__(self) -> str:
        return f"intervention {self.intervention_id} · {self.neighbourhood_id} · {self.measure}: {self.status}"

    @property
    def weak(self) -> bool:
        return bool(self.weak_reasons)
