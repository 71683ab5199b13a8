"""The words Rebalance uses, explained once in plain English.

The glossary page (``/help/glossary/``) lists every term; the ``{% term %}`` and ``{% explain %}`` tags
(``templatetags/glossary.py``) show a term's short definition where it appears and link to its entry. Both read
this module, so a definition is written in one place. Figures that a deployment sets (which deciles count as
deprived, how few responses are withheld, the keeping-pace tolerance) are filled in from the settings when shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from indicators.engine.selectors.verdicts import keeping_pace_points


@dataclass(frozen=True)
class Term:
    slug: str  # the glossary anchor: /help/glossary/#<slug>
    name: str
    short: str  # one sentence, shown where the term appears
    more: tuple[str, ...] = ()  # further paragraphs, on the glossary page only


TERMS: tuple[Term, ...] = (
    Term(
        "lsoa",
        "LSOA",
        "A Lower layer Super Output Area: a small area of about 1,500 residents that official statistics use.",
        (
            "England has about 33,700 of them. Their codes begin E01. Rebalance builds each neighbourhood from "
            "one or more LSOAs and adds up their figures.",
            "LSOAs were redrawn after the 2011 and 2021 censuses; most are unchanged, some were split or merged.",
        ),
    ),
    Term(
        "msoa",
        "MSOA",
        "A Middle layer Super Output Area: a larger area of about 7,500 residents, made of four or five LSOAs.",
        (
            "Their codes begin E02. The House of Commons Library gives each MSOA a name people use, such as "
            "Swarcliffe for the area officially called Leeds 041.",
        ),
    ),
    Term(
        "ward",
        "Ward",
        "The area a local councillor is elected for, usually larger than an MSOA.",
        ("Ward boundaries change after boundary reviews, so a ward code (beginning E05) belongs to a year.",),
    ),
    Term(
        "neighbourhood",
        "Neighbourhood",
        "A named group of one or more LSOAs in one council area, such as an estate, that staff look after.",
        ("Its official figures add up the counts of its LSOAs; they are never an average of the LSOAs' rates.",),
    ),
    Term(
        "imd",
        "IMD",
        "The Index of Multiple Deprivation: the government's ranking of every LSOA in England from most to least "
        "deprived.",
        (
            "It combines income, employment, education, health, crime, housing and living environment. It is "
            "published as part of the English Indices of Deprivation.",
        ),
    ),
    Term(
        "imd-decile",
        "IMD decile",
        "Which tenth of the IMD ranking an LSOA falls in: 1 is the most deprived 10% of areas in England, 10 the "
        "least deprived.",
    ),
    Term(
        "iod-domain",
        "Domain of deprivation",
        "One of the seven parts the Index of Multiple Deprivation is built from (income, employment, education, "
        "health, crime, barriers to housing and services, living environment); each ranks every LSOA in England, "
        "and decile 1 is the most deprived tenth on that domain alone.",
        (
            "The domains come from File 7 of the English Indices of Deprivation. For a neighbourhood Rebalance "
            "counts how many of its LSOAs are in the most deprived tenth on each domain and gives the middle "
            "(median) decile of its LSOAs: deciles are positions in a national ranking, so they are counted, never "
            "added up or averaged.",
            "Crime, barriers to housing and services and the living environment (housing in poor condition, air "
            "quality, road accidents) sit beside the residents' views of housing and 'crime and grime'; income "
            "and employment beside worklessness.",
        ),
    ),
    Term(
        "deprived",
        "Deprived area",
        "In Rebalance, an LSOA in the {deprived_share} of areas in England on the IMD (decile {deprived_deciles}).",
        (
            "This is the group the report compared neighbourhoods against. Which cut-off applies (the most deprived "
            "10% or 20%) is a setting of this site.",
        ),
    ),
    Term(
        "iod-edition",
        "Edition of the Indices of Deprivation",
        "Which release of the English Indices of Deprivation (2019 or 2025) decides which LSOAs count as deprived.",
        (
            "Rebalance uses the latest edition loaded for every LSOA in England, unless this site has fixed one "
            "(the setting REBALANCE_DEPRIVATION_EDITION). Loading part of a newer edition, say one authority's "
            "LSOAs, never changes it, so the deprived areas and the league do not shift under you.",
            "Each edition ranks the LSOAs of its own boundaries: the 2019 edition those of 2011, the 2025 edition "
            "those of 2021.",
        ),
    ),
    Term(
        "worklessness",
        "Worklessness",
        "The share of working-age residents claiming out-of-work benefits: claimants ÷ working-age residents × 100.",
        (
            "Rebalance takes, for each LSOA, the claimant count (people claiming Jobseeker's Allowance or Universal "
            "Credit while looking for work, from Nomis dataset NM_162_1) and the population aged 16 to 64 (ONS "
            "estimates, NM_2014_1). For a neighbourhood it adds up the claimants of all its LSOAs and divides by "
            "the sum of their working-age residents.",
            "Official counts are rounded to the nearest 5, so a small change in a small area may be rounding.",
        ),
    ),
    Term(
        "points",
        "Percentage points",
        "The difference between two percentages: a rate going from 11.6% to 11.8% rose by 0.2 points.",
        (
            "Changes are shown with their sign: +0.19 rose, −0.04 fell, 0.00 no change. Factor scores also change "
            "in points, on their 0 to 100 scale.",
        ),
    ),
    Term(
        "benchmark",
        "Benchmark",
        "What a neighbourhood is compared with: by default the average change over the same period across "
        "England's deprived areas.",
        (
            "This is the report's “national average for deprived neighbourhoods”. Comparing with a "
            "benchmark separates what happened locally from what happened everywhere, such as a recession.",
        ),
    ),
    Term(
        "verdict",
        "Improving, keeping pace, falling behind",
        "Whether worklessness changed better or worse than the benchmark over the same period.",
        (
            "A neighbourhood is improving when its rate fell by more than the benchmark's (or rose by less); "
            "falling behind when it rose by more (or fell by less); keeping pace when the two changes are within "
            "{tolerance} points of each other. This is the method of the report Rebalancing Local Economies.",
            "Both can rise at once: “rose 0.19 points while deprived areas rose 0.23” is slightly better "
            "than similar areas. The period always matters: the same neighbourhood can improve over one year and "
            "fall behind over five.",
        ),
    ),
    Term(
        "factor-score",
        "Factor score",
        "How residents rate one of the report's eight factors, such as confidence or aspiration, on a scale from "
        "0 (lowest) to 100 (highest).",
        (
            "Each survey question belongs to one factor. Every answer is scored from 0 for the lowest option to 100 "
            "for the highest (reversed where a question is asked the other way round), and a factor's score is the "
            "average over the residents who answered.",
        ),
    ),
    Term(
        "interval",
        "95% interval",
        "The range the true score probably lies in, given how many residents answered: a wide range means few answers.",
        (
            "If the survey were repeated with other residents, 95 times in 100 the range would contain the true "
            "score. A change counts as clear only when it is larger than this uncertainty.",
        ),
    ),
    Term(
        "since-last-wave",
        "Since the last wave / against everyone surveyed",
        "Two different comparisons: “since the last wave” is the change from the previous survey of the "
        "same neighbourhood; “against everyone surveyed” is the difference from all residents surveyed in "
        "the same wave.",
        (
            "A neighbourhood's first wave has nothing earlier to compare with, so only the second comparison is "
            "possible.",
        ),
    ),
    Term(
        "withheld",
        "Withheld",
        "A figure not shown because fewer than {min_responses} residents answered, so that no one's answers can be "
        "picked out.",
        (
            "The threshold is a setting of this site and never below 5. Withheld figures are not shown on any page, "
            "download or API.",
            "Some larger figures are withheld too, so that a small one cannot be worked out from the others: by "
            "taking the shown counts away from a total, or, for how residents answered each question, from a "
            "factor's score, which is made from the answers to that factor's questions.",
        ),
    ),
    Term(
        "matched-pair",
        "Matched pair",
        "Two neighbourhoods that were alike at the start (deprivation, worklessness, size), followed side by side.",
        ("The report compared such pairs in which one improved and one lagged, to find what made the difference.",),
    ),
    Term(
        "difference-in-differences",
        "Difference in differences",
        "How much more one neighbourhood changed than its pair: its change minus the pair's change.",
        (
            "For example, if worklessness fell 1.0 point in one and 0.4 points in the other, the difference in "
            "differences is −0.6 points in favour of the first.",
        ),
    ),
    Term(
        "intervention",
        "Intervention",
        "Something the council or a partner did in a neighbourhood from a start date, such as an employment hub, "
        "an estate clean-up or a community leadership programme.",
        (
            "Officers and admins record interventions for their own places; estate managers propose them, and an "
            "officer accepts or declines. Each names the report's factors or recommendations it addresses.",
            "A recorded intervention is shaded on the neighbourhood's worklessness chart from its start date. A "
            "change after it began is not proof that it caused the change: other things happen at the same time.",
        ),
    ),
    Term(
        "statistical-neighbours",
        "Statistical neighbours",
        "The neighbourhoods most like this one on deprivation, size and worklessness at the start, found by "
        "the figures rather than picked by someone.",
        (
            "As LG Inform's nearest neighbours do for councils: each measure is put on a common scale (how far "
            "above or below the average neighbourhood it is, in standard deviations), and the nearest are those "
            "with the smallest distance over all of them. Deprivation, size and worklessness count equally.",
            "Deprivation is the seven domains of deprivation where they are loaded, otherwise the IMD score; size "
            "is the number of working-age residents; worklessness is the rate at the baseline period named beside "
            "them. They may lie in other council areas: their names are shown, their figures only to their own "
            "staff.",
        ),
    ),
    Term(
        "effect-estimate",
        "Change against similar neighbourhoods",
        "How much more (or less) an outcome changed here after an intervention started than in similar "
        "neighbourhoods over the same time, with a 95% interval.",
        (
            "It is a difference in differences: the change here from before the start to after, minus the average "
            "change in the comparison neighbourhoods (its statistical neighbours that had no programme of their "
            "own at the time). When the interval includes zero there is no clear difference.",
            "It shows what changed alongside the intervention, not that the intervention caused it: other things "
            "change at the same time. It is too early to say until enough months of official figures, or a survey "
            "wave, have come in since the start.",
        ),
    ),
    Term(
        "wave",
        "Survey wave",
        "One round of the resident survey in chosen neighbourhoods, open between two dates.",
        (
            "Running the same questionnaire in wave after wave shows how residents' views change. Residents answer "
            "on the web with the code on their letter, on paper (typed in by staff), or, where a wave has one, "
            "through an open link without a code.",
        ),
    ),
    Term(
        "invitation-code",
        "Invitation code",
        "The code printed on a resident's letter; it opens the survey once and is never linked to a name or address.",
        (
            "Each code is kept as a fingerprint, and sealed under a key held outside the database so that a "
            "reminder letter can print the same code again while the wave is open; the sealed copy is deleted when "
            "the wave closes. Paper questionnaires need no code and open-link responses never have one, so there "
            "can be more responses than codes used.",
        ),
    ),
    Term(
        "reminder",
        "Reminder letter",
        "A second letter to a household whose code has not been used yet, with the same code and the closing date.",
        (
            "Reminders are printed for the codes not yet used in one neighbourhood. Printing them changes no code, "
            "and each printing is recorded, so the wave page can show letters and responses week by week.",
        ),
    ),
    Term(
        "response-rate",
        "Response rate",
        "The share of those asked who answered: here, codes used out of letters sent, and completed responses "
        "out of the residents aged 16 or over.",
        (
            "Codes used out of letters sent counts web answers with a code. Responses out of adult residents "
            "counts every completed response (web, paper and open link) against the number of residents in the "
            "population profile loaded for the neighbourhood.",
        ),
    ),
    Term(
        "under-represented",
        "Under-represented",
        "A group (an age band or a sex) whose share of the responses is less than {underrep_ratio} of its share of "
        "the residents.",
        (
            "A group is only flagged when at least {underrep_min} of its members would have answered if the "
            "responses matched the residents, so that a handful of answers does not raise an alarm. Both figures "
            "are settings of this site. Residents who did not give their age or sex are left out of the shares.",
        ),
    ),
    Term(
        "weighting",
        "Weighting",
        "Counting each resident's answers in proportion to how many people like them (by age band and sex) live in "
        "the neighbourhood, so that a group that answered less counts as much as it should.",
        (
            "It needs a population profile of the neighbourhood (from ONS population estimates or the census). A "
            "weighted score is shown beside the plain one; it cannot make up for a group from which almost no one "
            "answered.",
        ),
    ),
    Term(
        "question-bank",
        "Question bank",
        "Questions any council can reuse, each with its factor and the score of every answer, so that two councils "
        "asking the same question score it the same way.",
        (
            "It holds the default questionnaire's questions, with where each comes from (the Community Life Survey, "
            "ONS personal wellbeing, the General Self-Efficacy Scale, Understanding Society, or our own wording "
            "where no tested question exists), and any council's own questions. A question added from the bank "
            "keeps its link, and it cannot be scored differently from the bank's.",
        ),
    ),
    Term(
        "reverse-scored",
        "Reverse scored",
        "A question asked the other way round, so that agreeing counts against its factor: the answers' scores run "
        "from 100 down to 0.",
    ),
    Term(
        "xlsform",
        "XLSForm",
        "A spreadsheet layout for questionnaires that KoboToolbox, ODK and SurveyCTO read and write: one sheet of "
        "questions, one of answer lists and one of settings.",
    ),
    Term(
        "synthetic",
        "Synthetic (demo) data",
        "Made-up survey responses used to show how Rebalance works; they come from no resident.",
        ("Pages, downloads and waves that contain them are marked “synthetic demo data”.",),
    ),
)

_BY_SLUG = {term.slug: term for term in TERMS}


class UnknownTermError(KeyError):
    pass


def _fraction(value: float) -> str:
    return {0.5: "half", 0.25: "a quarter", 1 / 3: "a third"}.get(value, f"{value:g} times")


def _values() -> dict[str, str]:
    max_decile = int(getattr(settings, "REBALANCE_DEPRIVED_MAX_DECILE", 1))
    return {
        "deprived_share": f"most deprived {max_decile * 10}%",
        "deprived_deciles": "1" if max_decile == 1 else f"1 to {max_decile}",
        "min_responses": str(getattr(settings, "REBALANCE_DISCLOSURE_MIN_RESPONSES", 10)),
        "tolerance": f"{keeping_pace_points():.2f}",
        "underrep_ratio": _fraction(float(getattr(settings, "REBALANCE_UNDERREPRESENTED_RATIO", 0.5))),
        "underrep_min": str(getattr(settings, "REBALANCE_UNDERREPRESENTED_MIN_EXPECTED", 5)),
    }


def _filled(term: Term, values: dict[str, str]) -> Term:
    return Term(term.slug, term.name, term.short.format(**values), tuple(p.format(**values) for p in term.more))


def term(slug: str) -> Term:
    """One term with this site's settings filled in; ``UnknownTermError`` for a slug no one defined."""
    try:
        return _filled(_BY_SLUG[slug], _values())
    except KeyError:
        raise UnknownTermError(slug) from None


def all_terms() -> list[Term]:
    """Every term, in alphabetical order of its name, with this site's settings filled in."""
    values = _values()
    return sorted((_filled(t, values) for t in TERMS), key=lambda t: t.name.lower())
