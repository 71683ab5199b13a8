"""The default questionnaire: every factor of the report, with validated items where they exist.

The questions, their options, points, skip logic, Welsh wordings and sources are data, in
surveys/data/default_questionnaire.json (read and checked by surveys.services.questionnaire_file).
The Welsh item wordings there are our own renderings, not the official Welsh versions of the
Community Life Survey or ONS4, and should be checked by a Welsh translator before fielding in Wales.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from surveys.models import Survey, SurveyVersion
from surveys.services.bank import bank_load_default
from surveys.services.questionnaire import version_create
from surveys.services.questionnaire_file import questionnaire_file_read

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "default_questionnaire.json"


def default_questionnaire_specs() -> list[dict[str, Any]]:
    """The default questions as specs for surveys.services.questionnaire, in the order asked."""
    return questionnaire_file_read(path=DATA_FILE).specs


@transaction.atomic
def default_questionnaire_load() -> SurveyVersion:
    """Create the default survey and its first version, and its items in the question bank, unless they
    exist. Safe to run again."""
    questionnaire = questionnaire_file_read(path=DATA_FILE)
    items = bank_load_default(specs=questionnaire.specs)
    survey, _ = Survey.objects.get_or_create(
        slug=questionnaire.slug,
        defaults={"name": questionnaire.name, "description": questionnaire.description},
    )
    existing = survey.versions.order_by("number").first()
    if existing is not None:
        return existing
    specs = [{**spec, "bank_item": items[spec["key"]]} for spec in questionnaire.specs]
    return version_create(survey=survey, questions=specs, notes=questionnaire.version_notes)
