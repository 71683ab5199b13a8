"""Official statistics: indicators, the periods they cover, observations and where each came from.

An observation is one figure for one area and one period. Small areas (LSOAs)
and local authorities are both observable: ``small_area`` or ``local_authority``
is set, never both (a CheckConstraint says so), and each has its own partial
unique index ``(indicator, period, area)``. Those indexes are also what the
engine's ``SUM(value) … WHERE indicator = … AND period = … GROUP BY`` reads.

Counts and denominators are stored as they are published (claimant counts keep
Nomis's rounding to 5); a rate for a group of areas is a sum of numerators over
a sum of denominators, never a mean of rates.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from indicators.access.permissions import may_run_imports
from indicators.access.scope import scope_for
from indicators.places.models import Deprivation, LocalAuthority, SmallArea


class Indicator(models.Model):
    class Kind(models.TextChoices):
        COUNT = "count", "Count"
        RATE = "rate", "Rate (as published)"
        RATIO = "ratio", "Rate defined as numerator ÷ denominator"

    class Level(models.TextChoices):
        SMALL_AREA = "small_area", "Small areas"
        LOCAL_AUTHORITY = "local_authority", "Local authorities"

    class DenominatorPeriod(models.TextChoices):
        SAME = "same", "The same period"
        YEAR = "year", "The calendar year the period starts in"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=40, help_text="e.g. 'people', '% of residents aged 16-64'.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.SMALL_AREA)
    dataset_id = models.CharField("source dataset", max_length=20, blank=True, help_text="Nomis id, e.g. NM_162_1.")
    description = models.TextField(blank=True)
    numerator = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    denominator = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    multiplier = models.DecimalField(
        max_digits=10, decimal_places=2, default=1, help_text="A ratio is numerator ÷ denominator, times this."
    )
    denominator_period = models.CharField(
        max_length=10,
        choices=DenominatorPeriod.choices,
        default=DenominatorPeriod.SAME,
        help_text="Which denominator figure a ratio uses for a period: the same period, or that year's.",
    )
    census = models.BooleanField(default=False, help_text="A bare year in its files is a census year.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="ratio", numerator__isnull=False, denominator__isnull=False))
                | (~Q(kind="ratio") & Q(numerator__isnull=True, denominator__isnull=True)),
                name="indicator_ratio_has_parts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_ratio(self) -> bool:
        return self.kind == self.Kind.RATIO

    @property
    def has_rate_per_area(self) -> bool:
        """A published rate, or a ratio of two counts: each area has a rate of its own that can be compared."""
        return self.kind in (self.Kind.RATE, self.Kind.RATIO)

    @property
    def adds_up_across_areas(self) -> bool:
        """The one rule on sums: only a count may be added up across areas. A rate (published, or a ratio's
        result) may not: a group's rate is its parts summed then divided, and a published rate has no parts."""
        return self.kind == self.Kind.COUNT

    def check_adds_up(self, *, across: str = "areas") -> None:
        """Refuse, in words, to sum this indicator across areas (or categories) where a sum would be wrong."""
        if not self.adds_up_across_areas:
            raise NotSummableError(
                f"'{self.slug}' is a {self.get_kind_display().lower()}: its figures cannot be added up across "
                f"{across} (a sum of rates is no rate). Use the counts it is made of, or compare areas one by one."
            )


class NotSummableError(ValueError):
    """A sum of a rate was asked for."""


class Period(models.Model):
    """A normalised time period. Unique by kind and start, so every file that says
    'December 2021', '2021-12' or 'Dec-21' lands on the same row."""

    class Kind(models.TextChoices):
        MONTH = "month", "Month"
        QUARTER = "quarter", "Quarter"
        YEAR = "year", "Year"
        ROLLING_YEAR = "rolling_year", "12 months to"
        CENSUS = "census", "Census year"

    kind = models.CharField(max_length=15, choices=Kind.choices)
    start = models.DateField()
    end = models.DateField()
    label = models.CharField(max_length=40)

    class Meta:
        ordering = ["start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "start"], name="period_once"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def describe(cls, kind: str, start: dt.date) -> tuple[dt.date, str]:
        """The end date and readable label of a period of this kind starting on this date."""
        months = {cls.Kind.MONTH: 1, cls.Kind.QUARTER: 3}.get(kind, 12)
        last_month_index = start.year * 12 + start.month - 1 + months - 1
        end_year, end_month = divmod(last_month_index, 12)
        end_month += 1
        end = dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
        if kind == cls.Kind.MONTH:
            label = start.strftime("%B %Y")
        elif kind == cls.Kind.QUARTER:
            label = f"{start:%b}-{end:%b %Y}"
        elif kind == cls.Kind.ROLLING_YEAR:
            label = f"{start:%b %Y}-{end:%b %Y}"
        elif kind == cls.Kind.CENSUS:
            label = f"Census {start.year}"
        else:
            label = str(start.year)
        return end, label


class ImportQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportQuerySet:
        """Imports are provenance records for admins only."""
        return self.all() if may_run_imports(user) else self.none()


class Import(models.Model):
    """One attempt to load one file: where it came from, what it did, and what went wrong."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Stored"
        UNCHANGED = "unchanged", "Same file as before: nothing to do"
        FAILED = "failed", "Failed: nothing stored"

    class Format(models.TextChoices):
        NOMIS = "nomis", "Nomis CSV"
        TIDY = "tidy", "Tidy CSV (columns named by the user)"
        GENERATED = "generated", "Generated in the application"
        # Areas, not figures: the same record (stored file, runs, retention, errors) for the areas an admin uploads.
        AREAS = "areas", "Areas (CSV or ONS GeoJSON)"

    indicator = models.ForeignKey(
        Indicator,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="imports",
        help_text="The indicator a file of figures goes into; none for a file of areas.",
    )
    format = models.CharField(max_length=10, choices=Format.choices)
    source = models.CharField(
        max_length=200, help_text="Where the file came from: an upload, a command, the Nomis API, or synthetic data."
    )
    file_name = models.CharField(max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    dataset_id = models.CharField(max_length=20, blank=True)
    options = models.JSONField(default=dict, blank=True, help_text="Column names and filters used for this file.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    same_as = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="The earlier import."
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    rows_read = models.PositiveIntegerField(default=0)
    rows_inserted = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0, help_text="Filtered out, or for areas we do not hold.")
    unknown_area_count = models.PositiveIntegerField(default=0)
    unknown_area_sample = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True, help_text="[{line, column, message}]")
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Runs started: one more than the workers that stopped part-way through it."
    )
    file_deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the stored upload was deleted (its name and SHA-256 are kept)."
    )

    objects = ImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["indicator", "sha256"], name="import_indicator_hash")]
        constraints = [
            models.CheckConstraint(
                condition=Q(format="areas", indicator__isnull=True) | (~Q(format="areas") & Q(indicator__isnull=False)),
                name="import_indicator_unless_areas",
            ),
        ]

    def __str__(self) -> str:
        target = "areas" if self.is_areas else self.indicator.slug
        return f"{self.file_name} → {target} ({self.get_status_display()})"

    @property
    def is_areas(self) -> bool:
        return self.format == self.Format.AREAS

    @property
    def areas_kind_label(self) -> str:
        """A file of areas: the kind it holds, in words ("Electoral ward")."""
        kind = (self.options or {}).get("kind", "")
        return SmallArea.Kind(kind).label if kind in SmallArea.Kind.values else kind

    @property
    def rows_stored(self) -> int:
        return self.rows_inserted + self.rows_updated

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.UNCHANGED, self.Status.FAILED}


class ObservationStatus(models.TextChoices):
    NORMAL = "normal", "Normal value"
    MISSING = "missing", "Missing"
    UNRELIABLE = "unreliable", "Unreliable (small sample)"
    NO_ESTIMATE = "no_estimate", "No estimate (sample too small)"
    BELOW_500 = "below_500", "Estimate below 500"
    ROUNDED = "rounded", "Rounded"
    ESTIMATED = "estimated", "Estimated"
    PROVISIONAL = "provisional", "Provisional"
    BREAK = "break", "Break in series"


class ObservationQuerySet(models.QuerySet):
    def visible_to(self, user) -> ObservationQuerySet:
        """Figures for the places the user looks after (admins: everything).

        A small area is visible through its local authority or a neighbourhood
        that contains it; a local authority's own figures through that authority.
        """
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        if not user or not user.is_authenticated:
            return self.none()
        areas = SmallArea.objects.visible_to(user).values("pk")
        authorities = LocalAuthority.objects.visible_to(user).values("pk")
        return self.filter(Q(small_area__in=areas) | Q(local_authority__in=authorities))


class Observation(models.Model):
    # Indexes are few on purpose: every one costs time on a million-row import. (indicator, period, area) is served
    # by the partial unique indexes below; indicator and period need no index of their own.
    # The references are checked by statement-level triggers (migration 0010), one set-based query per statement,
    # not by foreign-key constraints that PostgreSQL checks one row at a time: the same promise, at a fraction of a
    # first import's cost. Django's on_delete still applies.
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="observations", db_index=False, db_constraint=False
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="observations", db_index=False, db_constraint=False
    )
    small_area = models.ForeignKey(
        "indicators.SmallArea",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="observations",
        db_constraint=False,
    )
    local_authority = models.ForeignKey(
        "indicators.LocalAuthority",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="observations",
        db_index=False,  # a partial index below: small-area rows (nearly all) need no entry
        db_constraint=False,
    )
    value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    status = models.CharField(max_length=12, choices=ObservationStatus.choices, default=ObservationStatus.NORMAL)
    status_code = models.CharField(
        max_length=4, blank=True, help_text="The publisher's own code or marker: Nomis A/Q, APS ! * ~ -."
    )
    source_import = models.ForeignKey(
        Import, on_delete=models.PROTECT, related_name="observations", db_constraint=False
    )

    objects = ObservationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(small_area__isnull=False, local_authority__isnull=True)
                | Q(small_area__isnull=True, local_authority__isnull=False),
                name="observation_one_area",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "small_area"],
                condition=Q(small_area__isnull=False),
                name="observation_small_area_once",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "local_authority"],
                condition=Q(local_authority__isnull=False),
                name="observation_local_authority_once",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(status="normal"), name="observation_normal_has_value"
            ),
        ]
        indexes = [
            models.Index(fields=["local_authority"], condition=Q(local_authority__isnull=False), name="observation_la"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.slug} {self.area_code} {self.period}: {self.value}"

    @property
    def area_code(self) -> str:
        area = self.small_area or self.local_authority
        return area.code if area else ""


class ObservationRevision(models.Model):
    """A value that a later import replaced: what it was, what it became, and which import did it."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="revisions")
    replaced_by = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="revisions")
    previous_import = models.ForeignKey(Import, null=True, on_delete=models.SET_NULL, related_name="+")
    old_value = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    old_status = models.CharField(max_length=12, choices=ObservationStatus.choices)
    old_status_code = models.CharField(max_length=4, blank=True)
    new_value = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    new_status = models.CharField(max_length=12, choices=ObservationStatus.choices)
    new_status_code = models.CharField(max_length=4, blank=True)

    class Meta:
        ordering = ["replaced_by", "observation"]

    def __str__(self) -> str:
        return f"{self.observation_id}: {self.old_value} → {self.new_value}"


class LsoaLookup(models.Model):
    """One row of the ONS LSOA 2011 → LSOA 2021 lookup (codes, not foreign keys: the
    national file names areas we may not hold)."""

    class Change(models.TextChoices):
        UNCHANGED = "U", "Unchanged"
        SPLIT = "S", "Split"
        MERGED = "M", "Merged"
        COMPLEX = "X", "Complex"

    lsoa11_code = models.CharField(max_length=9, db_index=True)
    lsoa11_name = models.CharField(max_length=120)
    lsoa21_code = models.CharField(max_length=9, db_index=True)
    lsoa21_name = models.CharField(max_length=120)
    change = models.CharField(max_length=1, choices=Change.choices)
    local_authority_code = models.CharField(max_length=9, help_text="LTLA 2022 code.")
    local_authority_name = models.CharField(max_length=100)

    class Meta:
        ordering = ["lsoa11_code", "lsoa21_code"]
        verbose_name = "LSOA 2011 → 2021 lookup row"
        constraints = [models.UniqueConstraint(fields=["lsoa11_code", "lsoa21_code"], name="lsoa_lookup_once")]

    def __str__(self) -> str:
        return f"{self.lsoa11_code} → {self.lsoa21_code} ({self.change})"


class DeprivationDomain(models.Model):
    """One small area's score, rank and decile on one domain of one edition of the English Indices of
    Deprivation, as its File 7 gives them (the IMD itself is ``places.Deprivation``)."""

    class Domain(models.TextChoices):
        INCOME = "income", "Income"
        EMPLOYMENT = "employment", "Employment"
        EDUCATION = "education", "Education, skills and training"
        HEALTH = "health", "Health deprivation and disability"
        CRIME = "crime", "Crime"
        BARRIERS = "barriers", "Barriers to housing and services"
        LIVING_ENVIRONMENT = "living_environment", "Living environment"

    small_area = models.ForeignKey(SmallArea, on_delete=models.CASCADE, related_name="deprivation_domains")
    edition = models.CharField(max_length=10, choices=Deprivation.Edition.choices)
    domain = models.CharField(max_length=20, choices=Domain.choices)
    score = models.DecimalField(max_digits=8, decimal_places=3)
    rank = models.PositiveIntegerField(help_text="Rank on this domain, where 1 is the most deprived.")
    decile = models.PositiveSmallIntegerField(help_text="Decile on this domain, where 1 is the most deprived 10%.")

    class Meta:
        ordering = ["edition", "domain", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["small_area", "edition", "domain"], name="deprivation_domain_once"),
            models.CheckConstraint(condition=Q(decile__gte=1, decile__lte=10), name="deprivation_domain_decile_1_10"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="deprivation_domain_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.small_area_id} {self.edition} {self.domain}: decile {self.decile}"
