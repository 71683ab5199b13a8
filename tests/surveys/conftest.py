import pytest


@pytest.fixture(autouse=True)
def _fast_open_link(settings):
    settings.SURVEY_OPEN_LINK_MIN_SECONDS = 0
    settings.SURVEY_PUBLIC_URL = "https://rebalance.example.org"
