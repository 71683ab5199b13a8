"""Rollup tables: every figure a page shows is read from here, never from raw answers.

Disclosure is decided when a row is written: a withheld figure has its numbers
left empty and says why, so nothing downstream can show it by mistake.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from indicators.access.scope import scope_for
from indicators.places.models import LocalAuthority, MatchedPair, Neighbourhood
from surveys.models import Wave


class Trend(models.TextChoices):
    BETTER = "better", "Better"
    NO_CLEAR_CHANGE = "no_clear_change", "No clear change"
    WORSE = "worse", "Worse"


class ResidentScore(models.Model):
    """One resident's score on one factor: the mean of their scored answers to its questions.

    Written once per completed response (answers of a completed response never change) and
    removed when it is withdrawn, so that a full recompute sums 1.6M of these per 200,000
    residents rather than re-reading 6M answers; the nightly run rescores from the answers and
    mends any that differ. It carries the response's wave, neighbourhood, age band and sex so that
    the cells are one pass over this table alone. Internal, never shown.
    """

    # Lookups by response use the unique constraint's index (response, factor).
    response = models.ForeignKey("surveys.Response", on_delete=models.CASCADE, related_name="+", db_index=False)
    wave = models.ForeignKey("surveys.Wave", on_delete=models.CASCADE, related_name="+", db_index=False)
    neighbourhood = models.ForeignKey(
        "indicators.Neighbourhood", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    age_band = models.CharField(max_length=20, blank=True)
    sex = models.CharField(max_length=20, blank=True)
    factor = models.CharField(max_length=30)
    score = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "factor"], name="resident_score_once"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="resident_score_0_100"),
        ]
        indexes = [models.Index(fields=["wave", "neighbourhood"], name="resident_score_cell")]

    def __str__(self) -> str:
        return f"response {self.response_id} · {self.factor} · {self.score:.1f}"


class FactorCell(models.Model):
    """Internal sums for one neighbourhood, wave, factor, age band and sex; never shown.

    A resident's factor score is the mean of their scored answers to the factor's
    questions; a cell keeps the count, sum and sum of squares of those scores, so
    every figure above it (neighbourhood, authority, wave, weighted or not) is a
    sum of cells rather than another pass over the answers.
    """

    wave = models.ForeignKey("surveys.Wave", on_delete=models.CASCADE, related_name="+")
    neighbourhood = models.ForeignKey("indicators.Neighbourhood", on_delete=models.CASCADE, related_name="+")
    factor = models.CharField(max_length=30)
    age_band = models.CharField(max_length=20, blank=True)
    sex = models.CharField(max_length=20, blank=True)
    n = models.PositiveIntegerField()
    total = models.FloatField()
    squares = models.FloatField()
    favourable = models.PositiveIntegerField(help_text="Residents whose factor score is above 50.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "neighbourhood", "factor", "age_band", "sex"], name="factor_cell_once"
            ),
        ]

    def __str__(self) -> str:
        return f"cell {self.neighbourhood_id} · {self.factor} · {self.age_band or '?'} {self.sex or '?'}"


class FactorScoreQuerySet(models.QuerySet):
    def visible_to(self, user) -> FactorScoreQuerySet:
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        # Neighbourhood rows of their neighbourhoods; authority rows only for authorities they look
        # after as a whole; the wave-wide row (the survey's benchmark) for waves they take part in.
        return self.filter(
            Q(
                level=FactorScore.Level.NEIGHBOURHOOD,
                neighbourhood__in=Neighbourhood.objects.visible_to(user).values("pk"),
            )
            | Q(
                level=FactorScore.Level.LOCAL_AUTHORITY,
                local_authority__in=LocalAuthority.objects.filter(pk__in=scope.local_authority_ids).values("pk"),
            )
            | Q(level=FactorScore.Level.WAVE, wave__in=Wave.objects.visible_to(user).values("pk"))
        )


class FactorScore(models.Model):
    """A factor's score for one neighbourhood (or a whole local authority, or a whole wave) in one wave."""

    class Level(models.TextChoices):
        NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        WAVE = "wave", "Everyone surveyed in the wave"

    level = models.CharField(max_length=20, choices=Level.choices)
    wave = models.ForeignKey("surveys.Wave", on_delete=models.CASCADE, related_name="+")
    neighbourhood = models.ForeignKey(
        "indicators.Neighbourhood", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    local_authority = models.ForeignKey(
        "indicators.LocalAuthority", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    factor = models.CharField(max_length=30)
    responses = models.PositiveIntegerField(help_text="Residents who answered at least one of the factor's items.")
    withheld = models.BooleanField(default=False)
    withheld_reason = models.CharField(max_length=200, blank=True)
    mean = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    favourable_share = models.FloatField(null=True, blank=True, help_text="% of residents scoring above 50.")
    weighted_mean = models.FloatField(null=True, blank=True, help_text="Weighted to the population's age and sex.")
    weighted_ci_low = models.FloatField(null=True, blank=True)
    weighted_ci_high = models.FloatField(null=True, blank=True)
    standard_error = models.FloatField(null=True, blank=True)
    # Against the previous wave in which the same place was surveyed.
    previous_wave = models.ForeignKey(
        "surveys.Wave", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change = models.FloatField(null=True, blank=True)
    change_p_value = models.FloatField(null=True, blank=True)
    trend = models.CharField(max_length=20, choices=Trend.choices, blank=True)
    computed_at = models.DateTimeField()

    objects = FactorScoreQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "neighbourhood", "factor"],
                condition=Q(level="neighbourhood"),
                name="factor_score_neighbourhood_once",
            ),
            models.UniqueConstraint(
                fields=["wave", "local_authority", "factor"],
                condition=Q(level="local_authority"),
                name="factor_score_local_authority_once",
            ),
            models.UniqueConstraint(
                fields=["wave", "factor"], condition=Q(level="wave"), name="factor_score_wave_once"
            ),
            models.CheckConstraint(
                condition=(Q(level="neighbourhood", neighbourhood__isnull=False))
                | (Q(level="local_authority", neighbourhood__isnull=True, local_authority__isnull=False))
                | (Q(level="wave", neighbourhood__isnull=True, local_authority__isnull=True)),
                name="factor_score_level_matches_place",
            ),
            # A withheld figure carries no numbers at all.
            models.CheckConstraint(
                condition=Q(withheld=False)
                | Q(
                    mean__isnull=True,
                    ci_low__isnull=True,
                    ci_high__isnull=True,
                    favourable_share__isnull=True,
                    weighted_mean__isnull=True,
                    standard_error__isnull=True,
                    change__isnull=True,
                ),
                name="factor_score_withheld_is_empty",
            ),
            models.CheckConstraint(
                condition=Q(withheld=True) | Q(mean__isnull=False), name="factor_score_shown_has_mean"
            ),
        ]

    def __str__(self) -> str:
        place = self.neighbourhood or self.local_authority or "wave"
        return f"{place} · {self.factor} · wave {self.wave_id}"


class PopulationGroup(models.Model):
    """A neighbourhood's residents in one age band and sex: the weights for a weighted estimate."""

    neighbourhood = models.ForeignKey("indicators.Neighbourhood", on_delete=models.CASCADE, related_name="population")
    age_band = models.CharField(max_length=20)
    sex = models.CharField(max_length=20)
    people = models.PositiveIntegerField()
    source = models.CharField(max_length=200, help_text="Where the profile comes from, e.g. Census 2021 TS009.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "age_band", "sex"], name="population_group_once"),
        ]

    def __str__(self) -> str:
        return f"{self.neighbourhood_id}: {self.age_band} {self.sex}: {self.people}"


class WorklessnessPointQuerySet(models.QuerySet):
    def visible_to(self, user) -> WorklessnessPointQuerySet:
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        return self.filter(
            Q(neighbourhood__in=Neighbourhood.objects.visible_to(user).values("pk"))
            | Q(local_authority__in=LocalAuthority.objects.visible_to(user).values("pk"))
            | Q(level=WorklessnessPoint.Level.BENCHMARK)
        )


class WorklessnessPoint(models.Model):
    """A rate for one place and period: the sum of numerators over the sum of denominators.

    For the benchmark level it is the mean of the reference set's small-area rates,
    as the report compares neighbourhoods with the average deprived neighbourhood.
    """

    class Level(models.TextChoices):
        NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        BENCHMARK = "benchmark", "Deprived small areas in England"

    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey("indicators.Period", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=20, choices=Level.choices)
    neighbourhood = models.ForeignKey(
        "indicators.Neighbourhood", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    local_authority = models.ForeignKey(
        "indicators.LocalAuthority", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    rate = models.FloatField(null=True, blank=True)
    areas = models.PositiveIntegerField(help_text="Small areas with both figures for this period.")
    areas_expected = models.PositiveIntegerField(help_text="Small areas in the place.")
    computed_at = models.DateTimeField()

    objects = WorklessnessPointQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "neighbourhood"],
                condition=Q(level="neighbourhood"),
                name="worklessness_neighbourhood_once",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "local_authority"],
                condition=Q(level="local_authority"),
                name="worklessness_local_authority_once",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"], condition=Q(level="benchmark"), name="worklessness_benchmark_once"
            ),
            models.CheckConstraint(
                condition=(Q(level="neighbourhood", neighbourhood__isnull=False, local_authority__isnull=True))
                | (Q(level="local_authority", neighbourhood__isnull=True, local_authority__isnull=False))
                | (Q(level="benchmark", neighbourhood__isnull=True, local_authority__isnull=True)),
                name="worklessness_level_matches_place",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "level", "period"], name="worklessness_series")]

    def __str__(self) -> str:
        return f"{self.level} {self.neighbourhood_id or self.local_authority_id or ''} {self.period_id}: {self.rate}"


class RecomputeRun(models.Model):
    """One full recompute: when, how long, and where it disagreed with the incremental figures."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=40)
    task_id = models.CharField(max_length=64, blank=True, db_index=True, help_text="The Celery task, if any.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_written = models.PositiveIntegerField(default=0)
    differences = models.JSONField(default=list, blank=True, help_text="Rows whose incremental figures differed.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} recompute at {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class PairComparisonQuerySet(models.QuerySet):
    def visible_to(self, user) -> PairComparisonQuerySet:
        return self.filter(pair__in=MatchedPair.objects.visible_to(user).values("pk"))


class PairComparison(models.Model):
    """A matched pair on one measure at one wave (a factor) or period (worklessness).

    The gap is first minus second; each side's change is since the pair's previous
    row; the difference-in-differences is the change in the gap since the pair's
    baseline (its first row with both sides shown).
    """

    pair = models.ForeignKey("indicators.MatchedPair", on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=80, help_text="A factor key, or 'worklessness:<indicator slug>'.")
    wave = models.ForeignKey("surveys.Wave", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey("indicators.Period", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    withheld = models.BooleanField(default=False)
    withheld_reason = models.CharField(max_length=200, blank=True)
    first_value = models.FloatField(null=True, blank=True)
    second_value = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    first_change = models.FloatField(null=True, blank=True)
    second_change = models.FloatField(null=True, blank=True)
    difference_in_differences = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField()

    objects = PairComparisonQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "measure", "wave"], condition=Q(wave__isnull=False), name="pair_comparison_wave_once"
            ),
            models.UniqueConstraint(
                fields=["pair", "measure", "period"],
                condition=Q(period__isnull=False),
                name="pair_comparison_period_once",
            ),
            models.CheckConstraint(
                condition=Q(wave__isnull=False, period__isnull=True) | Q(wave__isnull=True, period__isnull=False),
                name="pair_comparison_wave_or_period",
            ),
            models.CheckConstraint(
                condition=Q(withheld=False) | Q(first_value__isnull=True, second_value__isnull=True, gap__isnull=True),
                name="pair_comparison_withheld_is_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"pair {self.pair_id} · {self.measure} · {self.wave_id or self.period_id}"


from indicators.engine.answer_models import AnswerShare  # noqa: E402, F401  (results per question)
from indicators.engine.comparison_models import EffectEstimate, StatisticalNeighbour  # noqa: E402, F401  (comparison groups)
