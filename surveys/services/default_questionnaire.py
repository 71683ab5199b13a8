"""The default questionnaire: every factor of the report, with validated items where they exist.

Each spec lists options in the order shown, with ``points`` on the item's own
scale (higher = more of the factor, before any reversal); the builder turns
points into 0–100 scores, reversing items marked ``reverse_scored``. Options
without points ("Don't know") are stored but not scored.

Welsh (``cy``) is shipped for the interface and for a subset of items; the
rest fall back to English item by item. The Welsh item wordings here are our
own renderings, not the official Welsh versions of the Community Life Survey
or ONS4, and should be checked by a Welsh translator before fielding in Wales.
"""

from __future__ import annotations

from django.db import transaction

from surveys.models import Survey, SurveyVersion

SLUG = "neighbourhood-life"
NAME = "Life in your neighbourhood"

CLS = "Community Life Survey (DCMS)"
ONS4 = "ONS personal wellbeing (ONS4), GSS harmonised standard"
GSE = "General Self-Efficacy Scale (Schwarzer and Jerusalem, 1995)"
USOC = "Understanding Society"
CSEW = "Crime Survey for England and Wales wording"
OWN = "Rebalance (no validated item exists)"
CENSUS = "Census 2021 wording"


def _cy(text: str, hint: str = "") -> dict:
    out = {"cy": {"text": text}}
    if hint:
        out["cy"]["hint"] = hint
    return out


def _opt(code: str, label: str, points: float | None, cy: str = "", **extra) -> dict:
    option = {"code": code, "label": label, "points": points, **extra}
    if cy:
        option["translations"] = {"cy": {"label": cy}}
    return option


AGREE_5 = [
    _opt("strongly_agree", "Strongly agree", 5, "Cytuno’n gryf"),
    _opt("agree", "Agree", 4, "Cytuno"),
    _opt("neither", "Neither agree nor disagree", 3, "Ddim yn cytuno nac yn anghytuno"),
    _opt("disagree", "Disagree", 2, "Anghytuno"),
    _opt("strongly_disagree", "Strongly disagree", 1, "Anghytuno’n gryf"),
]
AGREE_4 = [
    _opt("definitely_agree", "Definitely agree", 4),
    _opt("tend_to_agree", "Tend to agree", 3),
    _opt("tend_to_disagree", "Tend to disagree", 2),
    _opt("definitely_disagree", "Definitely disagree", 1),
]
GSE_SCALE = [
    _opt("not_at_all_true", "Not at all true", 1),
    _opt("hardly_true", "Hardly true", 2),
    _opt("moderately_true", "Moderately true", 3),
    _opt("exactly_true", "Exactly true", 4),
]
ONS_HINT = "0 is “not at all” and 10 is “completely”."
ONS_HINT_CY = "Mae 0 yn golygu “ddim o gwbl” a 10 yn golygu “yn llwyr”."

GSE_ITEMS = [
    "I can always manage to solve difficult problems if I try hard enough.",
    "If someone opposes me, I can find the means and ways to get what I want.",
    "It is easy for me to stick to my aims and accomplish my goals.",
    "I am confident that I could deal efficiently with unexpected events.",
    "Thanks to my resourcefulness, I know how to handle unforeseen situations.",
    "I can solve most problems if I invest the necessary effort.",
    "I can remain calm when facing difficulties because I can rely on my coping abilities.",
    "When I am confronted with a problem, I can usually find several solutions.",
    "If I am in trouble, I can usually think of a solution.",
    "I can usually handle whatever comes my way.",
]


def _ons(key: str, text: str, cy: str, *, reverse: bool = False) -> dict:
    return {
        "key": key,
        "page": 8,
        "factor": "outlook",
        "kind": "scale_0_10",
        "text": text,
        "hint": ONS_HINT,
        "scored": False,  # context for the factors, reported on its own 0–10 scale
        "reverse_scored": reverse,
        "source": ONS4,
        "translations": _cy(cy, ONS_HINT_CY),
    }


QUESTIONS: list[dict] = [
    # 1. Housing, crime and grime
    {
        "key": "area_satisfaction",
        "page": 1,
        "factor": "housing_environment",
        "kind": "scale",
        "text": "Overall, how satisfied or dissatisfied are you with your local area as a place to live?",
        "source": CLS,
        "translations": _cy("Ar y cyfan, pa mor fodlon neu anfodlon ydych chi â’ch ardal leol fel lle i fyw?"),
        "options": [
            _opt("very_satisfied", "Very satisfied", 5, "Bodlon iawn"),
            _opt("fairly_satisfied", "Fairly satisfied", 4, "Eithaf bodlon"),
            _opt("neither", "Neither satisfied nor dissatisfied", 3, "Ddim yn fodlon nac yn anfodlon"),
            _opt("fairly_dissatisfied", "Fairly dissatisfied", 2, "Eithaf anfodlon"),
            _opt("very_dissatisfied", "Very dissatisfied", 1, "Anfodlon iawn"),
        ],
    },
    {
        "key": "litter_problem",
        "page": 1,
        "factor": "housing_environment",
        "kind": "scale",
        "text": "How much of a problem is rubbish or litter lying around in your area?",
        "source": CSEW,
        "reverse_scored": True,
        "options": [
            _opt("very_big", "A very big problem", 4),
            _opt("fairly_big", "A fairly big problem", 3),
            _opt("not_very_big", "Not a very big problem", 2),
            _opt("not_a_problem", "Not a problem at all", 1),
        ],
    },
    {
        "key": "safe_after_dark",
        "page": 1,
        "factor": "housing_environment",
        "kind": "scale",
        "text": "How safe do you feel walking alone in your area after dark?",
        "source": CSEW,
        "options": [
            _opt("very_safe", "Very safe", 4),
            _opt("fairly_safe", "Fairly safe", 3),
            _opt("bit_unsafe", "A bit unsafe", 2),
            _opt("very_unsafe", "Very unsafe", 1),
            _opt("never_out", "I never go out alone after dark", None),
        ],
    },
    # 2. Keeping people with better life chances
    {
        "key": "stay_or_move",
        "page": 2,
        "factor": "retention",
        "kind": "single",
        "text": (
            "If you could choose, would you stay here in your present home or would you prefer to move somewhere else?"
        ),
        "source": USOC,
        "options": [_opt("stay", "Stay here", 1), _opt("move", "Prefer to move", 0)],
    },
    {
        "key": "expect_move",
        "page": 2,
        "factor": "retention",
        "kind": "yes_no",
        "text": "Do you expect you will move in the coming year?",
        "source": USOC,
        "reverse_scored": True,
    },
    {
        "key": "move_reasons",
        "page": 3,
        "factor": "retention",
        "kind": "multiple",
        "text": "Why do you expect to move?",
        "hint": "Choose all that apply.",
        "source": USOC + " (reasons for moving)",
        "show_if": ("expect_move", ["yes"]),
        "options": [
            _opt("work", "To look for work, or for a job", None),
            _opt("home", "For a bigger or better home", None),
            _opt("family", "To be near family or friends", None),
            _opt("area", "To live in a better area", None),
            _opt("other", "Another reason", None),
        ],
    },
    {
        "key": "still_here_in_five_years",
        "page": 3,
        "factor": "retention",
        "kind": "scale",
        "text": "In five years’ time I would like to still be living in my local area.",
        "hint": "How much do you agree or disagree?",
        "source": CLS,
        "translations": _cy(
            "Ymhen pum mlynedd, hoffwn fod yn dal i fyw yn fy ardal leol.",
            "I ba raddau ydych chi’n cytuno neu’n anghytuno?",
        ),
        "options": AGREE_5,
    },
    # 3. Community outlook
    {
        "key": "belonging",
        "page": 4,
        "factor": "outlook",
        "kind": "scale",
        "text": "How strongly do you feel you belong to your immediate neighbourhood?",
        "source": CLS,
        "options": [
            _opt("very_strongly", "Very strongly", 4),
            _opt("fairly_strongly", "Fairly strongly", 3),
            _opt("not_very_strongly", "Not very strongly", 2),
            _opt("not_at_all_strongly", "Not at all strongly", 1),
            _opt("dont_know", "Don’t know", None),
        ],
    },
    {
        "key": "trust",
        "page": 4,
        "factor": "outlook",
        "kind": "scale",
        "text": "How many of the people in your neighbourhood do you think can be trusted?",
        "source": CLS,
        "options": [
            _opt("many", "Many can be trusted", 4),
            _opt("some", "Some can be trusted", 3),
            _opt("a_few", "A few can be trusted", 2),
            _opt("none", "None can be trusted", 1),
            _opt("dont_know", "Don’t know", None),
        ],
    },
    {
        "key": "open_to_newcomers",
        "page": 4,
        "factor": "outlook",
        "kind": "scale",
        "text": "People around here welcome newcomers and new ideas.",
        "hint": "How much do you agree or disagree?",
        "source": OWN,
        "translations": _cy(
            "Mae pobl yr ardal hon yn croesawu newydd-ddyfodiaid a syniadau newydd.",
            "I ba raddau ydych chi’n cytuno neu’n anghytuno?",
        ),
        "options": AGREE_5,
    },
    # 4. Community leadership and co-operation
    {
        "key": "pull_together",
        "page": 5,
        "factor": "leadership",
        "kind": "scale",
        "text": "People in this neighbourhood pull together to improve the neighbourhood.",
        "hint": "How much do you agree or disagree?",
        "source": CLS,
        "options": [*AGREE_4, _opt("nothing_to_improve", "Nothing needs improving", None)],
    },
    {
        "key": "can_influence",
        "page": 5,
        "factor": "leadership",
        "kind": "scale",
        "text": "You personally can influence decisions affecting your local area.",
        "hint": "How much do you agree or disagree?",
        "source": CLS,
        "options": AGREE_4,
    },
    {
        "key": "community_group",
        "page": 5,
        "factor": "leadership",
        "kind": "yes_no",
        "text": (
            "In the last 12 months, have you taken part in a residents’ group, tenants’ association or other "
            "community group?"
        ),
        "source": OWN,
    },
    # 5. Confidence: the General Self-Efficacy Scale, over two pages
    *[
        {
            "key": f"gse_{n}",
            "page": 6 if n <= 5 else 7,
            "factor": "confidence",
            "kind": "scale",
            "text": item,
            "hint": "How true is this of you?" if n in (1, 6) else "",
            "source": GSE,
            "options": GSE_SCALE,
        }
        for n, item in enumerate(GSE_ITEMS, start=1)
    ],
    # Wellbeing (ONS4): context, not part of a factor's score
    _ons(
        "ons_life_satisfaction",
        "Overall, how satisfied are you with your life nowadays?",
        "Yn gyffredinol, pa mor fodlon ydych chi ar eich bywyd y dyddiau hyn?",
    ),
    _ons(
        "ons_worthwhile",
        "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
        "Yn gyffredinol, i ba raddau ydych chi’n teimlo bod y pethau rydych chi’n eu gwneud yn eich bywyd yn "
        "werth chweil?",
    ),
    _ons(
        "ons_happy_yesterday",
        "Overall, how happy did you feel yesterday?",
        "Yn gyffredinol, pa mor hapus oeddech chi’n teimlo ddoe?",
    ),
    _ons(
        "ons_anxious_yesterday",
        "Overall, how anxious did you feel yesterday?",
        "Yn gyffredinol, pa mor bryderus oeddech chi’n teimlo ddoe?",
        reverse=True,
    ),
    # 6. Connection to work
    {
        "key": "know_where_help",
        "page": 9,
        "factor": "work_connection",
        "kind": "yes_no",
        "text": "Do you know where to get help locally to find work or training?",
        "source": OWN,
    },
    {
        "key": "used_employment_support",
        "page": 9,
        "factor": "work_connection",
        "kind": "yes_no",
        "text": "In the last 12 months, have you used a local service that helps people find work or training?",
        "source": OWN,
        "scored": False,
    },
    {
        "key": "support_useful",
        "page": 10,
        "factor": "work_connection",
        "kind": "scale",
        "text": "How useful was that service in helping you towards work or training?",
        "source": OWN,
        "show_if": ("used_employment_support", ["yes"]),
        "options": [
            _opt("very_useful", "Very useful", 4),
            _opt("fairly_useful", "Fairly useful", 3),
            _opt("not_very_useful", "Not very useful", 2),
            _opt("not_at_all_useful", "Not at all useful", 1),
        ],
    },
    # 7. Willingness to travel for work
    {
        "key": "longest_journey",
        "page": 11,
        "factor": "travel_to_work",
        "kind": "scale",
        "text": "What is the longest you would travel, one way, to get to a job?",
        "source": OWN,
        "options": [
            _opt("up_to_15", "Up to 15 minutes", 1),
            _opt("16_30", "16 to 30 minutes", 2),
            _opt("31_45", "31 to 45 minutes", 3),
            _opt("46_60", "46 minutes to an hour", 4),
            _opt("over_60", "More than an hour", 5),
        ],
    },
    {
        "key": "job_in_another_town",
        "page": 11,
        "factor": "travel_to_work",
        "kind": "yes_no",
        "text": "Would you take a job in another town or city if you could get there within an hour?",
        "source": OWN,
    },
    # 8. Aspiration
    {
        "key": "hope_in_two_years",
        "page": 12,
        "factor": "aspiration",
        "kind": "single",
        "text": "What do you hope to be doing in two years’ time?",
        "source": OWN,
        "scored": False,
        "options": [
            _opt("same_job", "The job I have now", None),
            _opt("better_job", "A better job, or more hours", None),
            _opt("study", "Studying or training", None),
            _opt("own_business", "Running my own business", None),
            _opt("caring", "Caring for family", None),
            _opt("retired", "Retired", None),
            _opt("not_sure", "I’m not sure", None),
        ],
    },
    {
        "key": "likely_to_achieve",
        "page": 12,
        "factor": "aspiration",
        "kind": "scale",
        "text": "How likely do you think it is that you will get there?",
        "source": OWN,
        "options": [
            _opt("very_likely", "Very likely", 4),
            _opt("fairly_likely", "Fairly likely", 3),
            _opt("not_very_likely", "Not very likely", 2),
            _opt("not_at_all_likely", "Not at all likely", 1),
        ],
    },
    {
        "key": "hope_in_own_words",
        "page": 12,
        "factor": "aspiration",
        "kind": "text",
        "text": "In a few words, what would you like to be doing in two years’ time?",
        "hint": "Optional. Please do not include names or anything that could identify you.",
        "required": False,
        "max_length": 300,
        "source": OWN,
    },
    # About you: for weighting and breakdowns, never scored
    {
        "key": "age_band",
        "page": 13,
        "factor": "about_you",
        "kind": "single",
        "text": "What is your age?",
        "demographic": "age_band",
        "source": "Rebalance (ONS age bands)",
        "translations": _cy("Beth yw eich oedran?"),
        "options": [
            _opt("16_24", "16 to 24", None, "16 i 24"),
            _opt("25_34", "25 to 34", None, "25 i 34"),
            _opt("35_44", "35 to 44", None, "35 i 44"),
            _opt("45_54", "45 to 54", None, "45 i 54"),
            _opt("55_64", "55 to 64", None, "55 i 64"),
            _opt("65_74", "65 to 74", None, "65 i 74"),
            _opt("75_plus", "75 or over", None, "75 neu hŷn"),
            _opt("prefer_not", "Prefer not to say", None, "Gwell gennyf beidio â dweud"),
        ],
    },
    {
        "key": "sex",
        "page": 13,
        "factor": "about_you",
        "kind": "single",
        "text": "What is your sex?",
        "demographic": "sex",
        "source": CENSUS,
        "translations": _cy("Beth yw eich rhyw?"),
        "options": [
            _opt("female", "Female", None, "Benyw"),
            _opt("male", "Male", None, "Gwryw"),
            _opt("prefer_not", "Prefer not to say", None, "Gwell gennyf beidio â dweud"),
        ],
    },
    {
        "key": "employment",
        "page": 14,
        "factor": "about_you",
        "kind": "single",
        "text": "Which of these best describes what you are doing at present?",
        "source": "Rebalance (ONS economic activity categories)",
        "options": [
            _opt("employed_full_time", "Working full time (30 hours a week or more)", None),
            _opt("employed_part_time", "Working part time", None),
            _opt("self_employed", "Self-employed", None),
            _opt("unemployed", "Out of work and looking for work", None),
            _opt("education", "In education or training", None),
            _opt("looking_after_home", "Looking after home or family", None),
            _opt("sick_disabled", "Long-term sick or disabled", None),
            _opt("retired", "Retired", None),
            _opt("other", "Something else", None),
        ],
    },
    {
        "key": "tenure",
        "page": 14,
        "factor": "about_you",
        "kind": "single",
        "text": "Which of these best describes your home?",
        "source": "Rebalance (Census tenure categories)",
        "options": [
            _opt("own_outright", "I own it outright", None),
            _opt("own_mortgage", "I own it with a mortgage or loan", None),
            _opt("shared_ownership", "Shared ownership", None),
            _opt("council", "Rented from the council", None),
            _opt("housing_association", "Rented from a housing association", None),
            _opt("private_rent", "Rented from a private landlord", None),
            _opt("family_friends", "I live with family or friends", None),
            _opt("other", "Something else", None),
        ],
    },
    {
        "key": "years_at_address",
        "page": 14,
        "factor": "about_you",
        "kind": "number",
        "text": "How many years have you lived at this address?",
        "hint": "Enter 0 if it is less than a year.",
        "required": False,
        "min": 0,
        "max": 100,
        "source": "Rebalance",
        "translations": _cy(
            "Ers faint o flynyddoedd ydych chi wedi byw yn y cyfeiriad hwn?", "Rhowch 0 os yw’n llai na blwyddyn."
        ),
    },
]


@transaction.atomic
def default_questionnaire_load() -> SurveyVersion:
    """Create the default survey and its first version, unless they exist. Safe to run again."""
    from surveys.services.questionnaire import version_create

    survey, _ = Survey.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": NAME,
            "description": "Residents on the factors that separated improving from lagging neighbourhoods.",
        },
    )
    existing = survey.versions.order_by("number").first()
    if existing is not None:
        return existing
    return version_create(survey=survey, questions=QUESTIONS, notes="Default questionnaire, first version.")
