"""Demo question bank and XLSForm: two councils' own questions beside the shared ones, and a short questionnaire
made the way a council would bring one from KoboToolbox, as an XLSForm workbook.

The shared items come with the default questionnaire (surveys.services.default_questionnaire). Idempotent: an
item or questionnaire that exists is left alone.
"""

from __future__ import annotations

import io

from django.db import transaction
from django.urls import reverse

from indicators.places.models import LocalAuthority
from surveys.models import BankItem, Survey
from surveys.services.bank import bank_item_create
from surveys.services.default_questionnaire import default_questionnaire_load
from surveys.services.xlsform import ENGLISH, WELSH, xlsform_import

OWN_ITEMS = {
    "E08000035": [  # Leeds
        {
            "key": "park_safe_after_dark",
            "factor": "housing_environment",
            "kind": "scale",
            "text": "How safe do you feel walking through your local park after dark?",
            "source": "Leeds City Council, estate survey (our own wording)",
            "options": [
                {"code": "very_safe", "label": "Very safe", "score": 100},
                {"code": "fairly_safe", "label": "Fairly safe", "score": 67},
                {"code": "fairly_unsafe", "label": "A bit unsafe", "score": 33},
                {"code": "very_unsafe", "label": "Very unsafe", "score": 0},
                {"code": "never_go", "label": "I never go there", "score": None},
            ],
        },
        {
            "key": "jobs_fair_heard",
            "factor": "work_connection",
            "kind": "yes_no",
            "text": "Have you heard about the jobs fair at the community hub?",
            "source": "Leeds City Council, employment hub (our own wording)",
            "options": [{"code": "yes", "label": "Yes", "score": 100}, {"code": "no", "label": "No", "score": 0}],
        },
    ],
    "E06000002": [  # Middlesbrough
        {
            "key": "bus_to_teesside_park",
            "factor": "travel_to_work",
            "kind": "scale",
            "text": "How easy is it to get to Teesside Park for work by bus from where you live?",
            "source": "Middlesbrough Council, travel survey (our own wording)",
            "options": [
                {"code": "very_easy", "label": "Very easy", "score": 100},
                {"code": "fairly_easy", "label": "Fairly easy", "score": 67},
                {"code": "fairly_hard", "label": "Fairly hard", "score": 33},
                {"code": "very_hard", "label": "Very hard", "score": 0},
            ],
        },
    ],
}

# A short pulse questionnaire as an XLSForm: two shared bank items, one of Leeds's own, and a free-text question.
PULSE_SURVEY = [
    ["type", "name", f"label::{ENGLISH}", f"label::{WELSH}", "required", "relevant", "rebalance_factor",
     "rebalance_kind", "rebalance_page", "rebalance_scored", "rebalance_source", "rebalance_bank"],
    ["select_one belonging", "belonging", "How strongly do you feel you belong to your immediate neighbourhood?",
     "Pa mor gryf ydych chi’n teimlo eich bod yn perthyn i’ch cymdogaeth agos?", "yes", "", "outlook", "scale", 1,
     "yes", "Community Life Survey (DCMS)", "belonging"],
    ["select_one park", "park_safe_after_dark", "How safe do you feel walking through your local park after dark?",
     "", "yes", "", "housing_environment", "scale", 2, "yes", "Leeds City Council, estate survey (our own wording)",
     "E08000035:park_safe_after_dark"],
    ["text", "park_what_would_help", "What one thing would make the park feel safer?", "", "",
     "${park_safe_after_dark} = 'fairly_unsafe' or ${park_safe_after_dark} = 'very_unsafe'", "housing_environment",
     "", 2, "no", "Leeds City Council (our own wording)", ""],
]  # fmt: skip
PULSE_CHOICES = [
    ["list_name", "name", f"label::{ENGLISH}", "rebalance_score"],
    ["belonging", "very_strongly", "Very strongly", 100],
    ["belonging", "fairly_strongly", "Fairly strongly", 67],
    ["belonging", "not_very_strongly", "Not very strongly", 33],
    ["belonging", "not_at_all_strongly", "Not at all strongly", 0],
    ["belonging", "dont_know", "Don’t know", None],
    ["park", "very_safe", "Very safe", 100],
    ["park", "fairly_safe", "Fairly safe", 67],
    ["park", "fairly_unsafe", "A bit unsafe", 33],
    ["park", "very_unsafe", "Very unsafe", 0],
    ["park", "never_go", "I never go there", None],
]


def _pulse_workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheets = {"survey": PULSE_SURVEY, "choices": PULSE_CHOICES,
              "settings": [["form_title", "form_id"], ["Estate pulse (Leeds)", "estate-pulse-leeds"]]}  # fmt: skip
    book.active.title = "survey"
    for name, rows in sheets.items():
        sheet = book[name] if name in book.sheetnames else book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@transaction.atomic
def seed_question_bank() -> str:
    """Councils' own items and a questionnaire imported from an XLSForm; a line saying what there is."""
    default_questionnaire_load()  # the shared items
    for code, specs in OWN_ITEMS.items():
        owner = LocalAuthority.objects.filter(code=code).first()
        if owner is None:
            continue
        for spec in specs:
            if not BankItem.objects.filter(owner=owner, key=spec["key"]).exists():
                bank_item_create(spec=spec, owner=owner)
    if (
        not Survey.objects.filter(slug="estate-pulse-leeds").exists()
        and BankItem.objects.filter(key="park_safe_after_dark").exists()
    ):
        xlsform_import(data=_pulse_workbook(), filename="estate-pulse-leeds.xlsx")
    shared = BankItem.objects.filter(owner__isnull=True).count()
    own = BankItem.objects.filter(owner__isnull=False).count()
    return (
        f"Question bank: {shared} shared questions and {own} councils' own; 'Estate pulse (Leeds)' imported from an "
        f"XLSForm. Any questionnaire downloads as an XLSForm at {reverse('surveys:xlsform')}."
    )
