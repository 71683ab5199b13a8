"""Resident surveys: questionnaires, waves, invitations, responses and answers.

Read by the monitoring engine: it aggregates ``Answer.score`` grouped by
``Question.factor``, ``Response.neighbourhood`` and ``Response.wave`` over
completed responses.
"""

from surveys.models.bank import BankItem, BankOption, BankSource
from surveys.models.fielding import Invitation, Wave
from surveys.models.numbers import MAX_DECIMAL_PLACES, number_shown, number_value
from surveys.models.questionnaire import (
    REPORT_FACTORS,
    Factor,
    Option,
    Question,
    QuestionKind,
    Survey,
    SurveyVersion,
)
from surveys.models.responses import Answer, Channel, Response, ResponseStatus

__all__ = [
    "MAX_DECIMAL_PLACES",
    "REPORT_FACTORS",
    "Answer",
    "BankItem",
    "BankOption",
    "BankSource",
    "Channel",
    "Factor",
    "Invitation",
    "Option",
    "Question",
    "QuestionKind",
    "Response",
    "ResponseStatus",
    "Survey",
    "SurveyVersion",
    "Wave",
    "number_shown",
    "number_value",
]
