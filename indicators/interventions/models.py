"""Interventions: what the council or a partner did in one or more neighbourhoods, from a start date.

An intervention names the report's factors and/or recommendations it addresses (plain keys from
``indicators.core.report_vocabulary``, one row each, checked by the database), the neighbourhoods it covers, its
start and optional end date and the organisation that leads it. Officers and admins record interventions that
count at once (``accepted``); an estate manager's is a ``proposed`` one until an officer for every place it covers,
or an admin, accepts or declines it. Only accepted interventions are drawn on charts, exported and estimated.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from indicators.access.scope import scope_for
from indicators.core.report_vocabulary import FACTORS, RECOMMENDATIONS
from indicators.places.models import Neighbourhood


class Status(models.TextChoices):
    PROPOSED = "proposed", "Proposed, awaiting an officer's decision"
    ACCEPTED = "accepted", "Recorded"
    DECLINED = "declined", "Declined"


class InterventionQuerySet(models.QuerySet):
    def visible_to(self, user) -> InterventionQuerySet:
        """Interventions all of whose neighbourhoods the user may see: one place outside their scope would leak
        it (the rule matched pairs follow). An intervention with no neighbourhood left is seen by admins only."""
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        links = Intervention.neighbourhoods.through.objects.filter(intervention=OuterRef("pk"))
        mine = Q(neighbourhood__local_authority_id__in=scope.local_authority_ids) | Q(
            neighbourhood_id__in=scope.neighbourhood_ids
        )
        return self.filter(Exists(links.filter(mine))).exclude(Exists(links.exclude(mine)))

    def accepted(self) -> InterventionQuerySet:
        return self.filter(status=Status.ACCEPTED)

    def for_neighbourhood(self, neighbourhood) -> InterventionQuerySet:
        return self.filter(neighbourhoods=neighbourhood)

    def overlapping(self, start, end) -> InterventionQuerySet:
        """Running at some time between ``start`` and ``end`` (dates, either may be None for open)."""
        qs = self
        if end is not None:
            qs = qs.filter(start_date__lte=end)
        if start is not None:
            qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        return qs


class Intervention(models.Model):
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    neighbourhoods = models.ManyToManyField(Neighbourhood, related_name="interventions")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Leave empty while it is still running.")
    lead_organisation = models.CharField(max_length=160)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="intervention_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in Status]), name="intervention_status_known"),
            # A proposal is undecided; a decided one says when it was decided.
            models.CheckConstraint(
                condition=Q(status=Status.PROPOSED, decided_at__isnull=True)
                | Q(status__in=[Status.ACCEPTED, Status.DECLINED], decided_at__isnull=False),
                name="intervention_decision_matches_status",
            ),
            models.CheckConstraint(condition=Q(title__regex=r"\S"), name="intervention_title_not_blank"),
            models.CheckConstraint(
                condition=Q(lead_organisation__regex=r"\S"), name="intervention_lead_organisation_not_blank"
            ),
        ]
        indexes = [models.Index(fields=["status", "start_date"], name="intervention_status_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def factor_keys(self) -> list[str]:
        return [link.factor for link in self.factor_links.all()]

    @property
    def recommendation_keys(self) -> list[str]:
        return [link.recommendation for link in self.recommendation_links.all()]


class InterventionFactor(models.Model):
    """One of the report's factors that an intervention addresses."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="factor_links")
    factor = models.CharField(max_length=30, choices=FACTORS)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["intervention", "factor"], name="intervention_factor_once"),
            models.CheckConstraint(
                condition=Q(factor__in=[key for key, _ in FACTORS]), name="intervention_factor_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intervention_id}: {self.factor}"


class InterventionRecommendation(models.Model):
    """One of the report's recommendations that an intervention answers."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="recommendation_links")
    recommendation = models.CharField(max_length=40, choices=RECOMMENDATIONS)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["intervention", "recommendation"], name="intervention_recommendation_once"),
            models.CheckConstraint(
                condition=Q(recommendation__in=[key for key, _ in RECOMMENDATIONS]),
                name="intervention_recommendation_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intervention_id}: {self.recommendation}"
