"""The database keeps an observation's references (migration 0010's triggers), whatever wrote the row."""

import pytest
from django.db import IntegrityError, connection, transaction

from indicators.official.importing.observations import ParsedFile, write_observations
from indicators.official.importing.periods import PeriodKey
from indicators.official.models import Observation, Period
from indicators.places.models import SmallArea
from tests.factories import ImportFactory, ObservationFactory, SmallAreaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

INSERT = (
    "INSERT INTO indicators_observation (indicator_id, period_id, small_area_id, local_authority_id, value, status, "
    "status_code, source_import_id) VALUES (%(indicator)s, %(period)s, %(small_area)s, NULL, 1, 'normal', '', "
    "%(import)s)"
)
MISSING = 987_654_321


@pytest.fixture
def stored():
    return ObservationFactory()


def _references(obs: Observation) -> dict[str, int]:
    return {
        "indicator": obs.indicator_id,
        "period": obs.period_id,
        "small_area": SmallAreaFactory(local_authority=obs.small_area.local_authority).pk,
        "import": obs.source_import_id,
    }


@pytest.mark.parametrize("reference", ["indicator", "period", "small_area", "import"])
def test_an_observation_pointing_to_nothing_is_refused(stored, reference):
    values = {**_references(stored), reference: MISSING}

    with (
        pytest.raises(IntegrityError, match=f"{MISSING}, which does not exist"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(INSERT, values)

    assert Observation.objects.count() == 1
    with connection.cursor() as cursor:  # the same row with real references goes in
        cursor.execute(INSERT, _references(stored))
    assert Observation.objects.count() == 2


def test_an_update_to_a_missing_reference_is_refused(stored):
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        Observation.objects.filter(pk=stored.pk).update(small_area_id=MISSING)
    stored.refresh_from_db()
    assert stored.small_area_id != MISSING


def test_the_importers_set_based_write_refuses_a_missing_area(stored):
    """The COPY-and-insert path of a first import: one statement, checked as a whole."""
    imp = ImportFactory(indicator=stored.indicator)
    area = SmallAreaFactory(local_authority=stored.small_area.local_authority)
    parsed = ParsedFile(
        rows=[(area.pk, None, 0, "5", "normal", ""), (MISSING, None, 0, "6", "normal", "")],
        periods=[PeriodKey(stored.period.kind, stored.period.start)],
    )

    with pytest.raises(IntegrityError, match=f"indicators_smallarea {MISSING}"), transaction.atomic():
        write_observations(parsed=parsed, indicator=stored.indicator, source_import=imp)

    assert list(Observation.objects.values_list("pk", flat=True)) == [stored.pk]


def _delete_and_commit_checks(table: str, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608 -- our own table names
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what commit would do: the check is deferred to it


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("indicators_smallarea", "small_area_id"),
        ("indicators_period", "period_id"),
        ("indicators_indicator", "indicator_id"),
        ("indicators_import", "source_import_id"),
    ],
)
def test_a_row_that_observations_point_to_cannot_be_deleted_behind_djangos_back(stored, table, column):
    target = Observation.objects.filter(pk=stored.pk).values_list(column, flat=True).get()

    # (An indicator is also kept by its imports' foreign key, which may speak first.)
    refused = "has observations|foreign key constraint"
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        _delete_and_commit_checks(table, target)

    assert Observation.objects.filter(pk=stored.pk).exists()


def test_django_still_cascades_and_protects(stored):
    with pytest.raises(Exception, match="protected"):
        Period.objects.filter(pk=stored.period_id).delete()
    SmallArea.objects.filter(pk=stored.small_area_id).delete()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert not Observation.objects.exists()
