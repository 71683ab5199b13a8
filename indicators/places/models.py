"""The places Rebalance monitors: local authorities, small areas, neighbourhoods."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Greatest, Least

from indicators.access.scope import scope_for


class Region(models.Model):
    """A group of local authorities that the report compares (e.g. Tees Valley)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LocalAuthorityQuerySet(models.QuerySet):
    def visible_to(self, user) -> LocalAuthorityQuerySet:
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        return self.filter(
            Q(pk__in=scope.local_authority_ids) | Q(neighbourhoods__pk__in=scope.neighbourhood_ids)
        ).distinct()


class LocalAuthority(models.Model):
    code = models.CharField(
        "GSS code", max_length=9, unique=True, help_text="E06, E07, E08 or E09 followed by six digits."
    )
    name = models.CharField(max_length=100)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="local_authorities"
    )

    objects = LocalAuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^E0[6-9][0-9]{6}$"), name="local_authority_code_format"),
        ]

    def __str__(self) -> str:
        return self.name


class SmallAreaQuerySet(models.QuerySet):
    def visible_to(self, user) -> SmallAreaQuerySet:
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        return self.filter(
            Q(local_authority_id__in=scope.local_authority_ids) | Q(neighbourhoods__pk__in=scope.neighbourhood_ids)
        ).distinct()

    def deprived(self, *, edition: str | None = None) -> SmallAreaQuerySet:
        """Small areas in the deprived deciles (REBALANCE_DEPRIVED_MAX_DECILE) of an edition."""
        from indicators.places.deprivation import deprived_edition  # the rule reads this module's models

        edition = edition or deprived_edition()
        return self.filter(
            deprivation__edition=edition,
            deprivation__decile__lte=settings.REBALANCE_DEPRIVED_MAX_DECILE,
        )


class SmallArea(models.Model):
    """A small area of one kind: an LSOA or MSOA of one census's boundaries, a ward, or a custom area (an estate).

    The code and the kind together name an area: LSOA E01000001 of 2011 and LSOA E01000001 of 2021 are two rows,
    each with its own deprivation and figures, so importing one edition never turns the other into it.
    """

    class Kind(models.TextChoices):
        LSOA11 = "lsoa11", "LSOA (2011 boundaries)"
        LSOA21 = "lsoa21", "LSOA (2021 boundaries)"
        MSOA11 = "msoa11", "MSOA (2011 boundaries)"
        MSOA21 = "msoa21", "MSOA (2021 boundaries)"
        WARD = "ward", "Electoral ward"
        OA21 = "oa21", "Output area (2021 boundaries)"
        CUSTOM = "custom", "Custom area (e.g. an estate)"

    # Which kind a bare code means when both vintages hold it and the caller did not say: the newest boundaries.
    PREFERENCE = (Kind.LSOA21, Kind.LSOA11, Kind.MSOA21, Kind.MSOA11, Kind.WARD, Kind.OA21, Kind.CUSTOM)
    # The ONS code's entity prefix for each kind (E or W, then these two digits); wards of any year are E05/W05.
    CODE_PREFIX = {
        Kind.LSOA11: "01",
        Kind.LSOA21: "01",
        Kind.MSOA11: "02",
        Kind.MSOA21: "02",
        Kind.WARD: "05",
        Kind.OA21: "00",
    }
    LSOA_KINDS = (Kind.LSOA11, Kind.LSOA21)

    code = models.CharField(
        "code",
        max_length=20,
        help_text="The ONS code (E or W and eight digits), or your own short code for a custom area.",
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="small_areas")
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    # The area's outline as a GeoJSON geometry (longitude, latitude), simplified for drawing maps; empty until
    # boundaries are loaded.
    boundary = models.JSONField(null=True, blank=True)
    # A custom area's LSOAs (from a list, or those whose centres lie inside its outline); empty for other kinds.
    members = models.ManyToManyField("self", symmetrical=False, related_name="custom_areas", blank=True)

    objects = SmallAreaQuerySet.as_manager()

    class Meta:
        ordering = ["code", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["code", "kind"], name="small_area_code_once_per_kind"),
            models.CheckConstraint(
                condition=(~Q(kind="custom") & Q(code__regex=r"^[EW][0-9]{8}$"))
                | Q(kind="custom", code__regex=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$"),
                name="small_area_code_format_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @classmethod
    def code_fits_kind(cls, code: str, kind: str) -> bool:
        """Whether a code can name an area of this kind (a ward code is no LSOA): the one rule importers use."""
        if kind == cls.Kind.CUSTOM:
            return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}", code))
        prefix = cls.CODE_PREFIX.get(kind)
        return bool(prefix and re.fullmatch(rf"[EW]{prefix}[0-9]{{6}}", code))


class Deprivation(models.Model):
    """One small area's place on one edition of the Index of Multiple Deprivation."""

    class Edition(models.TextChoices):
        IOD2019 = "iod2019", "English Indices of Deprivation 2019"
        IOD2025 = "iod2025", "English Indices of Deprivation 2025"

    # The boundaries each edition ranks: IoD2019 the 2011 LSOAs, IoD2025 the 2021 ones.
    EDITION_KIND = {Edition.IOD2019: SmallArea.Kind.LSOA11, Edition.IOD2025: SmallArea.Kind.LSOA21}

    small_area = models.ForeignKey(SmallArea, on_delete=models.CASCADE, related_name="deprivation")
    edition = models.CharField(max_length=10, choices=Edition.choices)
    rank = models.PositiveIntegerField(help_text="IMD rank, where 1 is the most deprived.")
    decile = models.PositiveSmallIntegerField(help_text="IMD decile, where 1 is the most deprived 10%.")
    score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["edition", "rank"]
        verbose_name_plural = "deprivation"
        constraints = [
            models.UniqueConstraint(fields=["small_area", "edition"], name="deprivation_once_per_edition"),
            models.CheckConstraint(condition=Q(decile__gte=1, decile__lte=10), name="deprivation_decile_1_10"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="deprivation_rank_positive"),
        ]
        # The latest edition loaded (read on most pages) and an edition's deprived areas, without a scan.
        indexes = [models.Index(fields=["edition", "decile"], name="deprivation_edition_decile")]

    def __str__(self) -> str:
        return f"{self.small_area.code} {self.edition}: rank {self.rank}, decile {self.decile}"


class NeighbourhoodQuerySet(models.QuerySet):
    def visible_to(self, user) -> NeighbourhoodQuerySet:
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        return self.filter(Q(local_authority_id__in=scope.local_authority_ids) | Q(pk__in=scope.neighbourhood_ids))

    def in_local_authority(self, code: str) -> NeighbourhoodQuerySet:
        return self.filter(local_authority__code=code)


class Neighbourhood(models.Model):
    """What an officer means by a place: a named set of small areas in one local authority."""

    name = models.CharField(max_length=120, help_text="The official name, e.g. the ONS name of an MSOA: Leeds 041.")
    known_as = models.CharField(
        max_length=120,
        blank=True,
        help_text="The name people use for the place, e.g. Swarcliffe. Shown first, with the official name beside it.",
    )
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="neighbourhoods")
    small_areas = models.ManyToManyField(SmallArea, related_name="neighbourhoods", blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NeighbourhoodQuerySet.as_manager()

    class Meta:
        ordering = ["local_authority__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "name"], name="neighbourhood_name_unique_in_la"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name people use with the official one beside it, e.g. Swarcliffe (Leeds 041); else the official one."""
        return f"{self.known_as} ({self.name})" if self.known_as else self.name


class MatchedPairQuerySet(models.QuerySet):
    def visible_to(self, user) -> MatchedPairQuerySet:
        """Pairs whose two sides the user may both see: one side alone would leak the other."""
        visible = Neighbourhood.objects.visible_to(user).values("pk")
        return self.filter(first__in=visible, second__in=visible)


class MatchedPair(models.Model):
    """Two neighbourhoods alike at baseline, compared over time (the report's method)."""

    first = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(help_text="Why these two were matched: baseline IMD rank, worklessness, size.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MatchedPairQuerySet.as_manager()

    class Meta:
        ordering = ["first__name", "second__name"]
        constraints = [
            models.CheckConstraint(condition=~Q(first=models.F("second")), name="matched_pair_two_sides"),
            models.UniqueConstraint(Least("first", "second"), Greatest("first", "second"), name="matched_pair_once"),
        ]

    def __str__(self) -> str:
        return f"{self.first} ↔ {self.second}"
