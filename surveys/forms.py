"""Forms for the survey pages. Questions themselves are rendered from the questionnaire, not from a Form."""

from __future__ import annotations

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from indicators.core.text import validate_storable
from surveys.models.numbers import MAX_DECIMAL_PLACES, NUMBER_DIGITS
from surveys.services.codes import code_normalise


class StorableCharField(forms.CharField):
    """A text field that refuses what the database cannot store (indicators.core.text) with a message on the
    field. Django refuses a NUL already; a lone surrogate can come only through code, but is refused too."""

    default_validators = [validate_storable]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One message, ours, rather than Django's as well.
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class CodeForm(forms.Form):
    code = StorableCharField(
        label=_("Your code"),
        max_length=40,
        error_messages={"required": _("Enter the code from your letter")},
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if code_normalise(code) is None:
            raise forms.ValidationError(
                _("Enter the code exactly as it is on your letter: 12 letters and numbers, like K7QM-4RTX-9HPC")
            )
        return code


class WaveForm(forms.Form):
    name = StorableCharField(max_length=150)
    survey_version = forms.ModelChoiceField(queryset=None, label="Questionnaire")
    neighbourhoods = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple)
    opens_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    open_link = forms.BooleanField(required=False, label="Also accept answers through an open link, without a code")

    def __init__(self, *args, versions, neighbourhoods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey_version"].queryset = versions
        self.fields["neighbourhoods"].queryset = neighbourhoods


class CodesForm(forms.Form):
    FORMATS = [
        ("csv", "CSV for mail merge"),
        ("pdf", "Printable letters (PDF) with QR codes"),
        ("zip", "Both, for the same codes (ZIP with the CSV and the PDF)"),
    ]
    neighbourhood = forms.ModelChoiceField(queryset=None)
    count = forms.IntegerField(min_value=1, max_value=5000, label="How many codes")
    format = forms.ChoiceField(choices=FORMATS, widget=forms.RadioSelect, initial="csv")

    def __init__(self, *args, neighbourhoods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods


class ReminderForm(forms.Form):
    """Which neighbourhood's unused codes to print as reminder letters."""

    neighbourhood = forms.ModelChoiceField(queryset=None, label="Neighbourhood", empty_label="Choose a neighbourhood")

    def __init__(self, *args, neighbourhoods, labels: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["neighbourhood"]
        field.queryset = neighbourhoods
        if labels:
            field.label_from_instance = lambda n: labels.get(n.pk, n.display_name)


# The staff forms' number settings (the questionnaire editor's and the question bank's), made here once.
def decimal_places_field(**extra) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=0,
        initial=0,
        label="Decimal places (number questions)",
        choices=[(0, "None: whole numbers only, like 5")]
        + [(n, f"Up to {n}, like {'2.' + '5' * n}") for n in range(1, MAX_DECIMAL_PLACES + 1)],
        **extra,
    )


def number_bound_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        required=False,
        max_digits=NUMBER_DIGITS,
        decimal_places=MAX_DECIMAL_PLACES,
        label=label,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input-short"}),
    )
