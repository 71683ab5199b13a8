from django import forms

from indicators.alerts.models import Kind


class PreferenceForm(forms.Form):
    weekly_digest = forms.BooleanField(
        required=False,
        label="A weekly digest",
        help_text="One e-mail a week with everything below that happened in your neighbourhoods. "
        "No e-mail in a week with nothing to say.",
    )
    immediate = forms.BooleanField(
        required=False,
        label="An e-mail at once for urgent items",
        help_text="A neighbourhood that started falling behind, or a survey closing soon with a low response: "
        "the same day, as well as in the digest.",
    )
    kinds = forms.MultipleChoiceField(
        required=False,
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        label="What the e-mails tell you about",
    )
