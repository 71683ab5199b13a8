"""How residents answered each question: the rollup behind "Results per question".

Kept in its own module (imported by ``indicators.engine.models``) because it is one table with its own rules.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from indicators.places.models import Neighbourhood


class AnswerShareQuerySet(models.QuerySet):
    def visible_to(self, user) -> AnswerShareQuerySet:
        return self.filter(neighbourhood__in=Neighbourhood.objects.visible_to(user).values("pk"))


class AnswerShare(models.Model):
    """One option of one question in one neighbourhood and wave: how many residents chose it, and their share.

    Written by the engine (``services/answers.py``) from completed responses, never read from answers by a
    page. Disclosure is decided here, as for factor scores: a withheld row carries no count, share or change,
    and says why. Free-text questions have no rows: their answers are for administrators only.
    """

    wave = models.ForeignKey("surveys.Wave", on_delete=models.CASCADE, related_name="+")
    neighbourhood = models.ForeignKey("indicators.Neighbourhood", on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey("surveys.Question", on_delete=models.CASCADE, related_name="+")
    option_code = models.CharField(max_length=40)
    option_position = models.PositiveIntegerField()
    answered = models.PositiveIntegerField(
        null=True, blank=True, help_text="Residents who answered the question; empty when even that is withheld."
    )
    count = models.PositiveIntegerField(null=True, blank=True, help_text="Residents who chose this option.")
    share = models.FloatField(null=True, blank=True, help_text="% of those who answered the question.")
    withheld = models.BooleanField(default=False)
    withheld_reason = models.CharField(max_length=200, blank=True)
    previous_wave = models.ForeignKey(
        "surveys.Wave", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change = models.FloatField(null=True, blank=True, help_text="Share minus the previous wave's, in points.")
    computed_at = models.DateTimeField()

    objects = AnswerShareQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "neighbourhood", "question", "option_code"], name="answer_share_once"
            ),
            models.CheckConstraint(
                condition=Q(withheld=False) | Q(count__isnull=True, share__isnull=True, change__isnull=True),
                name="answer_share_withheld_is_empty",
            ),
            models.CheckConstraint(
                condition=Q(withheld=True) | Q(count__isnull=False, share__isnull=False, answered__isnull=False),
                name="answer_share_shown_has_count",
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | Q(share__gte=0, share__lte=100), name="answer_share_0_100"
            ),
        ]
        indexes = [models.Index(fields=["neighbourhood", "wave"], name="answer_share_place_wave")]

    def __str__(self) -> str:
        return f"{self.neighbourhood_id} · wave {self.wave_id} · {self.question_id} · {self.option_code}"
