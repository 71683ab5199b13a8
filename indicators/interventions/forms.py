"""The intervention form: shapes the input; the service decides what is allowed and valid."""

from __future__ import annotations

from django import forms

from indicators.core.report_vocabulary import FACTORS, RECOMMENDATIONS
from indicators.places.models import Neighbourhood

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y"]


class NeighbourhoodChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Neighbourhood) -> str:
        return f"{obj.display_name}, {obj.local_authority.name}"


class InterventionForm(forms.Form):
    title = forms.CharField(
        label="What was done",
        max_length=160,
        help_text="A short name people will recognise, e.g. ‘Estate employment hub’.",
    )
    lead_organisation = forms.CharField(
        label="Lead organisation",
        max_length=160,
        help_text="Who runs it, e.g. the council's employment team or a housing association.",
    )
    neighbourhoods = NeighbourhoodChoice(
        label="Neighbourhoods it covers",
        queryset=Neighbourhood.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one neighbourhood that this covers."},
    )
    start_date = forms.DateField(
        label="Start date",
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day it started (or will start). Changes are measured from this date.",
        error_messages={"invalid": "Enter a real date, e.g. 2024-03-01 or 01/03/2024 (day/month/year)."},
    )
    end_date = forms.DateField(
        label="End date",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave empty while it is still running.",
        error_messages={"invalid": "Enter a real date, e.g. 2025-03-31 or 31/03/2025 (day/month/year)."},
    )
    factors = forms.MultipleChoiceField(
        label="The report's factors it addresses",
        choices=FACTORS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick the factors it is meant to change. Choose at least one factor or recommendation.",
    )
    recommendations = forms.MultipleChoiceField(
        label="The report's recommendations it answers",
        choices=RECOMMENDATIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What it involves, who it is for, how residents take part.",
    )

    def __init__(self, *args, neighbourhoods=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "lead_organisation", "start_date"):
            self.fields[name].error_messages["required"] = "Enter this: it cannot be left empty."
        self.fields["neighbourhoods"].queryset = neighbourhoods.select_related("local_authority")

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}

    def add_service_errors(self, error) -> None:
        """Put a service's ValidationError beside the fields it names; the rest at the top."""
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class DecisionForm(forms.Form):
    note = forms.CharField(
        label="Note for the proposer",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: why, e.g. ‘already recorded’ or ‘agreed at the estate board’.",
    )
