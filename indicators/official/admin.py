from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html

from indicators.official import views as views_imports
from indicators.official.models import Import, Indicator, LsoaLookup, Observation, ObservationRevision, Period


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
