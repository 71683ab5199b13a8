from django import forms
from django.contrib import admin

from indicators.places.models import Deprivation, LocalAuthority, MatchedPair, Neighbourhood, Region, SmallArea
from indicators.places.services import matched_pair_check, validate_neighbourhood_areas


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


class DeprivationInline(admin.TabularInline):
    model = Deprivation
    extra = 0


@admin.register(SmallArea)
class SmallAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "local_authority"]
    list_filter = ["kind", "local_authority__region"]
    search_fields = ["code", "name"]
    list_select_related = ["local_authority"]
    # A custom area's LSOAs by id: a select of every small area would list tens of thousands.
    raw_id_fields = ["local_authority", "members"]
    inlines = [DeprivationInline]


class NeighbourhoodForm(forms.ModelForm):
    class Meta:
        model = Neighbourhood
        fields = ["name", "known_as", "local_authority", "small_areas", "description"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("local_authority") and cleaned.get("small_areas") is not None:
            validate_neighbourhood_areas(local_authority=cleaned["local_authority"], small_areas=cleaned["small_areas"])
        return cleaned


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    form = NeighbourhoodForm
    list_display = ["name", "known_as", "local_authority"]
    list_filter = ["local_authority"]
    search_fields = ["name", "known_as", "small_areas__code"]
    autocomplete_fields = ["small_areas"]
    list_select_related = ["local_authority"]


class MatchedPairForm(forms.ModelForm):
    class Meta:
        model = MatchedPair
        fields = ["first", "second", "reason"]

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("first"), cleaned.get("second")
        if first and second:
            matched_pair_check(first=first, second=second, reason=cleaned.get("reason") or "", pair_id=self.instance.pk)
        return cleaned


@admin.register(MatchedPair)
class MatchedPairAdmin(admin.ModelAdmin):
    form = MatchedPairForm
    list_display = ["__str__", "reason"]
    autocomplete_fields = ["first", "second"]
