"""Responses and their answers.

No IP address, user agent or other device detail is stored here. A response
points at its invitation only while the wave is open; closing the wave
removes the link (surveys.services.retention).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from indicators.places.models import Neighbourhood
from surveys.models.numbers import MAX_DECIMAL_PLACES, NUMBER_DIGITS


class Channel(models.TextChoices):
    WEB = "web", "Web (invitation code)"
    PAPER = "paper", "Paper, typed in by staff"
    API = "api", "API (kiosk or partner app)"
    OPEN_LINK = "open_link", "Open link (no code)"


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ResponseQuerySet(models.QuerySet):
    def completed(self) -> ResponseQuerySet:
        return self.filter(status=ResponseStatus.COMPLETED)

    def visible_to(self, user) -> ResponseQuerySet:
        return self.filter(neighbourhood__in=Neighbourhood.objects.visible_to(user))


class Response(models.Model):
    wave = models.ForeignKey("surveys.Wave", on_delete=models.PROTECT, related_name="responses")
    neighbourhood = models.ForeignKey("indicators.Neighbourhood", on_delete=models.PROTECT, related_name="+")
    invitation = models.OneToOneField(
        "surveys.Invitation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="response",
        help_text="Kept only while the wave is open.",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS)
    language = models.CharField(max_length=8, default="en")
    age_band = models.CharField(max_length=20, blank=True, help_text="Option code of the age band question.")
    sex = models.CharField(max_length=20, blank=True, help_text="Option code of the sex question.")
    synthetic = models.BooleanField(default=False, help_text="Made-up demo data, never a real resident.")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            # OneToOneField already makes invitation unique: one response (in progress, completed or
            # withdrawn) per code, so two simultaneous submissions of one code give one response.
            models.CheckConstraint(
                condition=Q(status="completed", completed_at__isnull=False) | ~Q(status="completed"),
                name="response_completed_has_time",
            ),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="response_channel_known"),
            models.CheckConstraint(condition=Q(status__in=ResponseStatus.values), name="response_status_known"),
            models.CheckConstraint(
                condition=~Q(channel="paper") | Q(entered_by__isnull=False) | Q(synthetic=True),
                name="response_paper_has_clerk",
            ),
        ]
        indexes = [
            # The engine's rollup: completed responses by wave and neighbourhood.
            models.Index(
                fields=["wave", "neighbourhood"], condition=Q(status="completed"), name="response_completed_rollup"
            ),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} ({self.get_status_display()})"


class Answer(models.Model):
    # No single-column indexes on these two: answer_once_per_question leads with the response and
    # answer_question_score with the question, and every index costs each of a response's ~40 rows.
    # The response, question and option are kept by triggers (migration 0003), not foreign keys: a foreign
    # key locks the row it points to for every answer, and every submission points at the same few dozen
    # questions and options, so those locks were over half of the write's work. The triggers check a
    # statement's answers together, and that the option is one of the question's, and refuse to delete
    # what answers point to. Django deletes a response's answers first (CASCADE), as before.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", db_index=False, db_constraint=False
    )
    question = models.ForeignKey(
        "surveys.Question", on_delete=models.PROTECT, related_name="answers", db_index=False, db_constraint=False
    )
    # No index either: nothing looks answers up by option alone (the triggers go by question and option).
    option = models.ForeignKey(
        "surveys.Option",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
        help_text="Single answer.",
    )
    choices = models.JSONField(default=list, blank=True, help_text="Multiple choice: the chosen option codes.")
    # Up to 12 digits before the point and 3 after (Question.decimal_places says how many a question takes).
    number = models.DecimalField(max_digits=NUMBER_DIGITS, decimal_places=MAX_DECIMAL_PLACES, null=True, blank=True)
    text = models.TextField(blank=True)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="0 to 100 for scored questions, set when answered; empty otherwise."
    )

    class Meta:
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="answer_score_0_100"
            ),
        ]
        indexes = [models.Index(fields=["question", "score"], name="answer_question_score")]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in response {self.response_id}"
