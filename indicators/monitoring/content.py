"""The report's wording, kept as content: the factors' names and short labels, what each factor's improving and
lagging look like and the report's recommended response (Rebalancing Local Economies, ippr north and the Joseph
Rowntree Foundation, 2010), and the report's own shares of deprived areas improving."""

from __future__ import annotations

from dataclasses import dataclass

from surveys.models import REPORT_FACTORS, Factor

WORKLESSNESS = "worklessness"


# The report's eight factors, in the order DOMAIN.md gives them.
FACTORS: list[tuple[str, str]] = [(key, Factor(key).label) for key in REPORT_FACTORS]


FACTOR_LABELS = dict(FACTORS)


SHORT_LABELS = {
    "housing_environment": "Housing",
    "retention": "Retention",
    "work_connection": "Work link",
    "outlook": "Outlook",
    "confidence": "Confidence",
    "aspiration": "Aspiration",
    "leadership": "Leadership",
    "travel_to_work": "Travel",
}


# The factors' names inside a sentence, where a list of full labels would run together.
SENTENCE_NAMES = {
    "housing_environment": "housing and ‘crime and grime’",
    "retention": "keeping people with better life chances",
    "work_connection": "connection to work",
    "outlook": "community outlook",
    "confidence": "confidence",
    "aspiration": "aspiration",
    "leadership": "community leadership",
    "travel_to_work": "willingness to travel for work",
}


@dataclass(frozen=True)
class Guide:
    improving: str
    lagging: str
    response: str


# What the report found in improving and lagging neighbourhoods, and what it recommends when a factor lags.
FACTOR_GUIDE: dict[str, Guide] = {
    "housing_environment": Guide(
        "early action on housing and local crime and grime keeps people with skills in the area",
        "poor housing, crime and grime push people with skills out",
        "Act early on housing, crime and grime: agree priorities with residents, fix the environment before "
        "people with skills leave, and allocate housing after consulting residents.",
    ),
    "retention": Guide(
        "people with skills and potential stay",
        "those with better life chances move out",
        "Make it possible to get on without moving out: housing allocation, decided with residents, that lets "
        "working households stay, and a mix of homes to move up into within the neighbourhood.",
    ),
    "work_connection": Guide(
        "flexible, local, tailored employment support links residents to jobs in the wider economy",
        "employment support does not reach residents",
        "Give local people and organisations a say in welfare-to-work: flexible, local, tailored support, "
        "delivered where residents are, linked to employers in the wider economy.",
    ),
    "outlook": Guide(
        "a positive, outward-looking neighbourhood spirit",
        "a defensive, inward-looking identity",
        "Involve community groups in shaping services and connect the neighbourhood to opportunities across "
        "the city, so residents see what lies beyond it.",
    ),
    "confidence": Guide(
        "residents are confident to take the chances on offer",
        "residents lack the confidence to take them",
        "Build confidence through small, supported steps: tailored advice, mentoring, volunteering and "
        "training close to home, run with community groups residents already trust.",
    ),
    "aspiration": Guide(
        "a sense of aspiration",
        "low aspiration",
        "Make routes into work and learning visible: local role models, links with colleges and employers, "
        "and support for the next step a resident names.",
    ),
    "leadership": Guide(
        "strong local leadership, with community groups, estate managers and officers involved",
        "no strong community leadership",
        "Strengthen community leadership: involve community groups, estate managers and officers in decisions, "
        "and support residents who take a lead.",
    ),
    "travel_to_work": Guide(
        "residents look for work beyond the neighbourhood",
        "residents are unwilling to travel out of the neighbourhood to find work",
        "Widen travel horizons: travel training, help with fares for the first weeks in a job, and employment "
        "support that brings vacancies from across the travel-to-work area.",
    ),
}


# The report's published shares (ippr north, 2010), shown beside the figure computed here.
REPORT_SHARES = {"greater-liverpool": 68, "greater-leeds": 59, "tees-valley": 56}


YEARS_CHOICES = [("1", "1 year"), ("3", "3 years"), ("5", "5 years"), ("all", "the whole series")]
