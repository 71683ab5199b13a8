"""Helpers shared by the official-data tests."""

from __future__ import annotations

from pathlib import Path

from indicators.official.models import Import, LsoaLookup, Observation, ObservationRevision, Period
from indicators.places.models import SmallArea
from tests.factories import LocalAuthorityFactory, SmallAreaFactory

DATA = Path(__file__).resolve().parents[2] / "data"
CLAIMANTS_EXCEL = DATA / "nomis_NM_162_1_claimant_count_lsoa_excel_resaved.csv"
APS_EXCEL = DATA / "nomis_NM_17_5_aps_employment_rate_la_excel_resaved.csv"
JSA_API = DATA / "nomis_NM_18_1_jsa_count_la_api.csv"
JSA_PROPORTION_API = DATA / "nomis_NM_18_1_jsa_proportion_la_api.csv"
ESA_API = DATA / "nomis_NM_134_1_esa_count_la_api.csv"
CENSUS_BULK = DATA / "nomis_bulk_census2011_QS701EW_travel_to_work_lsoa.csv"


def snapshot() -> dict[str, list]:
    """Every row of the tables an import may write (except the Import log itself), to compare before and after."""
    return {
        "observations": sorted(Observation.objects.values_list()),
        "periods": sorted(Period.objects.values_list()),
        "revisions": sorted(ObservationRevision.objects.values_list()),
        "small_areas": sorted(SmallArea.objects.values_list("id", "code")),
        "lookup": sorted(LsoaLookup.objects.values_list()),
        "stored_imports": sorted(
            Import.objects.exclude(status=Import.Status.FAILED).values_list("id", "status", "rows_inserted")
        ),
    }


def values_by_area(indicator) -> dict[tuple[str, str], tuple]:
    """(area code, period label) → (value, status, status code) for one indicator."""
    out = {}
    for obs in Observation.objects.filter(indicator=indicator).select_related(
        "small_area", "local_authority", "period"
    ):
        out[(obs.area_code, obs.period.label)] = (obs.value, obs.status, obs.status_code)
    return out


def city_of_london_lsoas(codes=("E01000001", "E01000002", "E01000003", "E01000005", "E01025542")):
    """The small areas of the claimant-count sample that we hold (not Blaby's E01025613)."""
    city = LocalAuthorityFactory(code="E09000001", name="City of London")
    return [SmallAreaFactory(code=code, local_authority=city) for code in codes]
