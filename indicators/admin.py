from django import forms
from django.contrib import admin

from indicators.models import (
    Assignment,
    Deprivation,
    LocalAuthority,
    MatchedPair,
    Neighbourhood,
    Region,
    SmallArea,
    StaffProfile,
)
from indicators.services.places import validate_neighbourhood_areas


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
    raw_id_fields = ["local_authority"]
    inlines = [DeprivationInline]


class NeighbourhoodForm(forms.ModelForm):
    class Meta:
        model = Neighbourhood
        fields = ["name", "local_authority", "small_areas", "description"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("local_authority") and cleaned.get("small_areas") is not None:
            validate_neighbourhood_areas(local_authority=cleaned["local_authority"], small_areas=cleaned["small_areas"])
        return cleaned


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    form = NeighbourhoodForm
    list_display = ["name", "local_authority"]
    list_filter = ["local_authority"]
    search_fields = ["name", "small_areas__code"]
    autocomplete_fields = ["small_areas"]
    list_select_related = ["local_authority"]


class MatchedPairForm(forms.ModelForm):
    class Meta:
        model = MatchedPair
        fields = ["first", "second", "reason"]

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("first"), cleaned.get("second")
        if first and second and first == second:
            raise forms.ValidationError("A neighbourhood cannot be matched with itself.")
        return cleaned


@admin.register(MatchedPair)
class MatchedPairAdmin(admin.ModelAdmin):
    form = MatchedPairForm
    list_display = ["__str__", "reason"]
    autocomplete_fields = ["first", "second"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "user"
    extra = 1
    autocomplete_fields = ["local_authority", "neighbourhood"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation"]
    list_filter = ["role"]
    search_fields = ["user__username", "organisation"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "local_authority", "neighbourhood"]
    list_filter = ["local_authority"]
    autocomplete_fields = ["user", "local_authority", "neighbourhood"]


# --- Official data ---------------------------------------------------------------------------------------------
from django.urls import path, reverse  # noqa: E402
from django.utils.html import format_html  # noqa: E402

from indicators import views_imports  # noqa: E402
from indicators.models import Import, Indicator, LsoaLookup, Observation, ObservationRevision, Period  # noqa: E402


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "level", "dataset_id", "unit"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "slug", "dataset_id"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["numerator", "denominator"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "start", "end"]
    list_filter = ["kind"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Figures and their provenance change only through the importers."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Import)
class ImportAdmin(ReadOnlyAdmin):
    list_display = [
        "file_name",
        "indicator",
        "status",
        "rows_read",
        "rows_inserted",
        "rows_updated",
        "created_at",
        "progress_page",
    ]
    list_filter = ["status", "format", "indicator"]
    search_fields = ["file_name", "sha256", "source"]
    date_hierarchy = "created_at"
    change_list_template = "indicators/imports/admin_change_list.html"

    def has_delete_permission(self, request, obj=None):
        return False  # observations point at their import: provenance is never deleted

    @admin.display(description="Page")
    def progress_page(self, obj):
        return format_html('<a href="{}">progress and errors</a>', reverse("indicators:import-detail", args=[obj.pk]))

    def get_urls(self):
        upload = self.admin_site.admin_view(views_imports.import_upload)
        return [path("upload/", upload, name="indicators_import_upload"), *super().get_urls()]


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "small_area", "local_authority", "period", "value", "status", "status_code"]
    list_filter = ["indicator", "status", "period__kind"]
    search_fields = ["small_area__code", "local_authority__code"]
    list_select_related = ["indicator", "small_area", "local_authority", "period"]
    raw_id_fields = ["small_area", "local_authority", "period", "source_import"]
    show_full_result_count = False


@admin.register(ObservationRevision)
class ObservationRevisionAdmin(ReadOnlyAdmin):
    list_display = ["observation", "old_value", "new_value", "old_status", "new_status", "replaced_by"]
    raw_id_fields = ["observation", "replaced_by", "previous_import"]
    list_select_related = ["observation__indicator", "observation__period", "observation__small_area", "replaced_by"]


@admin.register(LsoaLookup)
class LsoaLookupAdmin(ReadOnlyAdmin):
    list_display = ["lsoa11_code", "lsoa11_name", "change", "lsoa21_code", "lsoa21_name", "local_authority_name"]
    list_filter = ["change", "local_authority_name"]
    search_fields = ["lsoa11_code", "lsoa21_code", "lsoa11_name", "lsoa21_name"]
