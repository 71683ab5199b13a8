"""Questionnaires: a survey, its versions, their questions and options.

Scores: every option of a scored question carries ``score``, 0 to 100, *with
reverse scoring already applied* (so for a reverse-scored item the first,
"best" option may score 100). ``Question.reverse_scored`` records that the
item was reversed; nobody needs to reverse it again.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language

from surveys.models.numbers import MAX_DECIMAL_PLACES, NUMBER_DIGITS, number_rule
from surveys.models.responses import Response


class Factor(models.TextChoices):
    HOUSING_ENVIRONMENT = "housing_environment", "Housing, crime and grime"
    RETENTION = "retention", "Keeping people with better life chances"
    WORK_CONNECTION = "work_connection", "Connection to work"
    OUTLOOK = "outlook", "Community outlook"
    CONFIDENCE = "confidence", "Confidence"
    ASPIRATION = "aspiration", "Aspiration"
    LEADERSHIP = "leadership", "Community leadership and co-operation"
    TRAVEL_TO_WORK = "travel_to_work", "Willingness to travel for work"
    ABOUT_YOU = "about_you", "About you"


# The report's eight factors, in the report's order: every factor but "about you".
REPORT_FACTORS = [key for key in Factor.values if key != Factor.ABOUT_YOU]


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    SCALE = "scale", "Labelled scale (e.g. agree to disagree)"
    SCALE_0_10 = "scale_0_10", "0 to 10 scale"
    NUMBER = "number", "Number"
    YES_NO = "yes_no", "Yes or no"
    TEXT = "text", "Short free text"

    @classmethod
    def with_options(cls) -> set[str]:
        return {cls.SINGLE, cls.MULTIPLE, cls.SCALE, cls.SCALE_0_10, cls.YES_NO}


def _translated(obj, field: str, language: str | None) -> str:
    language = (language or get_language() or "en").split("-")[0]
    if language != "en":
        value = (obj.translations or {}).get(language, {}).get(field)
        if value:
            return value
    return getattr(obj, field)


class Survey(models.Model):
    """A questionnaire over time: its versions share a name and a purpose."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SurveyVersion(models.Model):
    """One fixed wording of a survey. Frozen once it has a response: a change makes a new version."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="survey_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.survey.name}, version {self.number}"

    @property
    def is_frozen(self) -> bool:
        return Response.objects.filter(wave__survey_version=self).exists()


class Question(models.Model):
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=60, help_text="Stable name within the version, used by the API and exports.")
    position = models.PositiveIntegerField(help_text="Order in the questionnaire.")
    page = models.PositiveIntegerField(help_text="Questions with the same page number are shown together.")
    factor = models.CharField(max_length=30, choices=Factor.choices)
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    text = models.CharField(max_length=400)
    hint = models.CharField(max_length=400, blank=True)
    required = models.BooleanField(default=True)
    scored = models.BooleanField(
        default=True, help_text="Whether answers count towards the factor's 0 to 100 score (Answer.score)."
    )
    reverse_scored = models.BooleanField(
        default=False, help_text="The options' scores were reversed: agreeing counts against the factor."
    )
    min_value = models.DecimalField(
        max_digits=NUMBER_DIGITS,
        decimal_places=MAX_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text="Number questions: smallest accepted.",
    )
    max_value = models.DecimalField(
        max_digits=NUMBER_DIGITS,
        decimal_places=MAX_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text="Number questions: largest accepted.",
    )
    decimal_places = models.PositiveSmallIntegerField(
        default=0, help_text="Number questions: how many decimal places an answer may have; 0 for whole numbers."
    )
    max_length = models.PositiveIntegerField(default=500, help_text="Free text: longest accepted.")
    show_if_question = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dependants",
        help_text="Skip logic: show only when this earlier question's answer is one of show_if_values.",
    )
    show_if_values = models.JSONField(default=list, blank=True, help_text="Option codes that show this question.")
    demographic = models.CharField(
        max_length=20,
        blank=True,
        choices=[("age_band", "Age band"), ("sex", "Sex")],
        help_text="Copied onto the response so that figures can be weighted.",
    )
    source = models.CharField(max_length=300, help_text="Where the item comes from, or 'Rebalance' for our own.")
    translations = models.JSONField(
        default=dict, blank=True, help_text='Other languages: {"cy": {"text": "…", "hint": "…"}}.'
    )
    bank_item = models.ForeignKey(
        "surveys.BankItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
        help_text="The question bank item this question was made from; it scores exactly as the item does.",
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_key_unique_in_version"),
            models.UniqueConstraint(fields=["version", "position"], name="question_position_unique_in_version"),
            models.CheckConstraint(condition=Q(factor__in=Factor.values), name="question_factor_known"),
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="question_kind_known"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="question_min_not_above_max",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["multiple", "text"]) | Q(scored=False),
                name="question_multiple_and_text_unscored",
            ),
            models.CheckConstraint(
                condition=Q(decimal_places=0) | Q(kind="number", decimal_places__lte=MAX_DECIMAL_PLACES),
                name="question_decimal_places_number_0_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.text}"

    def text_in(self, language: str | None = None) -> str:
        return _translated(self, "text", language)

    def hint_in(self, language: str | None = None) -> str:
        return _translated(self, "hint", language)

    @property
    def has_options(self) -> bool:
        return self.kind in QuestionKind.with_options()

    @property
    def number_rule(self) -> str:
        """What a number question accepts, in words for staff: "numbers with up to 2 decimal places from 0.5 to 10"."""
        if self.kind != QuestionKind.NUMBER:
            return ""
        return number_rule(places=self.decimal_places, low=self.min_value, high=self.max_value)


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(max_length=40, help_text="Stable value submitted by forms and the API.")
    position = models.PositiveIntegerField()
    label = models.CharField(max_length=200)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="0 to 100 towards the factor, reverse scoring applied. Empty: not scored."
    )
    exclusive = models.BooleanField(default=False, help_text="Multiple choice: cannot be combined (e.g. 'None').")
    translations = models.JSONField(default=dict, blank=True, help_text='Other languages: {"cy": {"label": "…"}}.')

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_code_unique_in_question"),
            models.UniqueConstraint(fields=["question", "position"], name="option_position_unique_in_question"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="option_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def label_in(self, language: str | None = None) -> str:
        return _translated(self, "label", language)
