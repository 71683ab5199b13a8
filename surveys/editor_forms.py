"""Forms of the questionnaire editor. They check the shape of what was typed; the rules are the service's
(surveys.services.questionnaire_editor), whose errors the views put back on these forms' fields."""

from __future__ import annotations

from django import forms

from surveys.forms import StorableCharField, decimal_places_field, number_bound_field
from surveys.models import Factor, Question, QuestionKind, number_shown
from surveys.services.questionnaire_editor import OptionInput, QuestionInput

KIND_HELP = {
    QuestionKind.SINGLE: "residents choose one answer",
    QuestionKind.MULTIPLE: "residents tick any that apply; never scored",
    QuestionKind.SCALE: "one answer from a labelled scale such as agree to disagree",
    QuestionKind.SCALE_0_10: "one number from 0 to 10 (the answers are made for you)",
    QuestionKind.NUMBER: "a number, whole or with a decimal point (say how many places below); never scored",
    QuestionKind.YES_NO: "yes or no (the answers are made for you)",
    QuestionKind.TEXT: "a few words of their own; never scored, and never shown on dashboards",
}


def show_if_choices(questions: list[Question], before: Question | None) -> list:
    """Earlier questions with answers to choose from, each a group of "key:code" choices."""
    groups = []
    for q in questions:
        if before is not None and q.position >= before.position:
            break
        if q.has_options:
            groups.append((f"{q.position}. {q.text}", [(f"{q.key}:{o.code}", f"{o.label}") for o in q.options.all()]))
    return groups


class QuestionForm(forms.Form):
    text = StorableCharField(
        max_length=400,
        label="The question, as residents read it",
        error_messages={"required": "Enter the question as residents will read it"},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    text_cy = StorableCharField(
        max_length=400,
        required=False,
        label="The question in Welsh (Cymraeg)",
        help_text="Leave empty and Welsh readers see the English.",
        widget=forms.Textarea(attrs={"rows": 2, "lang": "cy"}),
    )
    hint = StorableCharField(
        max_length=400, required=False, label="Help text", help_text="Shown under the question, in smaller type."
    )
    hint_cy = StorableCharField(max_length=400, required=False, label="Help text in Welsh (Cymraeg)")
    kind = forms.ChoiceField(
        label="Kind of question",
        choices=[(value, f"{label}: {KIND_HELP[value]}") for value, label in QuestionKind.choices],
        widget=forms.RadioSelect,
    )
    factor = forms.ChoiceField(
        label="Factor",
        choices=Factor.choices,
        help_text="The report's factor this question tells about; its score counts towards that factor. "
        "“About you” questions are not scored; they describe who answered.",
    )
    required = forms.BooleanField(
        required=False, initial=True, label="Residents must answer it (untick to make it optional)"
    )
    scored = forms.BooleanField(
        required=False,
        initial=True,
        label="Counts towards the factor's score (not for multiple-choice, number or free-text questions)",
    )
    reverse_scored = forms.BooleanField(
        required=False,
        label="Reverse scored: agreeing counts against the factor (as with “litter is a problem”)",
        help_text="Ticking or unticking this turns the answers' scores round: a score of 100 becomes 0, 75 becomes 25.",
    )
    decimal_places = decimal_places_field(
        help_text="How many figures residents may give after the decimal point. They write it with a full stop."
    )
    min_value = number_bound_field("Smallest number accepted (number questions)")
    max_value = number_bound_field("Largest number accepted (number questions)")
    page = forms.IntegerField(
        required=False,
        min_value=1,
        label="Page",
        help_text="Questions with the same page number are shown together; the question goes to the end of "
        "that page. Use the number after the last page for a new page.",
    )
    show_if = forms.MultipleChoiceField(
        required=False,
        label="Show this question only after these answers (skip logic)",
        help_text="Leave empty to show it to everyone. Choose one or more answers of one earlier question "
        "(hold Ctrl, or Cmd on a Mac, to choose more than one). That question must be on an earlier page.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    key = forms.CharField(
        max_length=60,
        required=False,
        label="Key",
        help_text="The question's name in downloads and the API: lower-case letters, numbers and _. "
        "Leave empty to make one from the question.",
    )

    def __init__(self, *args, questions: list[Question], question: Question | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["show_if"].choices = show_if_choices(questions, question)
        pages = len({q.page for q in questions})
        self.fields["page"].help_text = (
            f"This version has {pages} page{'s' if pages != 1 else ''}. Questions on the same page are shown "
            "together; the question goes to the end of the page you choose. "
            + (f"Use {pages + 1} for a new page at the end." if question else "Leave empty for a new page at the end.")
        )
        if question is None:
            del self.fields["reverse_scored"]  # a new question's answers are scored in the order chosen below
        elif question.bank_item_id:
            # The bank's scoring: shown, not changeable (the service refuses it too).
            for name in ("kind", "factor", "scored", "reverse_scored", "min_value", "max_value", "decimal_places"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Kept as the question bank has it."

    def as_input(self) -> QuestionInput:
        data = self.cleaned_data
        return QuestionInput(
            text=data["text"],
            kind=data["kind"],
            factor=data["factor"],
            key=data["key"].strip(),
            hint=data["hint"],
            text_cy=data["text_cy"],
            hint_cy=data["hint_cy"],
            required=data["required"],
            scored=data["scored"],
            reverse_scored=data.get("reverse_scored", False),
            min_value=data["min_value"],
            max_value=data["max_value"],
            decimal_places=data["decimal_places"],
            page=data["page"],
            show_if=list(data["show_if"]),
        )

    @staticmethod
    def initial_for(question: Question) -> dict:
        welsh = (question.translations or {}).get("cy", {})
        return {
            "text": question.text,
            "text_cy": welsh.get("text", ""),
            "hint": question.hint,
            "hint_cy": welsh.get("hint", ""),
            "kind": question.kind,
            "factor": question.factor,
            "required": question.required,
            "scored": question.scored,
            "reverse_scored": question.reverse_scored,
            "min_value": number_shown(question.min_value) if question.min_value is not None else None,
            "max_value": number_shown(question.max_value) if question.max_value is not None else None,
            "decimal_places": question.decimal_places,
            "page": question.page,
            "show_if": [f"{question.show_if_question.key}:{c}" for c in question.show_if_values]
            if question.show_if_question_id
            else [],
            "key": question.key,
        }


class NewQuestionForm(QuestionForm):
    answers = forms.CharField(
        required=False,
        label="Answers to choose from, one a line",
        help_text="In the order residents see them. Leave empty for 0 to 10, yes or no, number and free-text "
        "questions. You can change codes, scores and Welsh wording afterwards.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    best_first = forms.TypedChoiceField(
        label="How the answers score",
        choices=[
            ("1", "The first answer counts most (100), the last least (0)"),
            ("0", "The first answer counts least (0), the last most (100)"),
        ],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )

    field_order = ["text", "kind", "answers", "best_first", "factor"]


class ScoreError(ValueError):
    pass


def option_rows(post, prefix: str = "option") -> tuple[list[OptionInput], dict[str, str]]:
    """The answers form's rows (``option-<n>-<field>``), with a message per row whose score is not a number.
    A new row left entirely empty is no answer."""
    rows: list[OptionInput] = []
    errors: dict[str, str] = {}
    try:
        count = min(int(post.get(f"{prefix}-count", "0")), 200)
    except ValueError:
        count = 0
    for n in range(count):
        field = lambda name, n=n: post.get(f"{prefix}-{n}-{name}", "").strip()  # noqa: E731
        pk = field("pk")
        if not pk and not any(field(name) for name in ("code", "label", "label_cy", "score")):
            continue
        score_text = field("score")
        score = None
        if score_text:
            try:
                score = int(score_text)
            except ValueError:
                errors[f"{prefix}-{n}-score"] = f"The score “{score_text[:20]}” is not a whole number from 0 to 100"
        label = field("label")
        rows.append(
            OptionInput(
                pk=int(pk) if pk.isdigit() else None,
                code=field("code") or _code_from(label),
                label=label,
                label_cy=field("label_cy"),
                score=score,
                exclusive=bool(field("exclusive")),
                remove=bool(field("remove")),
            )
        )
    return rows, errors


def _code_from(label: str) -> str:
    from django.utils.text import slugify

    return slugify(label).replace("-", "_")[:40].strip("_")


class NewQuestionnaireForm(forms.Form):
    name = StorableCharField(
        max_length=150,
        label="Name of the questionnaire",
        help_text="As staff will see it in lists, such as “Town centre survey 2027”. Residents do not see it.",
        error_messages={"required": "Enter a name for the questionnaire"},
    )
    description = StorableCharField(
        required=False,
        label="What it is for (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
