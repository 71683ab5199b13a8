"""Factories for the models every part of the suite needs."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from indicators.access.models import Assignment, Role, StaffProfile
from indicators.places.models import Deprivation, LocalAuthority, MatchedPair, Neighbourhood, Region, SmallArea


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"E08{n:06d}")
    name = factory.Sequence(lambda n: f"Authority {n}")


class SmallAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SmallArea
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"E01{n:06d}")
    name = factory.Sequence(lambda n: f"Area {n:03d}A")
    kind = SmallArea.Kind.LSOA11
    local_authority = factory.SubFactory(LocalAuthorityFactory)


class DeprivationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deprivation

    small_area = factory.SubFactory(SmallAreaFactory)
    edition = Deprivation.Edition.IOD2019
    rank = factory.Sequence(lambda n: n + 1)
    decile = 1


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Neighbourhood {n}")
    local_authority = factory.SubFactory(LocalAuthorityFactory)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        """areas=N makes N small areas in the neighbourhood's authority; a list adds those."""
        if not create:
            return
        if isinstance(extracted, int):
            extracted = SmallAreaFactory.create_batch(extracted, local_authority=self.local_authority)
        if extracted:
            self.small_areas.add(*extracted)


class MatchedPairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchedPair

    first = factory.SubFactory(NeighbourhoodFactory)
    second = factory.SubFactory(NeighbourhoodFactory, local_authority=factory.SelfAttribute("..first.local_authority"))
    reason = "Alike at baseline."


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            StaffProfile.objects.create(user=self, role=extracted)
            if extracted == Role.ADMIN:
                self.is_staff = self.is_superuser = True
        if create:
            self.save()


def staff(role: str, *, local_authorities=(), neighbourhoods=(), **kwargs):
    """A member of staff with a role and the places they look after."""
    user = UserFactory(role=role, **kwargs)
    for la in local_authorities:
        Assignment.objects.create(user=user, local_authority=la)
    for n in neighbourhoods:
        Assignment.objects.create(user=user, neighbourhood=n)
    return user


# --- Official data ---------------------------------------------------------------------------------------------
import datetime as dt  # noqa: E402

from indicators.official.models import Import, Indicator, Observation, Period  # noqa: E402


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "people"
    kind = Indicator.Kind.COUNT


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period
        django_get_or_create = ["kind", "start"]

    kind = Period.Kind.MONTH
    start = factory.Sequence(lambda n: dt.date(2013 + n // 12, n % 12 + 1, 1))
    end = factory.LazyAttribute(lambda p: Period.describe(p.kind, p.start)[0])
    label = factory.LazyAttribute(lambda p: Period.describe(p.kind, p.start)[1])


class ImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Import

    indicator = factory.SubFactory(IndicatorFactory)
    format = Import.Format.NOMIS
    source = "test"
    file_name = factory.Sequence(lambda n: f"file{n}.csv")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    status = Import.Status.SUCCEEDED


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.SubFactory(PeriodFactory)
    small_area = factory.SubFactory(SmallAreaFactory)
    value = 10
    source_import = factory.SubFactory(ImportFactory, indicator=factory.SelfAttribute("..indicator"))
