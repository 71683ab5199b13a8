"""Forms for the question bank and XLSForm pages (surveys.views.bank, surveys.views.xlsform)."""

from __future__ import annotations

from django import forms

from surveys.forms import decimal_places_field, number_bound_field
from surveys.models import BankSource, Factor, QuestionKind

XLSFORM_MAX_BYTES = 5 * 1024 * 1024  # a questionnaire of hundreds of questions is well under 1 MB
MB = 1024 * 1024


class XLSFormUploadForm(forms.Form):
    file = forms.FileField(
        label="XLSForm workbook",
        help_text=f"An .xlsx file with survey, choices and settings sheets, up to {XLSFORM_MAX_BYTES // MB} MB.",
    )
    name = forms.CharField(
        required=False,
        max_length=150,
        label="Questionnaire name",
        help_text="For a new questionnaire. Empty: the form_title on the settings sheet.",
    )
    slug = forms.SlugField(
        required=False,
        max_length=60,
        label="Short name (slug)",
        help_text="The questionnaire to add a version to, or to make: letters, digits and hyphens. "
        "Empty: the form_id on the settings sheet.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > XLSFORM_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / MB:,.1f} MB, larger than the {XLSFORM_MAX_BYTES // MB} MB an XLSForm "
                "upload may be."
            )
        return upload


class BankFilterForm(forms.Form):
    factor = forms.ChoiceField(required=False, choices=[("", "Every factor"), *Factor.choices])
    source = forms.ChoiceField(required=False, choices=[("", "Every source"), *BankSource.choices])
    search = forms.CharField(required=False, max_length=100, label="Words in the question")


OPTION_LINES_HELP = (
    "One answer a line: code | wording | score from 0 to 100 (empty for an unscored answer such as "
    "“Don’t know”), e.g. “safe | Very safe | 100”. The lowest score is 0 and the highest 100."
)


class BankItemForm(forms.Form):
    key = forms.SlugField(
        max_length=60, label="Short name", help_text="Letters, digits, - and _, e.g. park_safety: exports use it."
    )
    text = forms.CharField(max_length=400, label="Question", widget=forms.Textarea(attrs={"rows": 2}))
    text_cy = forms.CharField(
        max_length=400, required=False, label="Question in Welsh", widget=forms.Textarea(attrs={"rows": 2})
    )
    hint = forms.CharField(max_length=400, required=False, label="Help text")
    factor = forms.ChoiceField(choices=Factor.choices)
    kind = forms.ChoiceField(
        choices=[(k, label) for k, label in QuestionKind.choices if k != QuestionKind.SCALE_0_10],
        label="Kind of question",
    )
    decimal_places = decimal_places_field()
    min_value = number_bound_field("Smallest number accepted (number questions)")
    max_value = number_bound_field("Largest number accepted (number questions)")
    reverse_scored = forms.BooleanField(
        required=False,
        label="Reverse scored",
        help_text="Tick when agreeing counts against the factor; give the scores already reversed.",
    )
    source = forms.CharField(
        max_length=300, label="Where it comes from", help_text="Your council, or the survey it is taken from."
    )
    owner = forms.ChoiceField(
        label="Whose question", help_text="Your council's own; an admin may also share it with every council."
    )
    options = forms.CharField(
        required=False, label="Answers", widget=forms.Textarea(attrs={"rows": 6}), help_text=OPTION_LINES_HELP
    )

    def __init__(self, *args, owners: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners

    def clean_options(self) -> list[dict]:
        options = []
        for n, line in enumerate(self.cleaned_data["options"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3 or not parts[0] or not parts[1]:
                raise forms.ValidationError(f"Line {n}: write code | wording | score, not “{line.strip()}”.")
            code, label, score = parts
            if score and not (score.isdigit() and 0 <= int(score) <= 100):
                raise forms.ValidationError(f"Line {n}: the score “{score}” should be a whole number from 0 to 100.")
            options.append({"code": code, "label": label, "score": int(score) if score else None})
        return options
