from django.contrib import admin

from indicators.access.models import Assignment, StaffProfile


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "user"
    extra = 1
    autocomplete_fields = ["local_authority", "neighbourhood"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "may_edit_questionnaires"]
    list_filter = ["role", "may_edit_questionnaires"]
    search_fields = ["user__username", "organisation"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "local_authority", "neighbourhood"]
    list_filter = ["local_authority"]
    autocomplete_fields = ["user", "local_authority", "neighbourhood"]
