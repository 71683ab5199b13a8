"""The staff page's forms for building a neighbourhood: which areas to list, and the neighbourhood itself."""

from __future__ import annotations

import json
import re

import shapely
import shapely.geometry
from django import forms

from indicators.core.parsers import json_depth
from indicators.places.models import LocalAuthority, Neighbourhood, SmallArea

PICKABLE_KINDS = [
    (k, SmallArea.Kind(k).label) for k in (SmallArea.Kind.LSOA11, SmallArea.Kind.LSOA21, SmallArea.Kind.WARD)
]
DECILES = [("", "Any decile")] + [
    (str(d), "Decile 1 only (most deprived 10%)" if d == 1 else f"Deciles 1 to {d}") for d in range(1, 10)
]
MAX_BOUNDARY_BYTES = 5 * 1024 * 1024
MAX_BOUNDARY_DEPTH = 64
CODES = re.compile(r"[\s,;|]+")


class AreaFilterForm(forms.Form):
    """Which areas to list (sent by GET, so the list's address can be shared)."""

    local_authority = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.order_by("name"), empty_label=None, label="Local authority"
    )
    kind = forms.ChoiceField(choices=PICKABLE_KINDS, label="Kind of area", initial=SmallArea.Kind.LSOA11)
    max_decile = forms.TypedChoiceField(
        choices=DECILES,
        coerce=int,
        empty_value=None,
        required=False,
        label="Deprivation",
        help_text="Decile of the Index of Multiple Deprivation: 1 is the most deprived tenth of areas in England.",
    )


class NeighbourhoodBuildForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="The official name, e.g. Leeds 041.")
    known_as = forms.CharField(
        max_length=120, required=False, label="Known as", help_text="The name people use, e.g. Swarcliffe."
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    areas = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label="Areas from the list"
    )
    codes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Or paste area codes",
        help_text="Codes of the kind listed, separated by spaces, commas or new lines (e.g. E01011336).",
    )
    boundary = forms.FileField(
        required=False,
        label="Or upload a boundary",
        help_text="A GeoJSON outline (a polygon, a feature or a collection of features, longitude and latitude): "
        "the areas whose centres lie inside it are added.",
    )

    def __init__(self, *args, local_authority: LocalAuthority, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.local_authority = local_authority
        self.fields["areas"].choices = choices

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Neighbourhood.objects.filter(local_authority=self.local_authority, name=name).exists():
            raise forms.ValidationError(f"{self.local_authority} already has a neighbourhood named {name}.")
        return name

    def clean_codes(self):
        return [c for c in CODES.split(self.cleaned_data["codes"].strip()) if c]

    def clean_boundary(self):
        upload = self.cleaned_data.get("boundary")
        if not upload:
            return None
        if upload.size > MAX_BOUNDARY_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1e6:,.1f} MB; a boundary may be at most "
                f"{MAX_BOUNDARY_BYTES / 1e6:,.0f} MB."
            )
        body = upload.read()
        if json_depth(body) > MAX_BOUNDARY_DEPTH:
            raise forms.ValidationError("This is not a GeoJSON outline: its JSON nests too deep.")
        try:
            data = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise forms.ValidationError(f"This is not a GeoJSON file ({exc}).") from None
        return _outline(data)


def _outline(data) -> dict:
    """One polygonal GeoJSON geometry from a geometry, a feature or a feature collection (their union)."""
    if not isinstance(data, dict):
        raise forms.ValidationError("This is not a GeoJSON file: expected an object.")
    if data.get("type") == "FeatureCollection":
        geometries = [f.get("geometry") for f in data.get("features") or [] if isinstance(f, dict)]
    elif data.get("type") == "Feature":
        geometries = [data.get("geometry")]
    else:
        geometries = [data]
    shapes = []
    for index, geometry in enumerate(geometries):
        try:
            shapes.append(shapely.geometry.shape(geometry or {}))
        except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
            raise forms.ValidationError(f"Outline {index + 1} cannot be read ({exc}).") from None
    merged = shapely.union_all([shapely.make_valid(s) for s in shapes]) if shapes else None
    if merged is None or merged.is_empty or merged.area == 0:
        raise forms.ValidationError("The file holds no outline with an area (a polygon).")
    return shapely.geometry.mapping(merged)
