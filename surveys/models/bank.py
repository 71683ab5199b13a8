"""The question bank: reusable items, each with its wording, factor and scoring.

An item is shared (``owner`` empty: the default questionnaire's items, with their published sources) or a
council's own (``owner`` its local authority). A questionnaire's question copies an item's wording, options
and scores and keeps a link to it (``Question.bank_item``); surveys.services.bank checks that a linked
question scores exactly as its item does, so two councils asking the same item score it the same way.
Scores follow Option's rule: 0 to 100, reverse scoring already applied.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Q

from indicators.access.permissions import may_see_everything
from indicators.places.models import LocalAuthority
from surveys.models.numbers import MAX_DECIMAL_PLACES, NUMBER_DIGITS, number_rule
from surveys.models.questionnaire import Factor, QuestionKind, _translated


class BankSource(models.TextChoices):
    COMMUNITY_LIFE = "community_life", "Community Life Survey (DCMS)"
    ONS4 = "ons4", "ONS personal wellbeing (ONS4)"
    GSE = "gse", "General Self-Efficacy Scale"
    UNDERSTANDING_SOCIETY = "understanding_society", "Understanding Society"
    CRIME_SURVEY = "crime_survey", "Crime Survey for England and Wales"
    CENSUS = "census", "Census and ONS standard categories"
    OWN = "own", "Our own (no validated item exists)"


class BankItemQuerySet(models.QuerySet):
    def usable_by(self, user) -> BankItemQuerySet:
        """Shared items and the items of the authorities the user looks after (admins: every item)."""
        if may_see_everything(user):
            return self.all()
        return self.filter(Q(owner__isnull=True) | Q(owner__in=LocalAuthority.objects.visible_to(user)))

    def annotate_use(self) -> BankItemQuerySet:
        """``versions_using``: how many questionnaire versions ask the item."""
        return self.annotate(versions_using=Count("questions__version", distinct=True))


class BankItem(models.Model):
    key = models.SlugField(max_length=60, help_text="Stable name: a question made from the item takes it as key.")
    owner = models.ForeignKey(
        "indicators.LocalAuthority",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bank_items",
        help_text="The council whose own item this is; empty for a shared item.",
    )
    source_kind = models.CharField(max_length=30, choices=BankSource.choices)
    source = models.CharField(max_length=300, help_text="The exact source, as a question made from it records it.")
    factor = models.CharField(max_length=30, choices=Factor.choices)
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    text = models.CharField(max_length=400)
    hint = models.CharField(max_length=400, blank=True)
    scored = models.BooleanField(default=True)
    reverse_scored = models.BooleanField(default=False)
    min_value = models.DecimalField(max_digits=NUMBER_DIGITS, decimal_places=MAX_DECIMAL_PLACES, null=True, blank=True)
    max_value = models.DecimalField(max_digits=NUMBER_DIGITS, decimal_places=MAX_DECIMAL_PLACES, null=True, blank=True)
    decimal_places = models.PositiveSmallIntegerField(default=0, help_text="Number items: 0 for whole numbers.")
    max_length = models.PositiveIntegerField(default=500)
    demographic = models.CharField(max_length=20, blank=True)
    translations = models.JSONField(default=dict, blank=True, help_text='{"cy": {"text": "…", "hint": "…"}}.')
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BankItemQuerySet.as_manager()

    class Meta:
        ordering = ["factor", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(owner__isnull=True), name="bank_item_shared_key_unique"
            ),
            models.UniqueConstraint(fields=["owner", "key"], name="bank_item_owner_key_unique"),
            models.CheckConstraint(condition=Q(factor__in=Factor.values), name="bank_item_factor_known"),
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="bank_item_kind_known"),
            models.CheckConstraint(condition=Q(source_kind__in=BankSource.values), name="bank_item_source_kind_known"),
            models.CheckConstraint(
                condition=~Q(kind__in=["multiple", "text"]) | Q(scored=False),
                name="bank_item_multiple_and_text_unscored",
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="bank_item_min_not_above_max",
            ),
            models.CheckConstraint(
                condition=Q(decimal_places=0) | Q(kind="number", decimal_places__lte=MAX_DECIMAL_PLACES),
                name="bank_item_decimal_places_number_0_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.text}"

    def text_in(self, language: str | None = None) -> str:
        return _translated(self, "text", language)

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    @property
    def number_rule(self) -> str:
        if self.kind != QuestionKind.NUMBER:
            return ""
        return number_rule(places=self.decimal_places, low=self.min_value, high=self.max_value)


class BankOption(models.Model):
    item = models.ForeignKey(BankItem, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(max_length=40)
    position = models.PositiveIntegerField()
    label = models.CharField(max_length=200)
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0 to 100, reverse scoring applied.")
    exclusive = models.BooleanField(default=False)
    translations = models.JSONField(default=dict, blank=True, help_text='{"cy": {"label": "…"}}.')

    class Meta:
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="bank_option_code_unique_in_item"),
            models.UniqueConstraint(fields=["item", "position"], name="bank_option_position_unique_in_item"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="bank_option_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def label_in(self, language: str | None = None) -> str:
        return _translated(self, "label", language)
