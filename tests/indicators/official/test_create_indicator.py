"""A new series needs no code: import_tidy and import_nomis --create rate|count, and a rate is never added up."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from indicators.access.models import Role
from indicators.official.models import Import, Indicator, NotSummableError, Observation
from indicators.official.selectors import neighbourhood_totals
from indicators.official.services.indicators import IndicatorError, indicator_get_or_create
from tests.factories import NeighbourhoodFactory, staff
from tests.indicators.official.helpers import CLAIMANTS_EXCEL, city_of_london_lsoas
from tests.indicators.wards import WARD_FILE, build_wards

pytestmark = pytest.mark.django_db

TIDY = ["--area-column", "ward_code", "--period-column", "date", "--no-progress"]


def _call(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_tidy_creates_a_published_rate_and_stores_the_file():
    build_wards()
    out = _call(
        "import_tidy", str(WARD_FILE), "--indicator", "ward-claimant-rate", "--create", "rate",
        "--name", "Claimant rate (wards)", *TIDY, "--value-column", "claimant_rate",
    )  # fmt: skip
    indicator = Indicator.objects.get(slug="ward-claimant-rate")
    assert (indicator.kind, indicator.level, indicator.name, indicator.unit) == (
        "rate", "small_area", "Claimant rate (wards)", "% (as published)",
    )  # fmt: skip
    assert "Created the indicator 'ward-claimant-rate' (Claimant rate (wards)): a rate (as published)" in out
    assert "600 rows read, 600 added" in out
    assert Observation.objects.filter(indicator=indicator).count() == 600

    again = _call(
        "import_tidy", str(WARD_FILE), "--indicator", "ward-claimant-rate", "--create", "rate",
        *TIDY, "--value-column", "claimant_rate",
    )  # fmt: skip
    assert "Created" not in again
    assert "nothing to do" in again
    assert Indicator.objects.filter(slug="ward-claimant-rate").count() == 1


def test_an_existing_indicator_of_another_kind_is_refused_and_nothing_changes():
    build_wards()
    indicator_get_or_create(slug="ward-claimants", kind="count")
    with pytest.raises(CommandError, match="'ward-claimants' exists already as a count; --create rate cannot"):
        call_command(
            "import_tidy", str(WARD_FILE), "--indicator", "ward-claimants", "--create", "rate",
            *TIDY, "--value-column", "claimants",
        )  # fmt: skip
    assert Indicator.objects.get(slug="ward-claimants").kind == "count"
    assert not Import.objects.exists()


def test_a_bad_file_with_create_leaves_no_indicator_behind(tmp_path):
    build_wards()
    bad = tmp_path / "wards.csv"
    bad.write_text("ward_code,date,claimant_rate\nE05013038,2024-01-01,6.5\nE05013038,2024-02-01,lots\n")
    with pytest.raises(CommandError, match="line 3"):
        call_command(
            "import_tidy", str(bad), "--indicator", "new-rate", "--create", "rate",
            *TIDY, "--value-column", "claimant_rate",
        )  # fmt: skip
    assert not Indicator.objects.filter(slug="new-rate").exists()
    assert not Import.objects.exists()
    assert not Observation.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"slug": "x-ratio", "kind": "ratio"}, "a ratio is made of two indicators already held"),
        ({"slug": "Not A Slug", "kind": "rate"}, "cannot be an indicator's slug"),
        ({"slug": "x-rate", "kind": "rate", "level": "ward"}, "the level is one of"),
    ],
)
def test_indicators_that_cannot_be_made_say_why(kwargs, message):
    with pytest.raises(IndicatorError, match=message):
        indicator_get_or_create(**kwargs)
    assert not Indicator.objects.filter(slug=kwargs["slug"]).exists()


def test_import_nomis_creates_a_count():
    city_of_london_lsoas()
    out = _call("import_nomis", str(CLAIMANTS_EXCEL), "--indicator", "cc-copy", "--create", "count", "--no-progress")
    assert Indicator.objects.get(slug="cc-copy").kind == "count"
    assert "5 added" in out


def test_a_rate_is_never_added_up_across_a_neighbourhoods_areas():
    wards = build_wards()
    rate, _ = indicator_get_or_create(slug="ward-rate", kind="rate")
    count, _ = indicator_get_or_create(slug="ward-count", kind="count")
    neighbourhood = NeighbourhoodFactory(local_authority=next(iter(wards.values())).local_authority, areas=1)
    assert count.adds_up_across_areas
    assert not rate.adds_up_across_areas
    assert list(neighbourhood_totals(indicator=count)) == []
    with pytest.raises(NotSummableError, match=r"'ward-rate' is a rate \(as published\): its figures cannot be added"):
        neighbourhood_totals(indicator=rate)

    api = APIClient()
    api.force_authenticate(staff(Role.ADMIN))
    answer = api.get(f"/api/v1/neighbourhood-figures/?indicator=ward-rate&neighbourhood={neighbourhood.pk}")
    assert answer.status_code == 400
    assert "cannot be added up" in answer.json()["indicator"]
